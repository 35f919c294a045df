-- One row per shop-month and rule in force in that month (5.1: the version in force on the
-- month's first day): the measured value, the catalog's threshold, and whether it passed.
-- A rate with no denominator is null, and so is its verdict: nothing to assess.
with

metrics as (
    select
        shop_id,
        assessment_month,
        reply_rate_5min,
        satisfaction_rate,
        hit_count_2_3,
        hit_count_2_4,
        hit_count_2_5,
        hit_count_2_7,
        hit_count_2_8,
        hit_count_2_9
    from {{ ref('int_shop_monthly_metrics') }}
),

rules as (
    select
        rule_version_id,
        clause,
        title_zh,
        title_en,
        metric,
        comparator,
        threshold,
        violation_category_zh,
        violation_category_en,
        effective_from,
        effective_to
    from {{ ref('rule_catalog') }}
),

measured as (
    select
        metrics.shop_id,
        metrics.assessment_month,
        rules.clause,
        rules.rule_version_id,
        rules.title_zh,
        rules.title_en,
        rules.metric,
        rules.comparator,
        rules.threshold,
        rules.violation_category_zh,
        rules.violation_category_en,
        cast(case rules.metric
            when 'reply_rate_5min' then metrics.reply_rate_5min
            when 'satisfaction_rate' then metrics.satisfaction_rate
            when 'hit_count_2_3' then metrics.hit_count_2_3
            when 'hit_count_2_4' then metrics.hit_count_2_4
            when 'hit_count_2_5' then metrics.hit_count_2_5
            when 'hit_count_2_7' then metrics.hit_count_2_7
            when 'hit_count_2_8' then metrics.hit_count_2_8
            when 'hit_count_2_9' then metrics.hit_count_2_9
        end as double) as metric_value
    from metrics
    inner join rules
        on {{ rule_in_force('rules', 'metrics.assessment_month') }}
),

final as (
    select
        shop_id,
        assessment_month,
        clause,
        rule_version_id,
        title_zh,
        title_en,
        metric,
        metric_value,
        comparator,
        threshold,
        {{ passes_threshold('metric_value', 'comparator', 'threshold') }} as is_passed,
        violation_category_zh,
        violation_category_en
    from measured
)

select * from final
