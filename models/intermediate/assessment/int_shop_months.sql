-- Every (shop, platform-local month) with any valid message or effective rating: the rows of the
-- monthly assessment.
with

message_months as (
    select distinct
        shop_id,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
),

rating_months as (
    select distinct
        shop_id,
        assessment_month
    from {{ ref('int_ratings__effective') }}
    where is_effective
),

final as (
    select
        shop_id,
        assessment_month
    from message_months
    union
    select
        shop_id,
        assessment_month
    from rating_months
)

select * from final
