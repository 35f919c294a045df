-- Every valid rating, marked effective or not (3.1.2). A repeated rating_id was already dropped in
-- staging. When a user rates the same conversation again, the latest rating replaces the earlier
-- ones (var rerating_policy = 'latest'; 'all' keeps every rating). Ratings without a conversation
-- id count one by one.
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
        assessment_month,
        conversation_rating_count,
        case
            when latest_rating_id is null or latest_rating_id = rating_id then null
            else latest_rating_id
        end as superseded_by_rating_id,
        {% if policy == 'latest' %}
            latest_rating_id is null or latest_rating_id = rating_id as is_effective
        {% else %}
            true as is_effective
        {% endif %}
    from ranked
)

select * from final
