{#-
    The two audit shapes shared by messages and ratings, so both sources are audited the same way.
    `raw_columns` are the contract's columns; the audit models show them as delivered (raw_ prefix
    removed), with the file and row they came from.
-#}

{#-
    Rows that cannot be used, with every reason. `file_filter_sql` (an SQL list of file names)
    limits the scan to those files: the incremental run reads only new or changed files.
-#}
{% macro select_rejected_rows(base_model, raw_columns, file_filter_sql=none) %}
    with

    rejected as (
        select
            {% for column in raw_columns %}
                raw_{{ column }} as {{ column }},
            {% endfor %}
            _source_file as source_file,
            _source_row_number as source_row_number,
            reject_reason
        from {{ ref(base_model) }}
        where reject_reason is not null
        {% if file_filter_sql is not none %}
            and _source_file in {{ file_filter_sql }}
        {% endif %}
    ),

    final as (
        select
            {% for column in raw_columns %}
                {{ column }},
            {% endfor %}
            source_file,
            source_row_number,
            reject_reason
        from rejected
    )

    select * from final
{% endmacro %}


{#-
    Valid rows dropped because their id was already kept: exact re-deliveries and conflicts.
    Incremental (`from_ms` given): only rows whose event is at or after from_ms are judged; an id
    kept earlier is read from `kept_model` (the staging table, whose `kept_columns` are the typed
    values the fingerprint is made of), so a late re-delivery is still told from a conflict.
-#}
{% macro select_duplicate_rows(
    base_model, id_column, event_ms_column, raw_columns, fingerprint_columns,
    from_ms=none, kept_model=none
) %}
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
            _source_row_number
        from {{ ref(base_model) }}
        where reject_reason is null
        {% if from_ms is not none %}
            and {{ event_ms_column }} >= {{ from_ms }}
        {% endif %}
    ),

    {% if from_ms is not none %}
        kept_earlier as (
            select
                {% for column in raw_columns %}
                    cast(null as varchar) as raw_{{ column }},
                {% endfor %}
                {{ id_column }},
                {{ event_ms_column }},
                {{ row_fingerprint(fingerprint_columns) }} as row_fingerprint,
                source_file as _source_file,
                source_row_number as _source_row_number
            from {{ ref(kept_model) }}
            where {{ event_ms_column }} < {{ from_ms }}
                and {{ id_column }} in (select valid_rows.{{ id_column }} from valid_rows)
        ),

        candidates as (
            select * from valid_rows
            union all
            select * from kept_earlier
        ),
    {% else %}
        candidates as (
            select * from valid_rows
        ),
    {% endif %}

    {#- a full build reads the ids straight from the base view: a second reference to the wide
        valid_rows would make DuckDB materialise every row of it (at 100M messages it spills) -#}
    repeated_ids as (
        select {{ id_column }}
        {% if from_ms is not none %}
            from candidates
        {% else %}
            from {{ ref(base_model) }}
            where reject_reason is null
        {% endif %}
        group by {{ id_column }}
        having count(*) > 1
    ),

    ranked as (
        select
            candidates.*,
            row_number() over delivery as delivery_rank,
            first_value(candidates.row_fingerprint) over delivery as kept_fingerprint,
            first_value(candidates._source_file) over delivery as kept_source_file,
            first_value(candidates._source_row_number) over delivery as kept_source_row_number
        from candidates
        -- repeated_ids is one row per id: the join keeps each row once
        inner join repeated_ids
            on candidates.{{ id_column }} = repeated_ids.{{ id_column }}
        window delivery as ({{ first_delivery_window('candidates.' ~ id_column, 'candidates.' ~ event_ms_column) }})
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
            kept_source_row_number
        from ranked
        where delivery_rank > 1
    )

    select * from final
{% endmacro %}
