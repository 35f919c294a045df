-- The state of each thread (shop_id, user_id) at the close of the day before the incremental window:
-- everything the reply pairing (2.2, 3.1.1) and the harassment detectors (2.5) need to know about the
-- messages before the window. One row per thread with messages both before the window and in it;
-- empty in a full build (the window then holds the whole history). Rebuilt every run: small.
--
-- Reply pairing, ordered (sent_at_ms, replies before user messages, message_id):
--   last_turn_event_kind         'reply' or 'consultation': the thread's last consultation or reply
--   open_turn_start_message_id   when it is a consultation: the first consultation after the last reply
--                                (the turn still waiting for an answer)
-- Unsolicited contact (2.5), ordered (sent_at_ms, message_id), shop = merchant agents and robot:
--   user_messages_since_agent    user messages after the shop's human agent last wrote
--   open_run_shop_message_count  shop messages after the user's last message (the open run)
--   open_run_prompt_count        user messages the open run answers (since the agent's last message
--                                before the run began)
-- Contact after a stop request (2.5):
--   stop_request_*               the first stop request after the user's last other message, if any
-- Cold outreach (2.6):
--   last_user_message_at_ms      the user's last message of any type
{{ config(materialized='table') }}

{%- set window_start = incremental_window_start_date() %}

with

messages as (
    select
        message_id,
        shop_id,
        user_id,
        sender_role,
        msg_type,
        sent_at_ms,
        activity_date
    from {{ ref('stg_cs_raw__messages') }}
),

stop_requests as (
    select
        message_id,
        sent_at,
        matched_text
    from {{ ref('int_user_messages__stop_requests') }}
    where activity_date < {{ window_start }}
),

window_threads as (
    select distinct
        shop_id,
        user_id
    from messages
    where activity_date >= {{ window_start }}
),

history as (
    select
        messages.message_id,
        messages.shop_id,
        messages.user_id,
        messages.sender_role,
        messages.msg_type,
        messages.sent_at_ms
    from messages
    -- window_threads is distinct per thread: the join keeps each row once
    inner join window_threads
        on messages.shop_id = window_threads.shop_id
        and messages.user_id = window_threads.user_id
    where messages.activity_date < {{ window_start }}
),

threads as (
    select distinct
        shop_id,
        user_id
    from history
),

-- reply pairing ----------------------------------------------------------------------------------------

turn_events as (
    select
        message_id,
        shop_id,
        user_id,
        sent_at_ms,
        sender_role = 'user' as is_user_message,
        case
            when sender_role in {{ sql_string_list(var('reply_sender_roles')) }} then 'reply'
            when
                sender_role = 'user'
                and not coalesce(msg_type in {{ sql_string_list(var('excluded_consult_msg_types')) }}, false)
                then 'consultation'
        end as turn_event_kind
    from history
),

turn_marks as (
    select
        shop_id,
        user_id,
        max(case when turn_event_kind = 'reply' then sent_at_ms end) as last_reply_at_ms,
        {{ arg_max('turn_event_kind', ['sent_at_ms', 'is_user_message', 'message_id']) }} as last_turn_event_kind
    from turn_events
    where turn_event_kind is not null
    group by shop_id, user_id
),

open_turns as (
    select
        turn_events.shop_id,
        turn_events.user_id,
        {{ arg_min('turn_events.message_id', ['turn_events.sent_at_ms', 'turn_events.message_id']) }}
            as open_turn_start_message_id
    from turn_events
    inner join turn_marks
        on turn_events.shop_id = turn_marks.shop_id
        and turn_events.user_id = turn_marks.user_id
    where
        turn_events.turn_event_kind = 'consultation'
        and turn_marks.last_turn_event_kind = 'consultation'
        -- a consultation in the same millisecond as the last reply comes after it
        and (turn_marks.last_reply_at_ms is null or turn_events.sent_at_ms >= turn_marks.last_reply_at_ms)
    group by turn_events.shop_id, turn_events.user_id
),

-- unsolicited contact ----------------------------------------------------------------------------------

contact_events as (
    select
        shop_id,
        user_id,
        sender_role,
        sum(case when sender_role = 'user' then 1 else 0 end) over (
            partition by shop_id, user_id
            order by sent_at_ms, message_id
            rows between unbounded preceding and current row
        ) as user_messages_so_far
    from history
    where sender_role in ('user', 'merchant', 'robot')
),

