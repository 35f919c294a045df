-- One row per rating id: valid rows only (see rejected_ratings), the first delivery of each id
-- (see duplicate_ratings), with UTC and platform-local times, the platform-local day (activity_date)
-- and month (assessment_month) of the rating. Re-ratings are resolved downstream.
with

valid_ratings as (
    select
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        rating_source,
        rated_at_ms,
        activity_date,
        _source_file,
        _source_row_number
    from {{ ref('base_cs_raw__ratings') }}
    where is_valid
),

ranked_deliveries as (
    select
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        rating_source,
        rated_at_ms,
        activity_date,
        _source_file,
        _source_row_number,
        row_number() over ({{ first_delivery_window('rating_id', 'rated_at_ms') }}) as delivery_rank
    from valid_ratings
),

first_deliveries as (
    select
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        rating_source,
        rated_at_ms,
        {{ epoch_ms_to_timestamp('rated_at_ms') }} as rated_at,
        activity_date,
        _source_file as source_file,
        _source_row_number as source_row_number
    from ranked_deliveries
    where delivery_rank = 1
),

localised as (
    select
        *,
        {{ utc_to_local('rated_at') }} as rated_at_local
    from first_deliveries
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
        {{ month_start('activity_date') }} as assessment_month,
        source_file,
        source_row_number
    from localised
)

select * from final
