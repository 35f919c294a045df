-- What a reviewer looks at: every content-rule hit (text detectors; behaviour incidents are reviewed in
-- harassment_incidents) and every near-miss (a slot rule whose matches were all cancelled by a negation cue,
-- with no hit of that clause on the message), one row per message / clause / rule_code, with the evidence
-- and the latest verdict recorded for the message and clause (content_rule_review_verdicts). Published with
-- matched_text masked and ids pseudonymised, like content_rule_hits. See docs/content_rules.md "Review loop".

with

hits as (
    select
        message_id,
        shop_id,
        activity_date,
        assessment_month,
        clause,
        rule_code,
        detector,
        matched_text
    from {{ ref('content_rule_hits') }}
    where detector <> 'behaviour'
),

near_misses as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text
    from {{ ref('int_content_rule_hits__slot') }}
    where is_negated
),

messages as (
    select
        message_id,
        shop_id,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where sender_role in ('merchant', 'robot')
),

latest_verdicts as (
    select
        message_id,
        clause,
        verdict,
        reviewed_at
    from {{ ref('int_content_rule_review_verdicts__latest') }}
),

unhit_near_misses as (
    select
        near_misses.message_id,
        messages.shop_id,
        messages.activity_date,
        messages.assessment_month,
        near_misses.clause,
        near_misses.rule_code,
        near_misses.detector,
        near_misses.matched_text
    from near_misses
    inner join messages
        on near_misses.message_id = messages.message_id
    where not exists (
        select 1
        from hits
        where
            hits.message_id = near_misses.message_id
            and hits.clause = near_misses.clause
    )
),

queued as (
    select
        message_id,
        shop_id,
        activity_date,
        assessment_month,
        clause,
        rule_code,
        detector,
        matched_text,
        'hit' as queue_reason
    from hits

    union all

    select
        message_id,
        shop_id,
        activity_date,
        assessment_month,
        clause,
        rule_code,
        detector,
        matched_text,
        'near_miss' as queue_reason
    from unhit_near_misses
),

final as (
    select
        queued.message_id,
        queued.shop_id,
        queued.activity_date,
        queued.assessment_month,
        queued.clause,
        queued.rule_code,
        queued.detector,
        queued.queue_reason,
        queued.matched_text,
        latest_verdicts.verdict,
        latest_verdicts.reviewed_at
    from queued
    left join latest_verdicts
        on queued.message_id = latest_verdicts.message_id
        and queued.clause = latest_verdicts.clause
)

select * from final