contact_marks as (
    select
        shop_id,
        user_id,
        max(user_messages_so_far) as user_message_count,
        coalesce(max(case when sender_role = 'merchant' then user_messages_so_far end), 0)
            as user_messages_at_last_agent_message,
        -- shop messages of the open run carry the count of every user message
        count(case when sender_role <> 'user' and user_messages_so_far = last_user_count then 1 end)
            as open_run_shop_message_count,
        coalesce(
            max(
                case
                    when sender_role = 'merchant' and user_messages_so_far < last_user_count
                        then user_messages_so_far
                end
            ),
            0
        ) as user_messages_at_agent_before_run
    from (
        select
            shop_id,
            user_id,
            sender_role,
            user_messages_so_far,
            max(user_messages_so_far) over (partition by shop_id, user_id) as last_user_count
        from contact_events
    ) as counted
    group by shop_id, user_id
),

-- cold outreach ----------------------------------------------------------------------------------------

user_contact as (
    select
        shop_id,
        user_id,
        max(sent_at_ms) as last_user_message_at_ms
    from history
    where sender_role = 'user'
    group by shop_id, user_id
),

-- contact after a stop request -------------------------------------------------------------------------

stop_events as (
    select
        history.shop_id,
        history.user_id,
        history.message_id,
        history.sent_at_ms,
        stop_requests.sent_at,
        stop_requests.matched_text,
        stop_requests.message_id is not null as is_stop_request,
        -- a user message that is not a stop request re-opens the conversation: a new episode
        sum(case when history.sender_role = 'user' and stop_requests.message_id is null then 1 else 0 end) over (
            partition by history.shop_id, history.user_id
            order by history.sent_at_ms, history.message_id
            rows between unbounded preceding and current row
        ) as episode_number
    from history
    left join stop_requests
        on history.message_id = stop_requests.message_id
    where history.sender_role = 'user'
),

active_stop_requests as (
    select
        shop_id,
        user_id,
        {{ arg_min('message_id', ['sent_at_ms', 'message_id']) }} as stop_request_message_id,
        min(sent_at_ms) as stop_requested_at_ms,
        min(sent_at) as stop_requested_at,
        {{ arg_min('matched_text', ['sent_at_ms', 'message_id']) }} as stop_request_text
    from (
        select
            shop_id,
            user_id,
            message_id,
            sent_at_ms,
            sent_at,
            matched_text,
            is_stop_request,
            episode_number,
            max(episode_number) over (partition by shop_id, user_id) as last_episode_number
        from stop_events
    ) as episodes
    where is_stop_request and episode_number = last_episode_number
    group by shop_id, user_id
),

final as (
    select
        threads.shop_id,
        threads.user_id,
        {{ incremental_window_start_ms() }} as window_opens_at_ms,
        turn_marks.last_turn_event_kind,
        open_turns.open_turn_start_message_id,
        coalesce(contact_marks.user_message_count - contact_marks.user_messages_at_last_agent_message, 0)
            as user_messages_since_agent,
        coalesce(contact_marks.open_run_shop_message_count, 0) as open_run_shop_message_count,
        coalesce(contact_marks.user_message_count - contact_marks.user_messages_at_agent_before_run, 0)
            as open_run_prompt_count,
        active_stop_requests.stop_request_message_id,
        active_stop_requests.stop_requested_at_ms,
        active_stop_requests.stop_requested_at,
        active_stop_requests.stop_request_text,
        user_contact.last_user_message_at_ms
    from threads
    left join contact_marks
        on threads.shop_id = contact_marks.shop_id
        and threads.user_id = contact_marks.user_id
    left join turn_marks
        on threads.shop_id = turn_marks.shop_id
        and threads.user_id = turn_marks.user_id
    left join open_turns
        on threads.shop_id = open_turns.shop_id
        and threads.user_id = open_turns.user_id
    left join active_stop_requests
        on threads.shop_id = active_stop_requests.shop_id
        and threads.user_id = active_stop_requests.user_id
    left join user_contact
        on threads.shop_id = user_contact.shop_id
        and threads.user_id = user_contact.user_id
)

select * from final
