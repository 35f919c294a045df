-- One row per message: valid rows only (see rejected_messages), the first delivery of each id
-- (see duplicate_messages), with UTC and platform-local times, the platform-local day
-- (activity_date) and month (assessment_month) it belongs to.
-- Incremental: replaces the window's days (docs/decisions.md "Incremental builds"). An id kept from an
-- earlier day stays kept there; a later delivery of it is a duplicate.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

window_rows as (
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
        is_valid
        and {{ in_incremental_window('sent_at_ms', 'epoch_ms') }}
),

-- valid rows before the window with an id delivered again in it (none in a full build)
earlier_deliveries as (
    select
        message_id,
        sent_at_ms,
        _source_file,
        _source_row_number
    from {{ ref('base_cs_raw__messages') }}
    where
        is_valid
        and not ({{ in_incremental_window('sent_at_ms', 'epoch_ms') }})
        and message_id in (select window_rows.message_id from window_rows)
),

deliveries as (
    select
        message_id,
        sent_at_ms,
        _source_file,
        _source_row_number
    from window_rows

    union all

    select
        message_id,
        sent_at_ms,
        _source_file,
        _source_row_number
    from earlier_deliveries
),

-- ids delivered more than once (a small share): only their rows need ranking
repeated_ids as (
    select message_id
    from deliveries
    group by message_id
    having count(*) > 1
),

ranked_repeats as (
    select
        deliveries.message_id,
        deliveries._source_file,
        deliveries._source_row_number,
        row_number() over ({{ first_delivery_window('deliveries.message_id', 'deliveries.sent_at_ms') }})
            as delivery_rank
    from deliveries
    -- repeated_ids is one row per id: the join keeps each row once
    inner join repeated_ids
        on deliveries.message_id = repeated_ids.message_id
),

later_deliveries as (
    select
        message_id,
        _source_file,
        _source_row_number
    from ranked_repeats
    where delivery_rank > 1
),

first_deliveries as (
    select
        window_rows.message_id,
        window_rows.conversation_id,
        window_rows.shop_id,
        window_rows.user_id,
        window_rows.sender_role,
        window_rows.sender_account_id,
        window_rows.msg_type,
        window_rows.content,
        window_rows.sent_at_ms,
        window_rows._source_file,
        window_rows._source_row_number
    from window_rows
    left join later_deliveries
        on window_rows.message_id = later_deliveries.message_id
        and window_rows._source_file = later_deliveries._source_file
        and window_rows._source_row_number = later_deliveries._source_row_number
    where later_deliveries.message_id is null
),

localised as (
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
        {{ utc_to_local(epoch_ms_to_timestamp('sent_at_ms')) }} as sent_at_local,
        _source_file,
        _source_row_number
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
        -- the same day as the base view's activity_date, from the one time zone conversion
        cast(sent_at_local as date) as activity_date,
        {{ month_start('sent_at_local') }} as assessment_month,
        _source_file as source_file,
        _source_row_number as source_row_number
    from localised
)

select * from final
