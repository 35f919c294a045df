-- Valid raw messages dropped because their message_id was kept from another row: exact re-deliveries
-- and conflicting rows (same id, other values), each pointing at the row that was kept. The duplicate
-- rows of stg_cs_raw__message_deliveries.
{{ config(
    materialized='view',
    partition_column='activity_date',
) }}

with

duplicates as (
    select
        raw_message_id,
        raw_conversation_id,
        raw_shop_id,
        raw_user_id,
        raw_sender_role,
        raw_sender_account_id,
        raw_msg_type,
        raw_content,
        raw_sent_at_ms,
        source_file,
        source_row_number,
        activity_date,
        duplicate_kind,
        kept_source_file,
        kept_source_row_number
    from {{ ref('stg_cs_raw__message_deliveries') }}
    where delivery_status = 'duplicate'
),

final as (
    select
        raw_message_id as message_id,
        raw_conversation_id as conversation_id,
        raw_shop_id as shop_id,
        raw_user_id as user_id,
        raw_sender_role as sender_role,
        raw_sender_account_id as sender_account_id,
        raw_msg_type as msg_type,
        raw_content as content,
        raw_sent_at_ms as sent_at_ms,
        source_file,
        source_row_number,
        activity_date,
        duplicate_kind,
        kept_source_file,
        kept_source_row_number
    from duplicates
)

select * from final
