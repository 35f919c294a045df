-- The monthly shop assessment BI reads (3.1, 3.1.1, 3.1.2, chapter 2, chapter 4, 5.1): one row per
-- shop and platform-local month with any message or rating; every measured figure; the verdict of
-- each rule in force; the violation categories chapter 4 maps failures to; overall compliance.
-- The rules' columns are pivoted from the rule evidence and results with a loop over the catalog
-- (rule_catalog_metrics): a metric column per catalog metric, `<assessment_column>_threshold` and
-- `_passed` per rule that names one. The module marts add their own detail columns.
{%- set metrics = rule_catalog_metrics() %}

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
        pending_message_count,
        exempt_message_count
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
        exempt_rating_count
    from {{ ref('shop_monthly_satisfaction') }}
),

content_hits as (
    select
        shop_id,
        assessment_month,
        count(distinct message_id) as content_hit_message_count
    from {{ ref('content_rule_hits') }}
    group by shop_id, assessment_month
),

evidence as (
    select
        shop_id,
        assessment_month,
        metric,
        metric_value
    from {{ ref('shop_monthly_rule_evidence') }}
),

rule_results as (
    select
        shop_id,
        assessment_month,
        clause,
        metric,
        rule_version_id,
        threshold,
        is_passed,
        violation_category_zh
    from {{ ref('shop_monthly_rule_results') }}
),

catalog as (
    select distinct
        metric,
        assessment_column
    from {{ ref('rule_catalog') }}
),

metric_values as (
    select
        {%- for m in metrics %}
            max(case when metric = '{{ m.metric }}' then metric_value end) as {{ m.metric }},
        {%- endfor %}
        shop_id,
        assessment_month
    from evidence
    group by shop_id, assessment_month
),

judged as (
    select
        rule_results.shop_id,
        rule_results.assessment_month,
        rule_results.clause,
        rule_results.rule_version_id,
        rule_results.threshold,
        rule_results.is_passed,
        rule_results.violation_category_zh,
        catalog.assessment_column
    from rule_results
    inner join catalog
        on rule_results.metric = catalog.metric
),

verdicts as (
    select
        shop_id,
        assessment_month,
        {%- for m in metrics if m.assessment_column %}
            any_value(threshold) filter (where assessment_column = '{{ m.assessment_column }}')
                as {{ m.assessment_column }}_threshold,
            bool_and(is_passed) filter (where assessment_column = '{{ m.assessment_column }}')
                as {{ m.assessment_column }}_passed,
        {%- endfor %}
        bool_and(is_passed) filter (where clause like '2.%') as content_rules_passed,
        count(*) filter (where is_passed is not null) as assessed_rule_count,
        count(*) filter (where not is_passed) as failed_rule_count,
        {{ sorted_distinct_string_agg('case when not is_passed then clause end') }} as failed_clauses,
        {{ sorted_distinct_string_agg('case when not is_passed then violation_category_zh end') }}
            as violation_categories,
        {{ sorted_distinct_string_agg('rule_version_id') }} as rule_version_ids
    from judged
    group by shop_id, assessment_month
),

final as (
    select
        shop_months.shop_id,
        shop_months.assessment_month,
        coalesce(reply_rate.consult_message_count, 0) as consult_message_count,
        coalesce(reply_rate.replied_within_5min_count, 0) as replied_within_5min_count,
        coalesce(reply_rate.pending_message_count, 0) as pending_message_count,
        coalesce(reply_rate.exempt_message_count, 0) as exempt_message_count,
        coalesce(satisfaction.rating_count, 0) as rating_count,
        coalesce(satisfaction.satisfied_count, 0) as satisfied_count,
        coalesce(satisfaction.neutral_count, 0) as neutral_count,
        coalesce(satisfaction.disappointed_count, 0) as disappointed_count,
        coalesce(satisfaction.user_initiated_rating_count, 0) as user_initiated_rating_count,
        coalesce(satisfaction.merchant_invited_rating_count, 0) as merchant_invited_rating_count,
        coalesce(satisfaction.system_pushed_rating_count, 0) as system_pushed_rating_count,
        coalesce(satisfaction.exempt_rating_count, 0) as exempt_rating_count,
        {%- for m in metrics %}
            {%- if m.is_count %}
                cast(coalesce(metric_values.{{ m.metric }}, 0) as bigint) as {{ m.metric }},
            {%- else %}
                metric_values.{{ m.metric }},
            {%- endif %}
        {%- endfor %}
        {%- for m in metrics if m.assessment_column %}
            verdicts.{{ m.assessment_column }}_threshold,
            verdicts.{{ m.assessment_column }}_passed,
        {%- endfor %}
        coalesce(content_hits.content_hit_message_count, 0) as content_hit_message_count,
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
    left join metric_values
        on shop_months.shop_id = metric_values.shop_id
        and shop_months.assessment_month = metric_values.assessment_month
    left join verdicts
        on shop_months.shop_id = verdicts.shop_id
        and shop_months.assessment_month = verdicts.assessment_month
)

select * from final
