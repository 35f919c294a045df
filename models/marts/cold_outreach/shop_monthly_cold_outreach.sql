-- 2.6 evidence per shop and platform-local month: how many merchant messages went to users who had not
-- written to the shop for more than var cold_outreach_silence_days days (or never in the data), to how
-- many users, and whether it looks like bulk outreach (at least var cold_outreach_bulk_min_users users).
-- For review, not a verdict: no rule catalog row, not in is_compliant (docs/decisions.md "2.6 cold outreach").
-- Incremental: replaces the window's months.
{{ config(
    materialized='incremental',
    partition_column='assessment_month',
    partition_grain='month',
) }}
{%- set bulk_users = validated_int('cold_outreach_bulk_min_users', 1) %}

with

merchant_messages as (
    select
        shop_id,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role = 'merchant'
        and {{ in_incremental_window() }}
),

cold_messages as (
    select
        shop_id,
        user_id,
        assessment_month,
        is_user_silent_in_data
    from {{ ref('cold_outreach_messages') }}
    where {{ in_incremental_window() }}
),

merchant_counts as (
    select
        shop_id,
        assessment_month,
        count(*) as merchant_message_count
    from merchant_messages
    group by shop_id, assessment_month
),

cold_counts as (
    select
        shop_id,
        assessment_month,
        count(*) as cold_outreach_message_count,
        count(distinct user_id) as cold_outreach_user_count,
        count(distinct case when is_user_silent_in_data then user_id end) as silent_in_data_user_count
    from cold_messages
    group by shop_id, assessment_month
),

final as (
    select
        merchant_counts.shop_id,
        merchant_counts.assessment_month,
        merchant_counts.merchant_message_count,
        coalesce(cold_counts.cold_outreach_message_count, 0) as cold_outreach_message_count,
        coalesce(cold_counts.cold_outreach_user_count, 0) as cold_outreach_user_count,
        coalesce(cold_counts.silent_in_data_user_count, 0) as silent_in_data_user_count,
        {{ safe_rate(
            'coalesce(cold_counts.cold_outreach_message_count, 0)', 'merchant_counts.merchant_message_count'
        ) }} as cold_outreach_message_share,
        coalesce(cold_counts.cold_outreach_user_count, 0) >= {{ bulk_users }} as is_bulk_cold_outreach
    from merchant_counts
    left join cold_counts
        on merchant_counts.shop_id = cold_counts.shop_id
        and merchant_counts.assessment_month = cold_counts.assessment_month
)

select * from final
