-- 5-minute reply rate per shop and platform-local month (3.1.1), computed from the messages (not
-- from daily rates), so percentiles are exact; daily counts add up to these (tested).
-- Incremental: the (shop, month) groups holding a message judged again in this run are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['shop_id', 'assessment_month'],
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}

{{ select_reply_rate_rollup('assessment_month') }}
