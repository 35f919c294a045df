-- Every measured figure of a shop-month side by side (3.1.1, 3.1.2, chapter 2 content rules), before
-- any threshold is applied. The rule catalog's `metric` column names columns of this model.
with

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
        reply_rate_5min,
        pending_message_count
    from {{ ref('shop_monthly_reply_rate') }}
),

satisfaction as (
    select
        shop_id,
        assessment_month,
        rating_count,
        satisfied_count,
        neutral_count,
        disappointed_count,
        user_initiated_rating_count,
        merchant_invited_rating_count,
        system_pushed_rating_count,
        satisfaction_rate
    from {{ ref('shop_monthly_satisfaction') }}
),

content_hits as (
    select
        shop_id,
        sent_month as assessment_month,
        hit_count_2_3,
        hit_count_2_4,
        hit_count_2_5,
        hit_count_2_7,
        hit_count_2_8,
        hit_count_2_9,
        hit_message_count
    from {{ ref('int_content_rule_hits__shop_monthly') }}
),

final as (
    select
        shop_months.shop_id,
        shop_months.assessment_month,
        coalesce(reply_rate.consult_message_count, 0) as consult_message_count,
        coalesce(reply_rate.replied_within_5min_count, 0) as replied_within_5min_count,
        reply_rate.reply_rate_5min,
        coalesce(reply_rate.pending_message_count, 0) as pending_message_count,
        coalesce(satisfaction.rating_count, 0) as rating_count,
        coalesce(satisfaction.satisfied_count, 0) as satisfied_count,
        coalesce(satisfaction.neutral_count, 0) as neutral_count,
        coalesce(satisfaction.disappointed_count, 0) as disappointed_count,
        coalesce(satisfaction.user_initiated_rating_count, 0) as user_initiated_rating_count,
        coalesce(satisfaction.merchant_invited_rating_count, 0) as merchant_invited_rating_count,
        coalesce(satisfaction.system_pushed_rating_count, 0) as system_pushed_rating_count,
        satisfaction.satisfaction_rate,
        cast(coalesce(content_hits.hit_count_2_3, 0) as bigint) as hit_count_2_3,
        cast(coalesce(content_hits.hit_count_2_4, 0) as bigint) as hit_count_2_4,
        cast(coalesce(content_hits.hit_count_2_5, 0) as bigint) as hit_count_2_5,
        cast(coalesce(content_hits.hit_count_2_7, 0) as bigint) as hit_count_2_7,
        cast(coalesce(content_hits.hit_count_2_8, 0) as bigint) as hit_count_2_8,
        cast(coalesce(content_hits.hit_count_2_9, 0) as bigint) as hit_count_2_9,
        cast(coalesce(content_hits.hit_message_count, 0) as bigint) as content_hit_message_count
    from shop_months
    left join reply_rate
        on shop_months.shop_id = reply_rate.shop_id
        and shop_months.assessment_month = reply_rate.assessment_month
    left join satisfaction
        on shop_months.shop_id = satisfaction.shop_id
        and shop_months.assessment_month = satisfaction.assessment_month
    left join content_hits
        on shop_months.shop_id = content_hits.shop_id
        and shop_months.assessment_month = content_hits.assessment_month
)

select * from final
