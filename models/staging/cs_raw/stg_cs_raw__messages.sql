-- One row per message: valid rows only (see rejected_messages), the first delivery of each id
-- (see duplicate_messages), with UTC and platform-local times.
with

valid_messages as (
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
        _source_file,
        _source_row_number,
    from {{ ref('base_cs_raw__messages') }}
    where reject_reason is null
),

first_deliveries as (
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
        {{ epoch_ms_to_timestamp('sent_at_ms') }} as sent_at,
    from valid_messages
    qualify row_number() over ({{ first_delivery_window('message_id', 'sent_at_ms') }}) = 1
),

localised as (
    select
        *,
        {{ utc_to_local('sent_at') }} as sent_at_local,
    from first_deliveries
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
        cast(sent_at_local as date) as sent_date,
        {{ month_start('sent_at_local') }} as sent_month,
    from localised
)

select * from final
