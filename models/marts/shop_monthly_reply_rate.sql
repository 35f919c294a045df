-- 5-minute reply rate per shop and platform-local month (3.1.1), computed from the messages (not
-- from daily rates), so percentiles are exact; daily counts add up to these (tested).
-- Incremental: the (assessment month) groups holding a message judged again in this run are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['shop_id', 'assessment_month'],
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}
{%- set from_ms = incremental_from_ms() if is_incremental() else none %}

with

pairs as (
    select
        shop_id,
        assessment_month,
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
            assessment_month,
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
            and pairs.assessment_month = touched.assessment_month
    ),
{% else %}
    recomputed_pairs as (
        select * from pairs
    ),
{% endif %}

final as (
    select
        shop_id,
        assessment_month,
        {{ reply_rate_measures() }},
    from recomputed_pairs
    group by shop_id, assessment_month
)

select * from final
