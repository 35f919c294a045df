-- One row per shop-month and rule in force in that month (5.1: the version in force on the month's
-- first day): the evidence's metric, numerator and denominator, the catalog's threshold, and whether it
-- passed. A shop-month without evidence for a rule takes the catalog's no_evidence_value (0 hits for a
-- count; null for a rate: nothing to assess, and the verdict is null too).
with

shop_months as (
    select
        shop_id,
        assessment_month
    from {{ ref('int_shop_months') }}
),

evidence as (
    select
        shop_id,
        assessment_month,
        clause,
        metric,
        numerator_count,
        denominator_count,
        metric_value
    from {{ ref('shop_monthly_rule_evidence') }}
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
        no_evidence_value,
        violation_category_zh,
        violation_category_en,
        effective_from,
        effective_to
    from {{ ref('rule_catalog') }}
),

measured as (
    select
        shop_months.shop_id,
        shop_months.assessment_month,
        rules.clause,
        rules.rule_version_id,
        rules.title_zh,
        rules.title_en,
        rules.metric,
        coalesce(evidence.numerator_count, cast(rules.no_evidence_value as bigint)) as numerator_count,
        evidence.denominator_count,
        coalesce(evidence.metric_value, rules.no_evidence_value) as metric_value,
        rules.comparator,
        rules.threshold,
        rules.violation_category_zh,
        rules.violation_category_en
    from shop_months
    inner join rules
        on {{ rule_in_force('rules', 'shop_months.assessment_month') }}
    left join evidence
        on shop_months.shop_id = evidence.shop_id
        and shop_months.assessment_month = evidence.assessment_month
        and rules.clause = evidence.clause
        and rules.metric = evidence.metric
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
        numerator_count,
        denominator_count,
        metric_value,
        comparator,
        threshold,
        {{ passes_threshold('metric_value', 'comparator', 'threshold') }} as is_passed,
        violation_category_zh,
        violation_category_en
    from measured
)

select * from final
