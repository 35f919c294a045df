-- Slot hits (and near-misses): one row per message / clause / rule_code where a slot rule of
-- content_rule_slot_rules matches (is_negated: every match was cancelled by a negation cue, a near-miss for
-- the review queue, not a hit):
-- its slots' words (content_rule_slot_words) in order, each within max_gap_chars of the one before, in
-- content_compact. A rule combines families of words (the user + a contempt predicate, a review + a menace,
-- the platform's name + a notice marker + a demand, a counterfeit grade + the genuine article, a payment
-- instrument + a transfer, recruiting + a payout), so a new phrasing of a known structure is found without
-- a new lexicon sentence. Negatable rules are cancelled, as lexicon terms are, by a negation cue of their
-- clause before or after the match in its clause (请勿支付宝转账, 谨防冒充快手官方 ...).
--
-- Each rule becomes one CASE branch with a constant regex, generated at compile time, over one pass of the
-- candidates; all rules' regexes, OR-ed, are the prefilter. RE2 (DuckDB) matches in time linear in the text.
-- Incremental: replaces the window's days.
-- depends_on: {{ ref('content_rule_slot_rules') }}
-- depends_on: {{ ref('int_content_rule_terms') }}
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{%- set slot_rules = cr_slot_rule_rows() %}

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

slot_rules as (
    select
        slot_rule_id,
        clause,
        rule_code,
        is_negatable
    from {{ ref('content_rule_slot_rules') }}
),

candidate_messages as (
    select
        message_id,
        content_compact
    from messages
    where {{ cr_slot_guard(slot_rules) }}
),

-- every slot rule's first match (constant regexes, generated from the seeds at compile time), in one pass
all_matches as (
    {{ cr_slot_matches(slot_rules, 'candidate_messages') }}
),

classified_matches as (
    select
        all_matches.message_id,
        all_matches.slot_rule_id,
        all_matches.matched_text,
        all_matches.char_position,
        slot_rules.clause,
        slot_rules.rule_code,
        slot_rules.is_negatable,
        {{ cr_clause_before('all_matches.content_compact', 'all_matches.char_position') }} as clause_before,
        {{ cr_clause_after(
            'all_matches.content_compact', 'all_matches.char_position + length(all_matches.matched_text)'
        ) }} as clause_after
    from all_matches
    inner join slot_rules
        on all_matches.slot_rule_id = slot_rules.slot_rule_id
),

checked_matches as (
    select
        message_id,
        slot_rule_id,
        matched_text,
        char_position,
        clause,
        rule_code,
        is_negatable and {{ cr_is_negated('classified_matches') }} as is_negated
    from classified_matches
),

-- a message's negated matches of a clause / rule_code it has no hit for are near-misses, kept for review
message_hits as (
    select
        message_id,
        clause,
        rule_code,
        'slot' as detector,
        {{ arg_min('matched_text', ['is_negated', 'char_position', '-length(matched_text)', 'matched_text']) }}
            as matched_text,
        count(*) as match_count,
        min(is_negated) as is_negated
    from checked_matches
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
        message_hits.match_count,
        message_hits.is_negated
    from message_hits
    inner join messages
        on message_hits.message_id = messages.message_id
)

select * from final
