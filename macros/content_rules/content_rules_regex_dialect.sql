{#-
    The regex dialect layer. Content-rule regexes (seeds and macros) are written once, in RE2 syntax as
    DuckDB reads them; cr_regex_literal(text) turns one into the SQL string literal the engine's regex
    functions read the same way:
      - DuckDB: the text in '' quotes, a quote doubled.
      - Spark (Java regex): Spark unescapes backslashes in string literals, so every backslash is
        doubled and a quote is \'; RE2's \p{Han} is Java's \p{IsHan}. Back-references in a replacement
        (\1) are $1 in Java (spark__cr_regexp_replace_all converts them).
    tests/python/test_spark_parity.py checks the layer on both engines with tricky patterns.
-#}
{% macro cr_regex_literal(pattern_text) -%}
    {{ return(adapter.dispatch('cr_regex_literal', 'cs_rules')(pattern_text)) }}
{%- endmacro %}

{% macro default__cr_regex_literal(pattern_text) -%}
    {{ return(sql_literal(pattern_text)) }}
{%- endmacro %}

{% macro spark__cr_regex_literal(pattern_text) -%}
    {%- set java = modules.re.sub('\\\\([pP])\\{Han\\}', '\\\\\\1{IsHan}', pattern_text | string) -%}
    {{ return(sql_literal(java)) }}
{%- endmacro %}


{#- Spark versions of macros/content_rules/content_rules_sql_functions.sql (Java regex, Spark SQL) -#}
{% macro spark__cr_regexp_matches(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}

{#- replacement: an SQL literal; \N back-references become Java's $N, a literal $ is escaped -#}
{% macro spark__cr_regexp_replace_all(text, pattern, replacement) -%}
    {%- set java = modules.re.sub('\\$', '\\\\\\\\$', replacement | string) -%}
    {%- set java = modules.re.sub('\\\\(\\d)', '$\\1', java) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ java }})
{%- endmacro %}

{% macro spark__cr_regexp_extract_all(text, pattern, group) -%}
    regexp_extract_all({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{% macro spark__cr_regexp_extract(text, pattern, group) -%}
    regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{% macro spark__cr_explode(list_expression) -%}
    explode({{ list_expression }})
{%- endmacro %}

{#- DuckDB's generate_series(1, 0) is empty; Spark's sequence(1, 0) counts down: keep it empty -#}
{% macro spark__cr_int_range(start, stop) -%}
    filter(sequence({{ start }}, greatest({{ start }}, {{ stop }})), i -> i <= {{ stop }})
{%- endmacro %}

{% macro spark__cr_hash_key(columns) -%}
    md5(concat_ws('|', {% for column in columns %}coalesce(cast({{ column }} as string), ''){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{% macro spark__cr_is_luhn_valid(digits) -%}
    {%- set digit_value = "try_cast(substr(reverse(" ~ digits ~ "), digit_index, 1) as int) * (2 - digit_index % 2)" -%}
    coalesce(
        ({{ digits }} rlike '^[0-9]+$')
        and aggregate(
            transform(
                sequence(1, greatest(1, length({{ digits }}))),
                digit_index -> ({{ digit_value }}) % 10 + ({{ digit_value }}) div 10
            ),
            cast(0 as bigint),
            (total, value) -> total + value
        ) % 10 = 0,
        false
    )
{%- endmacro %}
