{#-
    The one place where message text is normalised for the content rules (2.3-2.9). Three forms:

    - cr_normalise_text(x)  "norm": NFKC-like folding (full-width -> ASCII, circled digits -> digits,
      ＠ 。 -> @ .), policy variants from the content_rule_char_variants seed (貨 -> 货, 屄 -> 逼, ...),
      lowercase. Separators are kept, so URLs / e-mail addresses keep their dots.
    - cr_compact_text(norm)  "compact": norm without the separators people insert between characters
      (spaces, * - _ . | / \ ~ brackets, emoji and other symbols). Clause punctuation , ! ? ; : 、 stays,
      so negation windows stop at a clause boundary. Lexicon matching runs on this form.
    - cr_numerals_to_digits(compact)  "digits": compact with Chinese numerals (一二三 / 壹贰叁 / 两 幺 零 〇)
      turned into digits. Number patterns (phones, QQ, bank cards) run on this form.

    Every expensive step is guarded: the long translate() only runs on rows that contain one of its
    characters (regexp_matches on a character class); the characters found in almost every Chinese message
    (，。！？：；（）) are folded with cheap replace() calls instead.
-#}

{#-
    The part of a message the content rules read: its first var content_rules_max_scan_chars characters.
    Matching cost grows with the text scanned (each position is a row), so a 5 MB message must not be
    scanned whole; the messages cut are listed in audit.truncated_messages.
-#}
{% macro cr_scanned_text(column) -%}
    substr({{ column }}, 1, {{ var('content_rules_max_scan_chars') | int }})
{%- endmacro %}

{#- (from_string, to_string) of the policy-owned variant map, read from the seed at compile time -#}
{% macro cr_char_variant_strings() -%}
    {%- set variants_relation = ref('content_rule_char_variants') -%}
    {%- set from_chars = [] -%}
    {%- set to_chars = [] -%}
    {%- if execute and cr_relation_exists(variants_relation) -%}
        {%- set rows = cr_query_rows(
            'select from_char, to_char from ' ~ variants_relation
            ~ ' where length(from_char) = 1 and length(to_char) = 1 order by from_char'
        ) -%}
        {%- for row in rows -%}
            {%- do from_chars.append(row[0]) -%}
            {%- do to_chars.append(row[1]) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return([from_chars | join(''), to_chars | join('')]) }}
{%- endmacro %}


{% macro cr_normalise_text(column) -%}
    {{ return(adapter.dispatch('cr_normalise_text', 'cs_rules')(column)) }}
{%- endmacro %}

{#- engine-neutral: literals through sql_literal / cr_regex_literal, regexes through the dispatched cr_regexp_* -#}
{% macro default__cr_normalise_text(column) -%}
    {#- column is referenced twice: pass a column, not an expression -#}
    {%- set variants = cr_char_variant_strings() -%}
    {%- set tens = cr_fold_tens() -%}
    {%- set rare_from = cr_fold_rare_from() ~ tens['from'] ~ variants[0] -%}
    {#- cr_fold_rare_to() is written as the inside of a DuckDB literal ('' for a quote) -#}
    {%- set rare_to = (cr_fold_rare_to() | replace("''", "'")) ~ tens['to'] ~ variants[1] -%}
    {%- set tens_spelled = cr_regexp_replace_all(
        "replace(" ~ column ~ ", " ~ sql_literal(tens['twenty']) ~ ", '20')",
        cr_regex_literal('([' ~ tens['tens_class'] ~ '])'), "'1\\1'"
    ) -%}
    {%- set folded = namespace(
        sql="case when " ~ cr_regexp_matches(column, cr_regex_literal('[' ~ rare_from ~ tens['twenty'] ~ ']'))
            ~ " then translate(" ~ tens_spelled ~ ", " ~ sql_literal(rare_from) ~ ", " ~ sql_literal(rare_to) ~ ") else " ~ column ~ " end"
    ) -%}
    {%- for pair in cr_fold_common_pairs() -%}
        {%- set folded.sql = "replace(" ~ folded.sql ~ ", " ~ sql_literal(pair[0]) ~ ", " ~ sql_literal(pair[1]) ~ ")" -%}
    {%- endfor -%}
    lower({{ folded.sql }})
{%- endmacro %}


{#- characters removed between characters for lexicon matching (kept: letters, digits, CJK, , ! ? ; : 、) -#}
{% macro cr_separator_class() -%}
    {{ return("[\\s*\\-_.|/\\\\~^`'\"<>()\\[\\]{}【】「」『』《》〈〉…—–·•=#&%$¥+\\x{2190}-\\x{2BFF}\\x{1F000}-\\x{1FAFF}\\x{FE00}-\\x{FE0F}\\x{200B}-\\x{200F}\\x{2060}\\x{E000}-\\x{F8FF}\\x{3010}-\\x{3017}\\x{0}-\\x{1F}\\x{7F}]+") }}
{%- endmacro %}

{% macro cr_compact_text(column) -%}
    {{ return(adapter.dispatch('cr_compact_text', 'cs_rules')(column)) }}
{%- endmacro %}

{% macro default__cr_compact_text(column) -%}
    {{ cr_regexp_replace_all(column, cr_regex_literal(cr_separator_class()), "''") }}
{%- endmacro %}


{#- Chinese numerals -> digits (一二三 / 壹贰叁 / 两 幺 / 零 〇), only on rows that contain one -#}
{% macro cr_numerals_to_digits(column) -%}
    {{ return(adapter.dispatch('cr_numerals_to_digits', 'cs_rules')(column)) }}
{%- endmacro %}

{% macro default__cr_numerals_to_digits(column) -%}
    {%- set numerals = '零〇一二三四五六七八九两幺壹贰叁肆伍陆柒捌玖' -%}
    {%- set digits = '0012345678921123456789' -%}
    case
        when {{ cr_regexp_matches(column, cr_regex_literal('[' ~ numerals ~ ']')) }}
            then translate({{ column }}, '{{ numerals }}', '{{ digits }}')
        else {{ column }}
    end
{%- endmacro %}
