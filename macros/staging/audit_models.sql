{#-
    The audit shapes: rejected rows (with every reason) and duplicate rows (pointing at the kept row), as
    delivered. Messages: stg_cs_raw__message_deliveries decides kept, rejected and duplicate rows in one
    pass, and the audit views show its rows of one status (select_message_deliveries). Ratings: the two
    macros after it.
    `raw_columns` are the contract's columns; the audit models show them as delivered (raw_ prefix
    removed), with the file and row they came from and the platform-local day of the event
    (activity_date, null when the time is unusable).
    Both read the window's rows only (in_incremental_window on `event_ms_column`); rejected rows with
    no usable time belong to no day and are judged again in every run.
-#}

{#-
    The message deliveries of one `delivery_status` (rejected / duplicate) as delivered: the raw_ columns
    under their contract names (raw_contract()), the file and row, the day, and the status's own
    `status_columns`.
-#}
{% macro select_message_deliveries(delivery_status, status_columns) %}
    {%- set raw_columns = raw_contract()['messages']['columns'] | list %}
    with

    deliveries as (
        select
            {% for column in raw_columns %}
                raw_{{ column }},
            {% endfor %}
            source_file,
            source_row_number,
            activity_date,
            {{ status_columns | join(',\n            ') }}
        from {{ ref('stg_cs_raw__message_deliveries') }}
        where delivery_status = {{ sql_literal(delivery_status) }}
    ),

    final as (
        select
            {% for column in raw_columns %}
                raw_{{ column }} as {{ column }},
            {% endfor %}
            source_file,
            source_row_number,
            activity_date,
            {{ status_columns | join(',\n            ') }}
        from deliveries
    )

    select * from final
{% endmacro %}


{#- Rows that cannot be used, with every reason. -#}
{% macro select_rejected_rows(base_model, raw_columns, event_ms_column) %}
    with

    rejected as (
        select
            {% for column in raw_columns %}
                raw_{{ column }} as {{ column }},
            {% endfor %}
            _source_file as source_file,
            _source_row_number as source_row_number,
            activity_date,
            reject_reason
        from {{ ref(base_model) }}
        where
            not is_valid
            and (
                {{ in_incremental_window(event_ms_column, 'epoch_ms') }}
                -- no usable time, so no day (the same rows as activity_date is null, cheaper to find)
                or {{ event_ms_column }} is null
                or {{ event_ms_column }} < {{ date_to_epoch_ms(var('min_valid_event_at')) }}
                or {{ event_ms_column }} >= {{ date_to_epoch_ms(var('max_valid_event_at')) }}
                or {{ event_ms_column }} > {{ export_horizon_ms() }}
            )
    ),

    final as (
        select
            {% for column in raw_columns %}
                {{ column }},
            {% endfor %}
            source_file,
            source_row_number,
            activity_date,
            reject_reason
        from rejected
    )

    select * from final
{% endmacro %}


{#-
    Valid rows dropped because their id was already kept: exact re-deliveries and conflicts, each
    pointing at the row that was kept (first_delivery_window decides). In an incremental run the
    window's rows are ranked together with the row kept before the window for the same id, read from
    `kept_model` (the staging table: its rows before the window are final), whose `kept_columns` are the
    typed values the fingerprint is made of. None in a full build. The wide window rows are read once
    (DuckDB materialises a CTE read twice); the repeated ids come from a narrow read of the base view.
-#}
{% macro select_duplicate_rows(base_model, id_column, event_ms_column, raw_columns, kept_model, kept_columns) %}
    {%- set in_window = in_incremental_window(event_ms_column, 'epoch_ms') %}
    with

    window_rows as (
        select
            {% for column in raw_columns %}
                raw_{{ column }},
            {% endfor %}
            {{ id_column }},
            {{ event_ms_column }},
            row_fingerprint,
            _source_file,
            _source_row_number,
            true as is_in_window
        from {{ ref(base_model) }}
        where
            is_valid
            and {{ in_window }}
    ),

    window_ids as (
        select {{ id_column }}
        from {{ ref(base_model) }}
        where
            is_valid
            and {{ in_window }}
    ),

    -- the row kept before the window for an id delivered again in it (none in a full build)
    earlier_rows as (
        select
            {% for column in raw_columns %}
                cast(null as string) as raw_{{ column }},
            {% endfor %}
            {{ id_column }},
            {{ event_ms_column }},
            {{ row_fingerprint(kept_columns) }} as row_fingerprint,
            source_file as _source_file,
            source_row_number as _source_row_number,
            false as is_in_window
        from {{ ref(kept_model) }}
        where
            not ({{ in_window }})
            and {{ id_column }} in (select window_ids.{{ id_column }} from window_ids)
    ),

    repeated_ids as (
        select {{ id_column }}
        from window_ids
        group by {{ id_column }}
        having count(*) > 1

        union

        select {{ id_column }}
        from earlier_rows
    ),

    candidates as (
        select * from window_rows
        union all
        select * from earlier_rows
    ),

    ranked as (
        select
            candidates.*,
            row_number() over delivery as delivery_rank,
            first_value(candidates.row_fingerprint) over delivery as kept_fingerprint,
            first_value(candidates._source_file) over delivery as kept_source_file,
            first_value(candidates._source_row_number) over delivery as kept_source_row_number
        from candidates
        -- repeated_ids is one row per id (union): the join keeps each row once
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
            -- the platform-local day, for the few rows listed only (time zone conversion is costly)
            cast({{ utc_to_local(epoch_ms_to_timestamp(event_ms_column)) }} as date) as activity_date,
            case
                when row_fingerprint = kept_fingerprint then 'exact_redelivery'
                else 'conflict'
            end as duplicate_kind,
            kept_source_file,
            kept_source_row_number
        from ranked
        where delivery_rank > 1 and is_in_window
    )

    select * from final
{% endmacro %}
