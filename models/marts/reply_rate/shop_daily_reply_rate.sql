-- 5-minute reply rate per shop and platform-local day (3.1.1). A message belongs to the day on
-- which the user sent it, whenever the reply came.
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{{ select_reply_rate_rollup('activity_date') }}
