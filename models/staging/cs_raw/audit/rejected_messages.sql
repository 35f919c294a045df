-- Raw messages that cannot be used, as delivered, with every reason (reject_reason).
-- Incremental: a run reads only the files that are new or changed since they were last loaded.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{% if is_incremental() %}delete from {{ this }} where source_file in {{ pending_message_files_sql() }}{% endif %}",
) }}

{{ select_rejected_rows(
    'base_cs_raw__messages',
    ['message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role', 'sender_account_id', 'msg_type', 'content', 'sent_at_ms'],
    file_filter_sql=pending_message_files_sql() if is_incremental() else none
) }}
