{#-
    The two audit shapes shared by messages and ratings, so both sources are audited the same way.
    `raw_columns` are the contract's columns; the audit models show them as delivered (raw_ prefix
    removed), with the file and row they came from.
-#}

{#- rows that cannot be used, with every reason -#}
{% macro select_rejected_rows(base_model, raw_columns) %}
    with

    rejected as (
        select
            {% for column in raw_columns %}
                raw_{{ column }} as {{ column }},
            {% endfor %}
            _source_file as source_file,
            _source_row_number as source_row_number,
            reject_reason,
        from {{ ref(base_model) }}
        where reject_reason is not null
    ),

    final as (
        select
            {% for column in raw_columns %}
                {{ column }},
            {% endfor %}
            source_file,
            source_row_number,
            reject_reason,
        from rejected
    )

    select * from final
{% endmacro %}


{#- valid rows dropped because their id was already kept: exact re-deliveries and conflicts -#}
{% macro select_duplicate_rows(base_model, id_column, event_ms_column, raw_columns) %}
    with

    valid_rows as (
        select
            {% for column in raw_columns %}
                raw_{{ column }},
            {% endfor %}
            {{ id_column }},
            {{ event_ms_column }},
            row_fingerprint,
            _source_file,
            _source_row_number,
        from {{ ref(base_model) }}
        where reject_reason is null
    ),

    repeated_ids as (
        select {{ id_column }}
        from valid_rows
        group by {{ id_column }}
        having count(*) > 1
    ),

    ranked as (
        select
            valid_rows.*,
            row_number() over delivery as delivery_rank,
            first_value(valid_rows.row_fingerprint) over delivery as kept_fingerprint,
            first_value(valid_rows._source_file) over delivery as kept_source_file,
            first_value(valid_rows._source_row_number) over delivery as kept_source_row_number,
        from valid_rows
        semi join repeated_ids
            on valid_rows.{{ id_column }} = repeated_ids.{{ id_column }}
        window delivery as ({{ first_delivery_window(id_column, event_ms_column) }})
    ),

    final as (
        select
            {% for column in raw_columns %}
                raw_{{ column }} as {{ column }},
            {% endfor %}
            _source_file as source_file,
            _source_row_number as source_row_number,
            case
                when row_fingerprint = kept_fingerprint then 'exact_redelivery'
                else 'conflict'
            end as duplicate_kind,
            kept_source_file,
            kept_source_row_number,
        from ranked
        where delivery_rank > 1
    )

    select * from final
{% endmacro %}
