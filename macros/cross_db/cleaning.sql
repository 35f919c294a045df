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

{#- an epoch-millisecond value that is null, not a whole number, or outside the plausible range -#}
{% macro epoch_ms_problem(raw_column, typed_column) -%}
    case
        when {{ raw_column }} is null then 'missing'
        when {{ typed_column }} is null then 'invalid'
        when {{ typed_column }} < {{ date_to_epoch_ms(var('min_valid_event_at')) }}
            or {{ typed_column }} >= {{ date_to_epoch_ms(var('max_valid_event_at')) }}
            then 'out_of_range'
    end
{%- endmacro %}

{#-
    The order that decides which of several valid rows with one id is kept: the earliest event,
    then the earliest file (files sort by name, i.e. by export day), then the row within the file.
    Staging keeps rank 1; the duplicates models list the others.
-#}
{% macro first_delivery_window(id_column, event_ms_column) -%}
    partition by {{ id_column }} order by {{ event_ms_column }}, _source_file, _source_row_number
{%- endmacro %}
