{#-
    Engine-specific SQL used by the content-rule models, dispatched so the models stay portable.
    These have no portable form: the `duckdb__` versions are DuckDB (RE2 regexes, list lambdas
    `lambda x: ...`), and another engine fails at compile time until it gets its own (`spark__`: rlike /
    regexp_extract_all / explode(sequence(...)) / aggregate(...)). As everywhere in macros/, a `default__`
    version is portable SQL, never one engine's dialect.
-#}

{#- text matches an RE2 pattern anywhere (pattern is a SQL expression, normally a string literal) -#}
{% macro cr_regexp_matches(text, pattern) -%}
    {{ return(adapter.dispatch('cr_regexp_matches', 'cs_rules')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__cr_regexp_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}


{#- every match of pattern removed / replaced -#}
{% macro cr_regexp_replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('cr_regexp_replace_all', 'cs_rules')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__cr_regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}


{#- list of capture group `group` of every non-overlapping match -#}
{% macro cr_regexp_extract_all(text, pattern, group) -%}
    {{ return(adapter.dispatch('cr_regexp_extract_all', 'cs_rules')(text, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__cr_regexp_extract_all(text, pattern, group) -%}
    regexp_extract_all({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}


{#- capture group `group` of the first match ('' when none) -#}
{% macro cr_regexp_extract(text, pattern, group) -%}
    {{ return(adapter.dispatch('cr_regexp_extract', 'cs_rules')(text, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__cr_regexp_extract(text, pattern, group) -%}
    regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}


{#- one row per element of a list, in the select list (DuckDB unnest / Spark explode) -#}
{% macro cr_explode(list_expression) -%}
    {{ return(adapter.dispatch('cr_explode', 'cs_rules')(list_expression)) }}
{%- endmacro %}

{% macro duckdb__cr_explode(list_expression) -%}
    unnest({{ list_expression }})
{%- endmacro %}


{#- the integer list [start, stop] (inclusive) -#}
{% macro cr_int_range(start, stop) -%}
    {{ return(adapter.dispatch('cr_int_range', 'cs_rules')(start, stop)) }}
{%- endmacro %}

{% macro duckdb__cr_int_range(start, stop) -%}
    generate_series({{ start }}, {{ stop }})
{%- endmacro %}


{#- deterministic text key of several columns (the grain of a hit / incident) -#}
{% macro cr_hash_key(columns) -%}
    {{ return(adapter.dispatch('cr_hash_key', 'cs_rules')(columns)) }}
{%- endmacro %}

{% macro duckdb__cr_hash_key(columns) -%}
    md5(concat_ws('|', {% for column in columns %}coalesce(cast({{ column }} as string), ''){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}


{#-
    Luhn check of a string of digits (bank card numbers): from the right, every second digit is doubled
    (minus 9 when over 9); valid when the sum is a multiple of 10. False for null / empty / non-digits.
-#}
{% macro cr_is_luhn_valid(digits) -%}
    {{ return(adapter.dispatch('cr_is_luhn_valid', 'cs_rules')(digits)) }}
{%- endmacro %}

{% macro duckdb__cr_is_luhn_valid(digits) -%}
    {#- digit i from the right, doubled when i is even; a doubled digit's digit sum is (v % 10 + v // 10) -#}
    {%- set digit_value = "try_cast(substr(reverse(" ~ digits ~ "), digit_index, 1) as integer) * (2 - digit_index % 2)" -%}
    coalesce(
        regexp_full_match({{ digits }}, '[0-9]+')
        and list_sum(
            list_transform(
                generate_series(1, length({{ digits }})),
                lambda digit_index: ({{ digit_value }}) % 10 + ({{ digit_value }}) // 10
            )
        ) % 10 = 0,
        false
    )
{%- endmacro %}



{#- whether a relation exists in the warehouse (at compile time); false while parsing -#}
{% macro cr_relation_exists(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(
        database=relation.database, schema=relation.schema, identifier=relation.identifier
    ) -%}
    {{ return(found is not none) }}
{%- endmacro %}


{#- rows of a query run at compile time (list of tuples); empty while parsing -#}
{% macro cr_query_rows(sql_text) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set result = run_query(sql_text) -%}
    {{ return(result.rows) }}
{%- endmacro %}


{#-
    Whether the engine's regex matching runs in time linear in the text whatever the pattern (RE2, DuckDB),
    so a long alternation is a cheap prefilter. Java's regex (Spark) backtracks: an alternation of hundreds
    of words costs words x characters per message, more than the exact bigram join it would spare
    (int_content_rule_hits__lexicon: 13.8 s with the guard, 2.7 s without, Spark local[2], 87K messages).
    Unknown engines get false: no prefilter, still exact.
-#}
{% macro cr_regex_is_linear() -%}
    {{ return(adapter.dispatch('cr_regex_is_linear', 'cs_rules')()) }}
{%- endmacro %}

{% macro default__cr_regex_is_linear() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro duckdb__cr_regex_is_linear() -%}
    {{ return(true) }}
{%- endmacro %}
