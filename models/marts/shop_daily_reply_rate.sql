-- 5-minute reply rate per shop and platform-local day (3.1.1). A message belongs to the day on
-- which the user sent it, whenever the reply came.
-- Incremental: the (activity date) groups holding a message judged again in this run are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['shop_id', 'activity_date'],
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}
{%- set from_ms = incremental_from_ms() if is_incremental() else none %}

with

pairs as (
    select
        shop_id,
        activity_date,
        is_counted_unit,
        is_in_assessment_window,
        is_assessed,
        is_replied,
        is_replied_within_5min,
        is_pending,
        reply_latency_seconds,
    from {{ ref('consult_reply_pairs') }}
),

{% if from_ms is not none %}
    touched as (
        select distinct
            shop_id,
            activity_date,
        from {{ ref('consult_reply_pairs') }}
        where
            sent_at >= {{ epoch_ms_to_timestamp(from_ms) }}
            or replied_at >= {{ epoch_ms_to_timestamp(from_ms) }}
    ),

    recomputed_pairs as (
        select pairs.*
        from pairs
        semi join touched
            on pairs.shop_id = touched.shop_id
            and pairs.activity_date = touched.activity_date
    ),
{% else %}
    recomputed_pairs as (
        select * from pairs
    ),
{% endif %}

final as (
    select
        shop_id,
        activity_date,
        {{ reply_rate_measures() }},
    from recomputed_pairs
    group by shop_id, activity_date
)

select * from final
