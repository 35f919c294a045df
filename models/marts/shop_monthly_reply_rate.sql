-- 5-minute reply rate per shop and platform-local month (3.1.1), computed from the messages (not
-- from daily rates), so percentiles are exact; daily counts add up to these (tested).
with

pairs as (
    select
        shop_id,
        assessment_month,
        is_counted_unit,
        is_in_assessment_window,
        is_assessed,
        is_replied,
        is_replied_within_5min,
        is_pending,
        reply_latency_seconds,
    from {{ ref('consult_reply_pairs') }}
),

final as (
    select
        shop_id,
        assessment_month,
        {{ reply_rate_measures() }},
    from pairs
    group by shop_id, assessment_month
)

select * from final
