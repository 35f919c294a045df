-- Rule evidence of 3.1.1 (5-minute reply rate) per shop and platform-local month, in the shape every
-- rule module ends in (docs/decisions.md "Rule modules"): replied within 5 minutes / assessed
-- consultation messages.
with

monthly as (
    select
        shop_id,
        assessment_month,
        replied_within_5min_count,
        consult_message_count,
        reply_rate_5min
    from {{ ref('shop_monthly_reply_rate') }}
),

final as (
    select
        shop_id,
        assessment_month,
        '3.1.1' as clause,
        'reply_rate_5min' as metric,
        replied_within_5min_count as numerator_count,
        consult_message_count as denominator_count,
        reply_rate_5min as metric_value
    from monthly
)

select * from final
