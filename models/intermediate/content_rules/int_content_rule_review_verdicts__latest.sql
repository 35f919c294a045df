-- The verdict in force per message and clause: the latest of content_rule_review_verdicts (a reviewer may
-- revise a verdict by adding a later row; on a tie in reviewed_at the verdicts' alphabetical order decides,
-- so `breach` wins over `not_breach`). Read by the review queue and the confirmed misses.

with

verdicts as (
    select
        message_id,
        clause,
        verdict,
        reviewed_at
    from {{ ref('content_rule_review_verdicts') }}
),

ranked_verdicts as (
    select
        message_id,
        clause,
        verdict,
        reviewed_at,
        row_number() over (partition by message_id, clause order by reviewed_at desc, verdict asc) as verdict_rank
    from verdicts
),

final as (
    select
        message_id,
        clause,
        verdict,
        reviewed_at
    from ranked_verdicts
    where verdict_rank = 1
)

select * from final
