-- The monthly shop assessment BI reads (3.1, 3.1.1, 3.1.2, chapter 2, chapter 4, 5.1): one row per
-- shop and platform-local month with any message or rating, every measured figure, the verdict of
-- each rule in force, the violation categories chapter 4 maps failures to, and overall compliance.
with

metrics as (
    select
        shop_id,
        assessment_month,
        consult_message_count,
        replied_within_5min_count,
        reply_rate_5min,
        pending_message_count,
        rating_count,
        satisfied_count,
        neutral_count,
        disappointed_count,
        user_initiated_rating_count,
        merchant_invited_rating_count,
        system_pushed_rating_count,
        satisfaction_rate,
        hit_count_2_3,
        hit_count_2_4,
        hit_count_2_5,
        hit_count_2_7,
        hit_count_2_8,
        hit_count_2_9,
        content_hit_message_count
    from {{ ref('int_shop_monthly_metrics') }}
),

rule_results as (
    select
        shop_id,
        assessment_month,
        clause,
        rule_version_id,
        threshold,
        is_passed,
        violation_category_zh
    from {{ ref('shop_monthly_rule_results') }}
),

verdicts as (
    select
        shop_id,
        assessment_month,
        any_value(threshold) filter (where clause = '3.1.1') as reply_rate_threshold,
        bool_and(is_passed) filter (where clause = '3.1.1') as reply_rate_passed,
        any_value(threshold) filter (where clause = '3.1.2') as satisfaction_threshold,
        bool_and(is_passed) filter (where clause = '3.1.2') as satisfaction_passed,
        bool_and(is_passed) filter (where clause like '2.%') as content_rules_passed,
        count(*) filter (where is_passed is not null) as assessed_rule_count,
        count(*) filter (where not is_passed) as failed_rule_count,
        {{ sorted_distinct_string_agg('case when not is_passed then clause end') }} as failed_clauses,
        {{ sorted_distinct_string_agg('case when not is_passed then violation_category_zh end') }}
            as violation_categories,
        {{ sorted_distinct_string_agg('rule_version_id') }} as rule_version_ids
    from rule_results
    group by shop_id, assessment_month
),

final as (
    select
        metrics.shop_id,
        metrics.assessment_month,
        metrics.consult_message_count,
        metrics.replied_within_5min_count,
        metrics.reply_rate_5min,
        metrics.pending_message_count,
        verdicts.reply_rate_threshold,
        case when metrics.reply_rate_5min is not null then verdicts.reply_rate_passed end as reply_rate_passed,
        metrics.rating_count,
        metrics.satisfied_count,
        metrics.neutral_count,
        metrics.disappointed_count,
        metrics.user_initiated_rating_count,
        metrics.merchant_invited_rating_count,
        metrics.system_pushed_rating_count,
        metrics.satisfaction_rate,
        verdicts.satisfaction_threshold,
        case when metrics.satisfaction_rate is not null then verdicts.satisfaction_passed end as satisfaction_passed,
        metrics.hit_count_2_3,
        metrics.hit_count_2_4,
        metrics.hit_count_2_5,
        metrics.hit_count_2_7,
        metrics.hit_count_2_8,
        metrics.hit_count_2_9,
        metrics.content_hit_message_count,
        verdicts.content_rules_passed,
        coalesce(verdicts.assessed_rule_count, 0) as assessed_rule_count,
        coalesce(verdicts.failed_rule_count, 0) as failed_rule_count,
        verdicts.failed_clauses,
        verdicts.violation_categories,
        case
            when coalesce(verdicts.assessed_rule_count, 0) = 0 then null
            else verdicts.failed_rule_count = 0
        end as is_compliant,
        verdicts.rule_version_ids
    from metrics
    left join verdicts
        on metrics.shop_id = verdicts.shop_id
        and metrics.assessment_month = verdicts.assessment_month
)

select * from final
