-- Service satisfaction per shop and platform-local natural month (3.1.2): satisfied /
-- (satisfied + neutral + disappointed) over effective ratings from all three sources (3.1.2.2).
-- Effective ratings given inside an assessment exemption for 3.1.2 are not counted; they are shown
-- apart in exempt_rating_count (docs/decisions.md "Assessment exemptions").
with

effective_ratings as (
    select
        shop_id,
        assessment_month,
        rating,
        rating_source,
        is_exempt
    from {{ ref('int_ratings__effective') }}
    where is_effective
),

final as (
    select
        shop_id,
        assessment_month,
        count(*) filter (where not is_exempt) as rating_count,
        count(*) filter (where not is_exempt and rating = 'satisfied') as satisfied_count,
        count(*) filter (where not is_exempt and rating = 'neutral') as neutral_count,
        count(*) filter (where not is_exempt and rating = 'disappointed') as disappointed_count,
        count(*) filter (where not is_exempt and rating_source = 'user_initiated') as user_initiated_rating_count,
        count(*) filter (where not is_exempt and rating_source = 'merchant_invited') as merchant_invited_rating_count,
        count(*) filter (where not is_exempt and rating_source = 'system_pushed') as system_pushed_rating_count,
        count(*) filter (where is_exempt) as exempt_rating_count,
        {{ safe_rate(
            "count(*) filter (where not is_exempt and rating = 'satisfied')",
            'count(*) filter (where not is_exempt)',
        ) }} as satisfaction_rate
    from effective_ratings
    group by shop_id, assessment_month
)

select * from final
