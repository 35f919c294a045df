-- 5-minute reply rate per shop and platform-local month (3.1.1), the figure the rule assesses.
-- A message belongs to the month in which the user sent it, whenever the reply came.
-- Incremental: replaces the window's months.
{{ config(
    materialized='incremental',
    partition_column='assessment_month',
    partition_grain='month',
) }}

{{ select_reply_rate_rollup('assessment_month') }}
