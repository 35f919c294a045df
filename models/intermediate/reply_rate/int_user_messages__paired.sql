-- Each user message with the reply that answers it (2.2, 3.1.1.1) and its place in a turn.
--
-- A thread is (shop_id, user_id) across conversation ids. The reply is the first later message of
-- the thread from a role in var reply_sender_roles (default merchant: main or sub-account). One
-- window pass over the thread, no self-join: rows are ordered by time, and at the same millisecond
-- replies sort before user messages, so a reply is never "later" than a user message it ties with.
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
        sent_month,
    from {{ ref('stg_cs_raw__messages') }}
    where sender_role = 'user'
        or sender_role in {{ sql_string_list(var('reply_sender_roles')) }}
),

watermark as (
    select watermark_at_ms
    from {{ ref('int_assessment_watermark') }}
),

thread_messages as (
    select
        messages.*,
        messages.sender_role = 'user' as is_user_message,
        messages.sender_role <> 'user' as is_reply_message,
        messages.sender_role = 'user'
        and not coalesce(
            messages.msg_type in {{ sql_string_list(var('excluded_consult_msg_types')) }}, false
        ) as is_consultation_message,
    from messages
    inner join watermark
        on messages.sent_at_ms <= watermark.watermark_at_ms
),

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
        ) over earlier as previous_kind,
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
        is_consultation_message and coalesce(previous_kind, 'reply') = 'reply' as is_turn_start,
    from paired
    where is_user_message
),

final as (
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
        -- the consultation that started this message's turn (itself when it starts one)
        case
            when is_consultation_message
                then last_value(case when is_turn_start then message_id end ignore nulls) over (
                    partition by shop_id, user_id
                    order by sent_at_ms, message_id
                    rows between unbounded preceding and current row
                )
        end as turn_start_message_id,
        reply_message_id,
        reply_account_id,
        reply_conversation_id,
        replied_at_ms,
    from turns
)

select * from final
