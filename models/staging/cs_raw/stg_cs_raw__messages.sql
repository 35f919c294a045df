-- One row per message: valid rows only (see rejected_messages), the first delivery of each id
-- (see duplicate_messages), with UTC and platform-local times.
-- Incremental: a run recomputes the messages sent from raw.incremental_window's reprocess_from_ms
-- on (new files plus look-back); an id already kept from an earlier event stays as it was.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}

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
        _source_row_number
    from {{ ref('base_cs_raw__messages') }}
    where
        reject_reason is null
        and sent_at_ms >= {{ incremental_lower_bound_ms() }}
),

-- ids delivered more than once (a small share): only their rows need ranking
repeated_ids as (
    select message_id
    from valid_messages
    group by message_id
    having count(*) > 1
),

ranked_repeats as (
    select
        valid_messages.message_id,
        valid_messages.conversation_id,
        valid_messages.shop_id,
        valid_messages.user_id,
        valid_messages.sender_role,
        valid_messages.sender_account_id,
        valid_messages.msg_type,
        valid_messages.content,
        valid_messages.sent_at_ms,
        valid_messages._source_file,
        valid_messages._source_row_number,
        row_number() over ({{ first_delivery_window('valid_messages.message_id', 'valid_messages.sent_at_ms') }})
            as delivery_rank
    from valid_messages
    inner join repeated_ids
        on valid_messages.message_id = repeated_ids.message_id
),

first_delivery_rows as (
    select
        valid_messages.message_id,
        valid_messages.conversation_id,
        valid_messages.shop_id,
        valid_messages.user_id,
        valid_messages.sender_role,
        valid_messages.sender_account_id,
        valid_messages.msg_type,
        valid_messages.content,
        valid_messages.sent_at_ms,
        valid_messages._source_file,
        valid_messages._source_row_number
    from valid_messages
    left join repeated_ids
        on valid_messages.message_id = repeated_ids.message_id
    where repeated_ids.message_id is null

    union all

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
        _source_row_number
    from ranked_repeats
    where delivery_rank = 1
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
        _source_file as source_file,
        _source_row_number as source_row_number
    from first_delivery_rows
),

{% if is_incremental() %}
    kept_earlier as (
        select message_id
        from {{ this }}
        where sent_at_ms < {{ incremental_from_ms() }}
    ),

    new_deliveries as (
        select first_deliveries.*
        from first_deliveries
        left join kept_earlier
            on first_deliveries.message_id = kept_earlier.message_id
        where kept_earlier.message_id is null
    ),
{% else %}
    new_deliveries as (
        select *
        from first_deliveries
    ),
{% endif %}

localised as (
    select
        *,
        {{ utc_to_local('sent_at') }} as sent_at_local
    from new_deliveries
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
        source_file,
        source_row_number
    from localised
)

select * from final
