-- Early warning during the month (3.1.1, 3.1.2): for the platform-local month that contains the watermark,
-- per shop with any message or rating in it, the figures so far (exact at the watermark, pending and exempt
-- messages excluded as in the monthly assessment) and, for each threshold of the rule version in force
-- (5.1), how many further timely replies (or satisfied ratings) the shop needs to be at the threshold now.
-- No forecast: a further reply is counted as one more assessed message answered in time, nothing is
-- assumed about the rest of the month (docs/decisions.md "Month-to-date risk").
{%- set tolerance = '1e-9' %}

with

watermark as (
    select watermark_at_local
    from {{ ref('int_assessment_watermark') }}
),

shop_months as (
    select
        shop_id,
        assessment_month
    from {{ ref('int_shop_months') }}
),

reply_rate as (
    select
        shop_id,
        assessment_month,
        consult_message_count,
        replied_within_5min_count,
        pending_message_count,
        exempt_message_count,
        reply_rate_5min
    from {{ ref('shop_monthly_reply_rate') }}
),

satisfaction as (
    select
        shop_id,
        assessment_month,
        rating_count,
        satisfied_count,
        exempt_rating_count,
        satisfaction_rate
    from {{ ref('shop_monthly_satisfaction') }}
),

rule_results as (
    select
        shop_id,
        assessment_month,
        clause,
        rule_version_id,
        comparator,
        threshold
    from {{ ref('shop_monthly_rule_results') }}
    where clause in ('3.1.1', '3.1.2')
),

current_month as (
    select
        shop_months.shop_id,
        shop_months.assessment_month,
        watermark.watermark_at_local
    from shop_months
    inner join watermark
        on shop_months.assessment_month = {{ month_start('watermark.watermark_at_local') }}
),

so_far as (
    select
        current_month.shop_id,
        current_month.assessment_month,
        current_month.watermark_at_local,
        coalesce(reply_rate.consult_message_count, 0) as consult_message_count,
        coalesce(reply_rate.replied_within_5min_count, 0) as replied_within_5min_count,
        coalesce(reply_rate.pending_message_count, 0) as pending_message_count,
        coalesce(reply_rate.exempt_message_count, 0) as exempt_message_count,
        reply_rate.reply_rate_5min,
        reply_rule.rule_version_id as reply_rate_rule_version_id,
        reply_rule.comparator as reply_rate_comparator,
        reply_rule.threshold as reply_rate_threshold,
        coalesce(satisfaction.rating_count, 0) as rating_count,
        coalesce(satisfaction.satisfied_count, 0) as satisfied_count,
        coalesce(satisfaction.exempt_rating_count, 0) as exempt_rating_count,
        satisfaction.satisfaction_rate,
        satisfaction_rule.rule_version_id as satisfaction_rule_version_id,
        satisfaction_rule.comparator as satisfaction_comparator,
        satisfaction_rule.threshold as satisfaction_threshold
    from current_month
    left join reply_rate
        on current_month.shop_id = reply_rate.shop_id
        and current_month.assessment_month = reply_rate.assessment_month
    left join satisfaction
        on current_month.shop_id = satisfaction.shop_id
        and current_month.assessment_month = satisfaction.assessment_month
    left join rule_results as reply_rule
        on current_month.shop_id = reply_rule.shop_id
        and current_month.assessment_month = reply_rule.assessment_month
        and reply_rule.clause = '3.1.1'
    left join rule_results as satisfaction_rule
        on current_month.shop_id = satisfaction_rule.shop_id
        and current_month.assessment_month = satisfaction_rule.assessment_month
        and satisfaction_rule.clause = '3.1.2'
),

judged as (
    select
        *,
        {{ passes_threshold('reply_rate_5min', 'reply_rate_comparator', 'reply_rate_threshold') }} = false
            as is_reply_rate_below_threshold,
        {{ passes_threshold('satisfaction_rate', 'satisfaction_comparator', 'satisfaction_threshold') }} = false
            as is_satisfaction_below_threshold
    from so_far
),

final as (
    select
        shop_id,
        assessment_month,
        watermark_at_local,
        consult_message_count,
        replied_within_5min_count,
        consult_message_count - replied_within_5min_count as missed_message_count,
        pending_message_count,
        exempt_message_count,
        reply_rate_5min,
        reply_rate_rule_version_id,
        reply_rate_threshold,
        {{ further_successes_needed(
            'replied_within_5min_count', 'consult_message_count', 'reply_rate_comparator', 'reply_rate_threshold', tolerance
        ) }} as timely_replies_needed_count,
        is_reply_rate_below_threshold,
        rating_count,
        satisfied_count,
        exempt_rating_count,
        satisfaction_rate,
        satisfaction_rule_version_id,
        satisfaction_threshold,
        {{ further_successes_needed(
            'satisfied_count', 'rating_count', 'satisfaction_comparator', 'satisfaction_threshold', tolerance
        ) }} as satisfied_ratings_needed_count,
        is_satisfaction_below_threshold,
        coalesce(is_reply_rate_below_threshold, false) or coalesce(is_satisfaction_below_threshold, false) as is_at_risk
    from judged
)

select * from final
