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
        _source_row_number,
    from {{ ref('base_cs_raw__messages') }}
    where
        reject_reason is null
        {% if is_incremental() %}
            and sent_at_ms >= {{ incremental_from_ms() }}
        {% endif %}
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
        _source_row_number as source_row_number,
    from valid_messages
    qualify row_number() over ({{ first_delivery_window('message_id', 'sent_at_ms') }}) = 1
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
        anti join kept_earlier
            on first_deliveries.message_id = kept_earlier.message_id
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
        {{ utc_to_local('sent_at') }} as sent_at_local,
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
        source_row_number,
    from localised
)

select * from final
