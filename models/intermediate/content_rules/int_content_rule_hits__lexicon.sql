-- Lexicon hits: one row per message / clause / rule_code whose normalised text contains a lexicon term that
-- is not inside an allowlisted phrase, keeps its word boundary (latin terms: sb is not usb) and, for
-- negatable terms, is not denied in its clause (这不是高仿 / 请勿私下转账 / 不是正品包退).
--
-- Matching: a cheap RE2 guard (the lexicon as alternations) keeps clean messages out; candidate messages are
-- cut into two-character windows joined to each term's first two characters, and the term is confirmed
-- in place, which gives exact (message, term, position) triples at a cost flat in lexicon size.
-- Incremental: replaces the window's days.
-- depends_on: {{ ref('int_content_rule_terms') }}
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

messages as (
    select
        message_id,
        activity_date,
        content_compact
    from {{ ref('int_merchant_messages__normalised') }}
    where
        content_compact <> ''
        and {{ in_incremental_window() }}
),

terms as (
    select
        term_id,
        term_kind,
        term,
        term_normalised,
        term_prefix,
        term_length,
        clause,
        rule_code,
        is_negatable,
        is_latin_start,
        is_latin_end
    from {{ ref('int_content_rule_terms') }}
    where term_kind in ('lexicon', 'allowlist') and term_length >= 2
),

candidate_messages as (
    select
        message_id,
        content_compact
    from messages
    where {{ cr_term_guard('content_compact', 'lexicon') }}
),

char_positions as (
    select
        message_id,
        content_compact,
        {{ cr_explode(cr_int_range('1', 'length(content_compact) - 1')) }} as char_position
    from candidate_messages
),

bigrams as (
    select
        message_id,
        content_compact,
        char_position,
        substr(content_compact, char_position, 2) as bigram
    from char_positions
),

occurrences as (
    select
        bigrams.message_id,
        bigrams.content_compact,
        bigrams.char_position,
        terms.term_id,
        terms.term_kind,
        terms.term,
        terms.term_normalised,
        terms.term_length,
        terms.clause,
        terms.rule_code,
        terms.is_negatable,
        terms.is_latin_start,
        terms.is_latin_end,
        bigrams.char_position + terms.term_length - 1 as char_position_end
    from bigrams
    inner join terms
        on bigrams.bigram = terms.term_prefix
    where substr(bigrams.content_compact, bigrams.char_position, terms.term_length) = terms.term_normalised
),

allowlisted_spans as (
    select
        message_id,
        char_position as span_start,
        char_position_end as span_end
    from occurrences
    where term_kind = 'allowlist'
),

term_occurrences as (
    select
        message_id,
        content_compact,
        char_position,
        char_position_end,
        term_id,
        term,
        term_normalised,
        term_length,
        clause,
        rule_code,
        is_negatable,
        is_latin_start,
        is_latin_end
    from occurrences
    where term_kind = 'lexicon'
),

-- an occurrence that overlaps an allowlisted phrase is that phrase, not the term (你滚筒洗衣机, 垃圾分类)
unshielded_occurrences as (
    select
        term_occurrences.message_id,
        term_occurrences.content_compact,
        term_occurrences.char_position,
        term_occurrences.char_position_end,
        term_occurrences.term_id,
        term_occurrences.term,
        term_occurrences.term_normalised,
        term_occurrences.term_length,
        term_occurrences.clause,
        term_occurrences.rule_code,
        term_occurrences.is_negatable,
        term_occurrences.is_latin_start,
        term_occurrences.is_latin_end
    from term_occurrences
    where not exists (
        select 1
        from allowlisted_spans
        where
            allowlisted_spans.message_id = term_occurrences.message_id
            and allowlisted_spans.span_start <= term_occurrences.char_position_end
            and allowlisted_spans.span_end >= term_occurrences.char_position
    )
),

-- the text around each occurrence, cut at the nearest clause boundary (, ! ? ; :)
occurrence_context as (
    select
        message_id,
        char_position,
        term_id,
        term,
        clause,
        rule_code,
        is_negatable,
        {{ cr_clause_before('content_compact', 'char_position') }} as clause_before,
        {{ cr_clause_after('content_compact', 'char_position_end + 1') }} as clause_after,
        (
            not is_latin_start
            or char_position = 1
            or not {{ cr_regexp_matches('substr(content_compact, char_position - 1, 1)', "'[a-z0-9]'") }}
        )
        and (
            not is_latin_end
            or not {{ cr_regexp_matches('substr(content_compact, char_position_end + 1, 1)', "'[a-z0-9]'") }}
        ) as has_word_boundary
    from unshielded_occurrences
),

checked_occurrences as (
    select
        message_id,
        char_position,
        term,
        clause,
        rule_code,
        has_word_boundary,
        is_negatable and {{ cr_is_negated('occurrence_context') }} as is_negated
    from occurrence_context
),

message_hits as (
    select
        message_id,
        clause,
        rule_code,
        'lexicon' as detector,
        {{ arg_min('term', ['char_position', '-length(term)', 'term']) }} as matched_text,
        count(*) as match_count
    from checked_occurrences
    where has_word_boundary and not is_negated
    group by message_id, clause, rule_code
),

final as (
    select
        message_hits.message_id,
        messages.activity_date,
        message_hits.clause,
        message_hits.rule_code,
        message_hits.detector,
        message_hits.matched_text,
        message_hits.match_count
    from message_hits
    inner join messages
        on message_hits.message_id = messages.message_id
)

select * from final
