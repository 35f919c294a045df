-- Valid raw messages dropped because their message_id was kept from another row: exact
-- re-deliveries and conflicting rows (same id, other values), each pointing at the row that was kept.
-- Incremental: rows whose event falls in this run's window are judged again.
-- depends_on: {{ ref('stg_cs_raw__messages') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{% if is_incremental() %}delete from {{ this }} where try_cast(sent_at_ms as bigint) >= {{ incremental_from_ms() }}{% endif %}",
) }}

{%- set contract_columns = [
    'message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role',
    'sender_account_id', 'msg_type', 'content', 'sent_at_ms',
] %}

{{ select_duplicate_rows(
    'base_cs_raw__messages',
    'message_id',
    'sent_at_ms',
    contract_columns,
    fingerprint_columns=contract_columns,
    from_ms=incremental_from_ms() if is_incremental() else none,
    kept_model='stg_cs_raw__messages'
) }}
