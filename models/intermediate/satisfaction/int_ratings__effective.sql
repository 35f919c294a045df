-- Every valid rating, marked effective or not (3.1.2). A repeated rating_id was already dropped in
-- staging. When a user rates the same conversation again, the latest rating replaces the earlier
-- ones (var rerating_policy = 'latest'; 'all' keeps every rating). Ratings without a conversation
-- id count one by one. A rating given inside an assessment exemption for 3.1.2 (int_assessment_exemptions,
-- [starts_at, ends_at) platform time) is marked is_exempt: the re-rating choice is made first, so an exempt
-- latest rating is not replaced by the earlier one it superseded (docs/decisions.md "Assessment exemptions").
{#- vars are validated once, by the on-run-start hook (validate_vars) -#}
{%- set policy = var('rerating_policy') %}

with

ratings as (
    select
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        rating_source,
        rated_at_ms,
        rated_at,
        rated_at_local,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__ratings') }}
    {% if var('as_of') is not none %}
        where rated_at_ms <= {{ as_of_epoch_ms() }}
    {% endif %}
),

exemptions_3_1_2 as (
    select
        shop_id,
        starts_at_ms,
        ends_at_ms
    from {{ ref('int_assessment_exemptions') }}
    where is_applied and is_for_3_1_2
),

ranked as (
    select
        *,
        case
            when conversation_id is null then null
            else first_value(rating_id) over (
                partition by shop_id, user_id, conversation_id
                order by rated_at_ms desc, rating_id desc
            )
        end as latest_rating_id,
        case
            when conversation_id is null then 1
            else count(*) over (partition by shop_id, user_id, conversation_id)
        end as conversation_rating_count
    from ratings
),

final as (
    select
        ranked.rating_id,
        ranked.shop_id,
        ranked.user_id,
        ranked.conversation_id,
        ranked.rating,
        ranked.rating_source,
        ranked.rated_at_ms,
        ranked.rated_at,
        ranked.rated_at_local,
        ranked.activity_date,
        ranked.assessment_month,
        ranked.conversation_rating_count,
        case
            when ranked.latest_rating_id is null or ranked.latest_rating_id = ranked.rating_id then null
            else ranked.latest_rating_id
        end as superseded_by_rating_id,
        {% if policy == 'latest' %}
            ranked.latest_rating_id is null or ranked.latest_rating_id = ranked.rating_id as is_effective,
        {% else %}
            true as is_effective,
        {% endif %}
        exemptions_3_1_2.ends_at_ms is not null as is_exempt
    from ranked
    -- applied exemptions never overlap (int_assessment_exemptions), so a rating matches at most one
    left join exemptions_3_1_2
        on (exemptions_3_1_2.shop_id is null or ranked.shop_id = exemptions_3_1_2.shop_id)
        and ranked.rated_at_ms >= exemptions_3_1_2.starts_at_ms
        and ranked.rated_at_ms < exemptions_3_1_2.ends_at_ms
)

select * from final
