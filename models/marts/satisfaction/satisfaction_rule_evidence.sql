-- Rule evidence of 3.1.2 (service satisfaction) per shop and platform-local natural month, in the shape
-- every rule module ends in (docs/decisions.md "Rule modules"): satisfied / all effective ratings.
with

monthly as (
    select
        shop_id,
        assessment_month,
        satisfied_count,
        rating_count,
        satisfaction_rate
    from {{ ref('shop_monthly_satisfaction') }}
),

final as (
    select
        shop_id,
        assessment_month,
        '3.1.2' as clause,
        'satisfaction_rate' as metric,
        satisfied_count as numerator_count,
        rating_count as denominator_count,
        satisfaction_rate as metric_value
    from monthly
)

select * from final
