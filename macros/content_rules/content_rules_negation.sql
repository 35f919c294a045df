{#-
    Negation and the clause around a match, shared by the three detectors (lexicon, pattern, slot).

    A match's context is the text on each side of it, at most var('content_rules_negation_window_chars')
    characters, cut at the nearest clause boundary (, ! ? ; : and, for the pattern detector, the full stop).
    A negatable match is negated when a negation cue of its clause (or of every clause, '*') is found there:
    negation_before / negation_after anywhere in the clause before / after, negation_adjacent_before /
    negation_adjacent_after right next to the match (这不是高仿 / 请勿私下转账 / 不是正品包退).
-#}

{#- the clause before a match that starts at `char_position` of `text` (SQL expressions) -#}
{% macro cr_clause_before(text, char_position, boundary_chars=',!?;:') -%}
    {%- set window_chars = var('content_rules_negation_window_chars', 10) | int -%}
    {%- set window_start = 'greatest(1, ' ~ char_position ~ ' - ' ~ window_chars ~ ')' -%}
    {{ cr_regexp_extract(
        'substr(' ~ text ~ ', ' ~ window_start ~ ', ' ~ char_position ~ ' - ' ~ window_start ~ ')',
        sql_literal('[^' ~ boundary_chars ~ ']*$'), '0'
    ) }}
{%- endmacro %}


{#- the clause after a match whose first following character is at `next_char_position` of `text` -#}
{% macro cr_clause_after(text, next_char_position, boundary_chars=',!?;:') -%}
    {%- set window_chars = var('content_rules_negation_window_chars', 10) | int -%}
    {{ cr_regexp_extract(
        'substr(' ~ text ~ ', ' ~ next_char_position ~ ', ' ~ window_chars ~ ')',
        sql_literal('^[^' ~ boundary_chars ~ ']*'), '0'
    ) }}
{%- endmacro %}


{#-
    Boolean: a negation cue cancels the match in row `occurrence` (a relation alias with the columns clause,
    clause_before and clause_after). Reads the cues from int_content_rule_terms (term_kind negation_*).
-#}
{% macro cr_is_negated(occurrence) -%}
    exists (
        select 1
        from {{ ref('int_content_rule_terms') }} as negation_cues
        where
            negation_cues.term_kind like 'negation_%'
            and (negation_cues.clause = '*' or negation_cues.clause = {{ occurrence }}.clause)
            and case negation_cues.term_kind
                when 'negation_before' then contains({{ occurrence }}.clause_before, negation_cues.term_normalised)
                when 'negation_after' then contains({{ occurrence }}.clause_after, negation_cues.term_normalised)
                when 'negation_adjacent_before'
                    then {{ text_ends_with(occurrence ~ '.clause_before', 'negation_cues.term_normalised') }}
                when 'negation_adjacent_after'
                    then {{ text_starts_with(occurrence ~ '.clause_after', 'negation_cues.term_normalised') }}
                else false
            end
    )
{%- endmacro %}
