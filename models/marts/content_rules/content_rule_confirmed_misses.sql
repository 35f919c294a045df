-- Breaches the detectors missed, as the reviewers found them: the latest verdict for a shop message and clause
-- is `breach` and the message has no hit of that clause. The list to learn from (new lexicon words, slot
-- words, labelled rows). `content` is the message text: kept in the build database for the policy team,
-- dropped by the publish step (cs_tools/publish.py PERSONAL_COLUMNS).

with

latest_verdicts as (
    select
        message_id,
        clause,
        verdict,
        reviewed_at
    from {{ ref('int_content_rule_review_verdicts__latest') }}
),

hits as (
    select
        message_id,
        clause
    from {{ ref('content_rule_hits') }}
),

messages as (
    select
        message_id,
        shop_id,
        activity_date,
        assessment_month,
        content
    from {{ ref('stg_cs_raw__messages') }}
    where sender_role in ('merchant', 'robot')
),

final as (
    select
        latest_verdicts.message_id,
        latest_verdicts.clause,
        messages.shop_id,
        messages.activity_date,
        messages.assessment_month,
        messages.content,
        latest_verdicts.reviewed_at
    from latest_verdicts
    inner join messages
        on latest_verdicts.message_id = messages.message_id
    where
        latest_verdicts.verdict = 'breach'
        and not exists (
            select 1
            from hits
            where
                hits.message_id = latest_verdicts.message_id
                and hits.clause = latest_verdicts.clause
        )
)

select * from final
