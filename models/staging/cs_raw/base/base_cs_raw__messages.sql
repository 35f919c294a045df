-- Raw messages, typed and normalised, each with the reasons (if any) it cannot be used and the
-- platform-local day it belongs to (null when its time is unusable).
-- A view: staging, rejects and duplicates read it; only the columns each one needs are computed, and
-- they filter on is_valid, so the reason text is built only for the rows listed as rejects.
-- Its data tests in an incremental run read the files the run loads (docs/decisions.md "Tests in incremental
-- runs"): meta raw_file_column names the column holding the file.
{{ config(meta={'raw_file_column': '_source_file'}) }}
with

source as (
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
    from {{ source('cs_raw', 'messages') }}
),

sender_roles as (
    select
        raw_value,
        canonical_value
    from {{ ref('value_mappings') }}
    where field = 'sender_role'
),

typed as (
    select
        source.message_id as raw_message_id,
        source.conversation_id as raw_conversation_id,
        source.shop_id as raw_shop_id,
        source.user_id as raw_user_id,
        source.sender_role as raw_sender_role,
        source.sender_account_id as raw_sender_account_id,
        source.msg_type as raw_msg_type,
        source.content as raw_content,
        cast(source.sent_at_ms as string) as raw_sent_at_ms,
        source._source_file,
        source._source_row_number,
        {{ clean_id('source.message_id') }} as message_id,
        {{ clean_id('source.conversation_id') }} as conversation_id,
        {{ clean_id('source.shop_id') }} as shop_id,
        {{ clean_id('source.user_id') }} as user_id,
        sender_roles.canonical_value as sender_role,
        {{ clean_id('source.sender_account_id') }} as sender_account_id,
        nullif({{ label_key('source.msg_type') }}, '') as msg_type,
        cast(source.content as string) as content,
        try_cast(source.sent_at_ms as bigint) as sent_at_ms
    from source
    left join sender_roles
        on {{ label_key('source.sender_role') }} = sender_roles.raw_value
),

checked as (
    select
        *,
        {{ epoch_ms_problem('raw_sent_at_ms', 'sent_at_ms') }} as sent_at_ms_problem
    from typed
),

final as (
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
        case
            when {{ epoch_ms_is_valid('sent_at_ms') }}
                then cast({{ utc_to_local(epoch_ms_to_timestamp('sent_at_ms')) }} as date)
        end as activity_date,
        -- reject_reason is null, as a boolean: what staging and the audit models filter on
        message_id is not null
        and shop_id is not null
        and user_id is not null
        and sender_role is not null
        and {{ epoch_ms_is_valid('sent_at_ms') }} as is_valid,
        nullif(concat_ws(
            '; ',
            case when message_id is null then 'missing_message_id' end,
            case when shop_id is null then 'missing_shop_id' end,
            case when user_id is null then 'missing_user_id' end,
            case
                when raw_sender_role is null then 'missing_sender_role'
                when sender_role is null then 'unknown_sender_role'
            end,
            case when sent_at_ms_problem is not null then sent_at_ms_problem || '_sent_at_ms' end
        ), '') as reject_reason,
        {{ row_fingerprint([
            'message_id', 'conversation_id', 'shop_id', 'user_id', 'sender_role',
            'sender_account_id', 'msg_type', 'content', 'sent_at_ms',
        ]) }} as row_fingerprint
    from checked
)

select * from final
