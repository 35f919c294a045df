-- Every raw message row, once, typed, with what became of it (delivery_status):
--   kept       the first delivery of a usable id (earliest sent_at_ms, then file, then row): stg_cs_raw__messages
--   rejected   a row that cannot be used, with every reason: rejected_messages
--   duplicate  a later delivery of a kept id, exact or conflicting: duplicate_messages
-- One pass over the raw files serves the three (three passes before: 15% of a 10M build's CPU). The
-- values as delivered (raw_ columns) are kept for the rejected and duplicate rows only.
-- Incremental: replaces the window's days; rows whose time is unusable belong to no day and are judged
-- again in every run. An id kept before the window stays kept there: its delivery in the window is a
-- duplicate of the earlier row (read from the raw files, so no model reads its own table).
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

-- the window's rows, and the rows whose time is unusable (no day: judged again in every run)
window_rows as (
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
        _source_file,
        _source_row_number,
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sender_account_id,
        msg_type,
        content,
        sent_at_ms,
        is_valid,
        reject_reason
    from {{ ref('base_cs_raw__messages') }}
    where
        {{ in_incremental_window('sent_at_ms', 'epoch_ms') }}
        or not {{ epoch_ms_is_valid('sent_at_ms') }}
),

-- the same rows' keys, read apart: window_rows is read once, so it is streamed, not materialised with
-- its wide columns (DuckDB materialises a CTE that is read more than once)
window_keys as (
    select
        message_id,
        sent_at_ms,
        row_fingerprint,
        _source_file,
        _source_row_number
    from {{ ref('base_cs_raw__messages') }}
    where
        is_valid
        and {{ in_incremental_window('sent_at_ms', 'epoch_ms') }}
),

-- usable rows before the window with an id delivered again in it (none in a full build), found on the
-- columns that say whether a row is usable: the fingerprint (every column) is not computed for the history
earlier_keys as (
    select
        message_id,
        sent_at_ms,
        _source_file,
        _source_row_number
    from {{ ref('base_cs_raw__messages') }}
    where
        is_valid
        and not ({{ in_incremental_window('sent_at_ms', 'epoch_ms') }})
        and message_id in (select window_keys.message_id from window_keys)
),

-- their fingerprints (a join with no rows to look up reads nothing)
earlier_deliveries as (
    select
        earlier_keys.message_id,
        earlier_keys.sent_at_ms,
        earlier_rows.row_fingerprint,
        earlier_keys._source_file,
        earlier_keys._source_row_number,
        false as is_in_window
    from earlier_keys
    inner join {{ ref('base_cs_raw__messages') }} as earlier_rows
        on earlier_keys._source_file = earlier_rows._source_file
        and earlier_keys._source_row_number = earlier_rows._source_row_number
),

deliveries as (
    select
        message_id,
        sent_at_ms,
        row_fingerprint,
        _source_file,
        _source_row_number,
        true as is_in_window
    from window_keys

    union all

    select
        message_id,
        sent_at_ms,
        row_fingerprint,
        _source_file,
        _source_row_number,
        is_in_window
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
        deliveries.row_fingerprint,
        deliveries._source_file,
        deliveries._source_row_number,
        deliveries.is_in_window,
        row_number() over delivery as delivery_rank,
        first_value(deliveries.row_fingerprint) over delivery as kept_fingerprint,
        first_value(deliveries._source_file) over delivery as kept_source_file,
        first_value(deliveries._source_row_number) over delivery as kept_source_row_number
    from deliveries
    -- repeated_ids is one row per id: the join keeps each row once
    inner join repeated_ids
        on deliveries.message_id = repeated_ids.message_id
    window delivery as ({{ first_delivery_window('deliveries.message_id', 'deliveries.sent_at_ms') }})
),

later_deliveries as (
    select
        _source_file,
        _source_row_number,
        case when row_fingerprint = kept_fingerprint then 'exact_redelivery' else 'conflict' end as duplicate_kind,
        kept_source_file,
        kept_source_row_number
    from ranked_repeats
    where
        delivery_rank > 1
        and is_in_window
),

classified as (
    select
        window_rows.raw_message_id,
        window_rows.raw_conversation_id,
        window_rows.raw_shop_id,
        window_rows.raw_user_id,
        window_rows.raw_sender_role,
        window_rows.raw_sender_account_id,
        window_rows.raw_msg_type,
        window_rows.raw_content,
        window_rows.raw_sent_at_ms,
        window_rows._source_file,
        window_rows._source_row_number,
        window_rows.message_id,
        window_rows.conversation_id,
        window_rows.shop_id,
        window_rows.user_id,
        window_rows.sender_role,
        window_rows.sender_account_id,
        window_rows.msg_type,
        window_rows.content,
        window_rows.sent_at_ms,
        window_rows.reject_reason,
        case
            when not window_rows.is_valid then 'rejected'
            when later_deliveries._source_file is not null then 'duplicate'
            else 'kept'
        end as delivery_status,
        later_deliveries.duplicate_kind,
        later_deliveries.kept_source_file,
        later_deliveries.kept_source_row_number,
        -- one time zone conversion per row; null when the time is unusable
        case
            when {{ epoch_ms_is_valid('window_rows.sent_at_ms') }}
                then {{ utc_to_local(epoch_ms_to_timestamp('window_rows.sent_at_ms')) }}
        end as sent_at_local
    from window_rows
    left join later_deliveries
        on window_rows._source_file = later_deliveries._source_file
        and window_rows._source_row_number = later_deliveries._source_row_number
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
        case when sent_at_local is not null then {{ epoch_ms_to_timestamp('sent_at_ms') }} end as sent_at,
        sent_at_local,
        cast(sent_at_local as date) as activity_date,
        {{ month_start('sent_at_local') }} as assessment_month,
        _source_file as source_file,
        _source_row_number as source_row_number,
        delivery_status,
        case when delivery_status = 'rejected' then reject_reason end as reject_reason,
        duplicate_kind,
        kept_source_file,
        kept_source_row_number,
        -- as delivered, for the rows the audit tables list
        case when delivery_status <> 'kept' then raw_message_id end as raw_message_id,
        case when delivery_status <> 'kept' then raw_conversation_id end as raw_conversation_id,
        case when delivery_status <> 'kept' then raw_shop_id end as raw_shop_id,
        case when delivery_status <> 'kept' then raw_user_id end as raw_user_id,
        case when delivery_status <> 'kept' then raw_sender_role end as raw_sender_role,
        case when delivery_status <> 'kept' then raw_sender_account_id end as raw_sender_account_id,
        case when delivery_status <> 'kept' then raw_msg_type end as raw_msg_type,
        case when delivery_status <> 'kept' then raw_content end as raw_content,
        case when delivery_status <> 'kept' then raw_sent_at_ms end as raw_sent_at_ms
    from classified
)

select * from final
