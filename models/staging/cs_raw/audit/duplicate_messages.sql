-- Valid raw messages dropped because their message_id was kept from another row: exact
-- re-deliveries and conflicting rows (same id, other values), each pointing at the row that was kept.
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{{ select_duplicate_rows(
    'base_cs_raw__messages',
    'message_id',
    'sent_at_ms',
    ['message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role', 'sender_account_id', 'msg_type', 'content', 'sent_at_ms'],
    kept_model='stg_cs_raw__messages',
    kept_columns=['message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role', 'sender_account_id', 'msg_type', 'content', 'sent_at_ms'],
) }}
