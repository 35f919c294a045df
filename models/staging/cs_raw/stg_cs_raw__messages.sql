-- One row per message: valid rows only (see rejected_messages), the first delivery of each id
-- (see duplicate_messages), with UTC and platform-local times, the platform-local day (activity_date)
-- and month (assessment_month) it belongs to. A view of the kept rows of stg_cs_raw__message_deliveries,
-- which decides all three in one pass over the raw files.
{{ config(
    materialized='view',
    partition_column='activity_date',
) }}

with

deliveries as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sender_account_id,
        msg_type,
        content,
        sent_at_ms,
        sent_at,
        sent_at_local,
        activity_date,
        assessment_month,
        source_file,
        source_row_number
    from {{ ref('stg_cs_raw__message_deliveries') }}
    where delivery_status = 'kept'
),

final as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sender_account_id,
        msg_type,
        content,
        sent_at_ms,
        sent_at,
        sent_at_local,
        activity_date,
        assessment_month,
        source_file,
        source_row_number
    from deliveries
)

select * from final
