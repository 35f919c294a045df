{#- Continuous percentile (linear interpolation) of `column`, `fraction` in [0, 1]. -#}
{% macro percentile_cont(column, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'cs_rules')(column, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(column, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ column }})
{%- endmacro %}

{% macro duckdb__percentile_cont(column, fraction) -%}
    quantile_cont({{ column }}, {{ fraction }})
{%- endmacro %}


{#- numerator / denominator as a rate in [0, 1]; null when the denominator is 0 -#}
{% macro safe_rate(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}


{#- a Python string as an SQL string literal -#}
{% macro sql_literal(value) -%}
    {{ return(adapter.dispatch('sql_literal', 'cs_rules')(value)) }}
{%- endmacro %}

{% macro default__sql_literal(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{#- Spark unescapes backslashes in string literals and reads '' as two adjacent literals -#}
{% macro spark__sql_literal(value) -%}
    {{ return("'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}

{#- a list var rendered as an SQL list of string literals; `('')`-safe when empty -#}
{% macro sql_string_list(values) -%}
    {%- if values | length == 0 -%}
        (null)
    {%- else -%}
        ({% for value in values %}'{{ value | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}


{#- the distinct non-null values of `expression` in a group, sorted and joined by `separator`; null when none -#}
{% macro sorted_distinct_string_agg(expression, separator=', ') -%}
    {{ return(adapter.dispatch('sorted_distinct_string_agg', 'cs_rules')(expression, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_string_agg(expression, separator) -%}
    nullif(array_join(array_sort(collect_set({{ expression }})), '{{ separator }}'), '')
{%- endmacro %}

{% macro duckdb__sorted_distinct_string_agg(expression, separator) -%}
    nullif(array_to_string(list_sort(list_distinct(list({{ expression }}))), '{{ separator }}'), '')
{%- endmacro %}


{#- the value of `expression` (null included) on the row with the greatest / least (key_1, key_2, ...) in a group -#}
{% macro arg_max(expression, order_keys) -%}
    {{ return(adapter.dispatch('arg_max', 'cs_rules')(expression, order_keys)) }}
{%- endmacro %}

{% macro default__arg_max(expression, order_keys) -%}
    max_by({{ expression }}, struct({{ order_keys | join(', ') }}))
{%- endmacro %}

{% macro duckdb__arg_max(expression, order_keys) -%}
    arg_max_null({{ expression }}, row({{ order_keys | join(', ') }}))
{%- endmacro %}

{% macro arg_min(expression, order_keys) -%}
    {{ return(adapter.dispatch('arg_min', 'cs_rules')(expression, order_keys)) }}
{%- endmacro %}

{% macro default__arg_min(expression, order_keys) -%}
    min_by({{ expression }}, struct({{ order_keys | join(', ') }}))
{%- endmacro %}

{% macro duckdb__arg_min(expression, order_keys) -%}
    arg_min_null({{ expression }}, row({{ order_keys | join(', ') }}))
{%- endmacro %}


{#-
    A struct of named fields from a mapping {field: expression} (read back as `value.field`): several values
    carried by one window function instead of one function each.
-#}
{% macro named_struct(fields) -%}
    {{ return(adapter.dispatch('named_struct', 'cs_rules')(fields)) }}
{%- endmacro %}

{% macro default__named_struct(fields) -%}
    named_struct({% for name, expression in fields.items() %}'{{ name }}', {{ expression }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}

{% macro duckdb__named_struct(fields) -%}
    struct_pack({% for name, expression in fields.items() %}{{ name }} := {{ expression }}{% if not loop.last %}, {% endif %}{% endfor %})
{%- endmacro %}


{#- a window function that skips nulls: fn(expression) ignore nulls (DuckDB writes it inside the parentheses) -#}
{% macro ignore_nulls(fn, expression) -%}
    {{ return(adapter.dispatch('ignore_nulls', 'cs_rules')(fn, expression)) }}
{%- endmacro %}

{% macro default__ignore_nulls(fn, expression) -%}
    {{ fn }}({{ expression }}) ignore nulls
{%- endmacro %}

{% macro duckdb__ignore_nulls(fn, expression) -%}
    {{ fn }}({{ expression }} ignore nulls)
{%- endmacro %}


{#- prefix / suffix tests (DuckDB starts_with / ends_with; portable form elsewhere) -#}
{% macro text_starts_with(text, prefix) -%}
    {{ return(adapter.dispatch('text_starts_with', 'cs_rules')(text, prefix)) }}
{%- endmacro %}

{% macro default__text_starts_with(text, prefix) -%}
    startswith({{ text }}, {{ prefix }})
{%- endmacro %}

{% macro duckdb__text_starts_with(text, prefix) -%}
    starts_with({{ text }}, {{ prefix }})
{%- endmacro %}

{% macro text_ends_with(text, suffix) -%}
    {{ return(adapter.dispatch('text_ends_with', 'cs_rules')(text, suffix)) }}
{%- endmacro %}

{% macro default__text_ends_with(text, suffix) -%}
    endswith({{ text }}, {{ suffix }})
{%- endmacro %}

{% macro duckdb__text_ends_with(text, suffix) -%}
    ends_with({{ text }}, {{ suffix }})
{%- endmacro %}
