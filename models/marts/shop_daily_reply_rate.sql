-- 5-minute reply rate per shop and platform-local day (3.1.1). A message belongs to the day on
-- which the user sent it, whenever the reply came.
with

pairs as (
    select
        shop_id,
        activity_date,
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
        activity_date,
        {{ reply_rate_measures() }},
    from pairs
    group by shop_id, activity_date
)

select * from final
