-- Shops whose 5-minute reply rate or satisfaction moved most since the previous month, and whether
-- the move crossed the 80% line (a shop that started or stopped failing; a month without a verdict
-- on either side does not count as a change).
with

assessment as (
    select
        shop_id,
        assessment_month,
        reply_rate_5min,
        reply_rate_passed,
        satisfaction_rate,
        satisfaction_passed
    from {{ ref('shop_monthly_assessment') }}
),

with_previous as (
    select
        *,
        lag(assessment_month) over by_shop as previous_month,
        lag(reply_rate_5min) over by_shop as previous_reply_rate_5min,
        lag(reply_rate_passed) over by_shop as previous_reply_rate_passed,
        lag(satisfaction_rate) over by_shop as previous_satisfaction_rate,
        lag(satisfaction_passed) over by_shop as previous_satisfaction_passed
    from assessment
    window by_shop as (partition by shop_id order by assessment_month)
),

final as (
    select
        shop_id,
        previous_month,
        assessment_month,
        previous_reply_rate_5min,
        reply_rate_5min,
        reply_rate_5min - previous_reply_rate_5min as reply_rate_change,
        coalesce(previous_reply_rate_passed <> reply_rate_passed, false) as has_reply_verdict_changed,
        previous_satisfaction_rate,
        satisfaction_rate,
        satisfaction_rate - previous_satisfaction_rate as satisfaction_change,
        coalesce(previous_satisfaction_passed <> satisfaction_passed, false) as has_satisfaction_verdict_changed
    from with_previous
    where previous_month is not null
)

select * from final
order by greatest(abs(coalesce(reply_rate_change, 0)), abs(coalesce(satisfaction_change, 0))) desc
