-- When the misses happen (2.1 enough staff, 3.1.1): per shop, platform-local month, ISO weekday and
-- platform-local hour the user sent the message, the user messages, the assessed ones, the timely
-- replies and the misses (assessed, not replied within 5 minutes). A message belongs to the hour in
-- which the user sent it, whenever the reply came; hours outside 08:00-24:00 show the load that is not
-- assessed (3.1.1.2). The month's rows add up to shop_monthly_reply_rate (tested).
-- Incremental: replaces the window's months.
{{ config(
    materialized='incremental',
    partition_column='assessment_month',
    partition_grain='month',
) }}

with

pairs as (
    select
        shop_id,
        assessment_month,
        sent_at_local,
        is_counted_unit,
        is_in_assessment_window,
        is_assessed,
        is_replied_within_5min,
        is_pending,
        is_exempt,
        reply_latency_seconds
    from {{ ref('consult_reply_pairs') }}
    where {{ in_incremental_window() }}
),

timed as (
    select
        *,
        {{ iso_weekday('sent_at_local') }} as iso_weekday,
        hour(sent_at_local) as local_hour
    from pairs
),

final as (
    select
        shop_id,
        assessment_month,
        cast(iso_weekday as int) as iso_weekday,
        cast(local_hour as int) as local_hour,
        count(*) as user_message_count,
        count(*) filter (where is_assessed) as consult_message_count,
        count(*) filter (where is_assessed and is_replied_within_5min) as replied_within_5min_count,
        count(*) filter (where is_assessed and not is_replied_within_5min) as missed_message_count,
        count(*) filter (where is_counted_unit and is_in_assessment_window and is_pending and not is_exempt)
            as pending_message_count,
        count(*) filter (where is_counted_unit and is_in_assessment_window and is_exempt) as exempt_message_count,
        {{ safe_rate(
            'count(*) filter (where is_assessed and is_replied_within_5min)',
            'count(*) filter (where is_assessed)',
        ) }} as reply_rate_5min,
        {{ percentile_cont('cast(reply_latency_seconds as double)', 0.5) }} filter (where is_assessed)
            as median_reply_latency_seconds
    from timed
    group by shop_id, assessment_month, iso_weekday, local_hour
)

select * from final
