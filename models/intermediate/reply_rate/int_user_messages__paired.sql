-- Each user message with the reply that answers it (2.2, 3.1.1.1) and its place in a turn.
--
-- A thread is (shop_id, user_id) across conversation ids. The reply is the first later message of
-- the thread from a role in var reply_sender_roles (default merchant: main or sub-account). One
-- window pass over the thread, no self-join: rows are ordered by time, and at the same millisecond
-- replies sort before user messages, so a reply is never "later" than a user message it ties with.
--
-- Incremental (exact, not approximate): messages from raw.incremental_window's reprocess_from_ms on
-- are paired again. The thread's state at that moment (is a consultation still waiting for a reply,
-- and which turn is open) enters the window as one context row per thread, read from the previous
-- result; earlier user messages still unreplied get the first reply the new data brings.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}
{%- set from_ms = incremental_from_ms() if is_incremental() else none %}

with

messages as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sender_account_id,
        msg_type,
        sent_at_ms,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month
    from {{ ref('stg_cs_raw__messages') }}
    where (
        sender_role = 'user'
        or sender_role in {{ sql_string_list(var('reply_sender_roles')) }}
    )
    {% if from_ms is not none %}
        and sent_at_ms >= {{ from_ms }}
    {% endif %}
),

watermark as (
    select watermark_at_ms
    from {{ ref('int_assessment_watermark') }}
),

window_messages as (
    select
        messages.*,
        false as is_context,
        messages.sender_role = 'user' as is_user_message,
        messages.sender_role <> 'user' as is_reply_message,
        messages.sender_role = 'user'
        and not coalesce(
            messages.msg_type in {{ sql_string_list(var('excluded_consult_msg_types')) }}, false
        ) as is_consultation_message
    from messages
    inner join watermark
        on messages.sent_at_ms <= watermark.watermark_at_ms
),

{% if from_ms is not none %}
    window_threads as (
        select distinct
            shop_id,
            user_id
        from window_messages
    ),

    -- the last consultation of each thread before the window, from the previous result
    last_consultation_before as (
        select
            previous.shop_id,
            previous.user_id,
            {{ arg_max('previous.turn_start_message_id', ['previous.sent_at_ms', 'previous.message_id']) }}
                as turn_start_message_id,
            {{ arg_max('previous.replied_at_ms', ['previous.sent_at_ms', 'previous.message_id']) }} as replied_at_ms
        from {{ this }} as previous
        -- window_threads is distinct per thread: the join keeps each row once
        inner join window_threads
            on previous.shop_id = window_threads.shop_id
            and previous.user_id = window_threads.user_id
        where
            previous.sent_at_ms < {{ from_ms }}
            and previous.is_consultation_message
        group by previous.shop_id, previous.user_id
    ),

    -- still waiting at the window's start (no reply before it): the open turn continues into it
    context_rows as (
        select
            turn_start_message_id as message_id,
            cast(null as varchar) as conversation_id,
            shop_id,
            user_id,
            'user' as sender_role,
            cast(null as varchar) as sender_account_id,
            cast(null as varchar) as msg_type,
            {{ from_ms }} - 1 as sent_at_ms,
            cast(null as timestamp) as sent_at,
            cast(null as timestamp) as sent_at_local,
            cast(null as date) as sent_date,
            cast(null as date) as sent_month,
            true as is_context,
            true as is_user_message,
            false as is_reply_message,
            true as is_consultation_message
        from last_consultation_before
        where replied_at_ms is null or replied_at_ms >= {{ from_ms }}
    ),

    thread_messages as (
        select * from window_messages
        union all
        select * from context_rows
    ),
{% else %}
    thread_messages as (
        select * from window_messages
    ),
{% endif %}

paired as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        msg_type,
        sent_at_ms,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month,
        is_context,
        is_user_message,
        is_consultation_message,
        first_value(case when is_reply_message then message_id end ignore nulls) over later as reply_message_id,
        first_value(case when is_reply_message then sent_at_ms end ignore nulls) over later as replied_at_ms,
        first_value(case when is_reply_message then sender_account_id end ignore nulls)
            over later as reply_account_id,
        first_value(case when is_reply_message then conversation_id end ignore nulls)
            over later as reply_conversation_id,
        -- what came before in the thread, counting only consultations and replies: a turn starts
        -- at the first consultation after the thread's start or after a reply
        last_value(
            case when is_reply_message then 'reply' when is_consultation_message then 'consultation' end
            ignore nulls
        ) over earlier as previous_kind
    from thread_messages
    window
        thread_order as (
            partition by shop_id, user_id
            order by sent_at_ms, is_user_message, message_id
        ),
        later as (thread_order rows between 1 following and unbounded following),
        earlier as (thread_order rows between unbounded preceding and 1 preceding)
),

turns as (
    select
        *,
        is_context
        or (is_consultation_message and coalesce(previous_kind, 'reply') = 'reply') as is_turn_start
    from paired
    where is_user_message
),

turn_starts as (
    select
        *,
        -- the consultation that started this message's turn (itself when it starts one)
        case
            when is_consultation_message
                then last_value(case when is_turn_start then message_id end ignore nulls) over (
                    partition by shop_id, user_id
                    order by sent_at_ms, message_id
                    rows between unbounded preceding and current row
                )
        end as turn_start_message_id
    from turns
),

window_result as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        msg_type,
        sent_at_ms,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month,
        is_consultation_message,
        is_turn_start,
        turn_start_message_id,
        reply_message_id,
        reply_account_id,
        reply_conversation_id,
        replied_at_ms
    from turn_starts
    where not is_context
),

{% if from_ms is not none %}
    -- earlier user messages still unreplied: answered by the first reply the window brings
    first_reply_in_window as (
        select
            shop_id,
            user_id,
            {{ arg_min('message_id', ['sent_at_ms', 'message_id']) }} as reply_message_id,
            min(sent_at_ms) as replied_at_ms,
            {{ arg_min('sender_account_id', ['sent_at_ms', 'message_id']) }} as reply_account_id,
            {{ arg_min('conversation_id', ['sent_at_ms', 'message_id']) }} as reply_conversation_id
        from window_messages
        where is_reply_message
        group by shop_id, user_id
    ),

    answered_late as (
        select
            previous.message_id,
            previous.conversation_id,
            previous.shop_id,
            previous.user_id,
            previous.msg_type,
            previous.sent_at_ms,
            previous.sent_at,
            previous.sent_at_local,
            previous.sent_date,
            previous.sent_month,
            previous.is_consultation_message,
            previous.is_turn_start,
            previous.turn_start_message_id,
            first_reply_in_window.reply_message_id,
            first_reply_in_window.reply_account_id,
            first_reply_in_window.reply_conversation_id,
            first_reply_in_window.replied_at_ms
        from {{ this }} as previous
        inner join first_reply_in_window
            on previous.shop_id = first_reply_in_window.shop_id
            and previous.user_id = first_reply_in_window.user_id
        where
            previous.sent_at_ms < {{ from_ms }}
            and previous.reply_message_id is null
    ),

    final as (
        select * from window_result
        union all
        select * from answered_late
    )
{% else %}
    final as (
        select * from window_result
    )
{% endif %}

select * from final
