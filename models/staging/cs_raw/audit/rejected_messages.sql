-- Raw messages that cannot be used, as delivered, with every reason (reject_reason).
-- Incremental: replaces the window's days and the rows with no usable time.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{{ select_rejected_rows(
    'base_cs_raw__messages',
    ['message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role', 'sender_account_id', 'msg_type', 'content', 'sent_at_ms'],
    'sent_at_ms',
) }}
