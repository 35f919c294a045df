{#- Shared value cleaning for staging. -#}

{#- an identifier: trimmed, empty string as null -#}
{% macro clean_id(column) -%}
    nullif(trim(cast({{ column }} as string)), '')
{%- endmacro %}

{#- the key a label is looked up by in the value_mappings seed -#}
{% macro label_key(column) -%}
    lower(trim(cast({{ column }} as string)))
{%- endmacro %}

{#- a fingerprint of a row's values, to tell an exact re-delivery from a conflicting row -#}
{% macro row_fingerprint(columns) -%}
    {{ return(adapter.dispatch('row_fingerprint', 'cs_rules')(columns)) }}
{%- endmacro %}

{% macro default__row_fingerprint(columns) -%}
    xxhash64({{ columns | join(', ') }})
{%- endmacro %}

{% macro duckdb__row_fingerprint(columns) -%}
    hash({{ columns | join(', ') }})
{%- endmacro %}

{#-
    an epoch-millisecond value that is null, not a whole number, outside the plausible range, or later
    than the export's own horizon (export_horizon_ms: a 2099 date must not become the watermark)
-#}
{% macro epoch_ms_problem(raw_column, typed_column) -%}
    case
        when {{ raw_column }} is null then 'missing'
        when {{ typed_column }} is null then 'invalid'
        when {{ typed_column }} < {{ date_to_epoch_ms(var('min_valid_event_at')) }}
            or {{ typed_column }} >= {{ date_to_epoch_ms(var('max_valid_event_at')) }}
            then 'out_of_range'
        when {{ typed_column }} > {{ export_horizon_ms() }} then 'future'
    end
{%- endmacro %}

{#-
    true exactly when epoch_ms_problem(...) is null: the same check as a plain boolean, which filters
    evaluate far faster than the reason text (built only for the rows that are listed as rejects)
-#}
{% macro epoch_ms_is_valid(typed_column) -%}
    coalesce(
        {{ typed_column }} >= {{ date_to_epoch_ms(var('min_valid_event_at')) }}
        and {{ typed_column }} < {{ date_to_epoch_ms(var('max_valid_event_at')) }}
        and {{ typed_column }} <= {{ export_horizon_ms() }},
        false
    )
{%- endmacro %}

{#- raw.export_horizon (the on-run-start hook writes it), at compile time; the plausible range's end while parsing -#}
{% macro export_horizon_ms() -%}
    {%- if execute and adapter.get_relation(database=target.database, schema='raw', identifier='export_horizon') is not none -%}
        {%- set rows = run_query('select horizon_at_ms from raw.export_horizon').rows -%}
        {%- if rows | length > 0 and rows[0][0] is not none -%}
            {{ return(rows[0][0] | int) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(date_to_epoch_ms(var('max_valid_event_at'))) }}
{%- endmacro %}

{#-
    The order that decides which of several valid rows with one id is kept: the earliest event,
    then the earliest file (files sort by name, i.e. by export day), then the row within the file.
    Staging keeps rank 1; the duplicates models list the others.
-#}
{% macro first_delivery_window(id_column, event_ms_column) -%}
    partition by {{ id_column }} order by {{ event_ms_column }}, _source_file, _source_row_number
{%- endmacro %}
