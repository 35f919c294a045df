-- Raw messages that cannot be used, as delivered, with every reason (reject_reason).
-- Incremental: replaces the window's days and the rows with no usable time.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_days',
    partition_column='activity_date',
    on_schema_change='fail',
) }}

{{ select_rejected_rows(
    'base_cs_raw__messages',
    ['message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role', 'sender_account_id', 'msg_type', 'content', 'sent_at_ms'],
    'sent_at_ms',
) }}
