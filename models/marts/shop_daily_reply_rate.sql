-- 5-minute reply rate per shop and platform-local day (3.1.1). A message belongs to the day on
-- which the user sent it, whenever the reply came.
-- Incremental: the (shop, day) groups holding a message judged again in this run are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['shop_id', 'activity_date'],
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}

{{ select_reply_rate_rollup('activity_date') }}
