-- Rule 2.5 (频繁联系他人), detector contact_after_stop_request: one row per incident.
--
-- The user asked the shop to stop (int_user_messages__stop_requests) and the shop (merchant agents and
-- robot) writes again later than var('harassment_stop_request_grace_minutes') after the first such
-- request, before any later user message that is not itself a stop request re-opens the conversation.
-- One incident per stop request and platform-local day; the breach message is the first such shop
-- message of the day. A shop-user pair is looked at across conversations.
--
-- Incremental: replaces the window's days. A stop request still in force when the window opens comes
-- from int_thread_state__window_start.
{{ config(
    materialized='incremental',
    partition_column='incident_date',
) }}

{%- set grace_ms = validated_int('harassment_stop_request_grace_minutes', 0) * 60000 %}

with

messages as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sent_at,
        sent_at_ms,
        sent_at_local,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role in ('user', 'merchant', 'robot')
        and {{ in_incremental_window('activity_date') }}
),

stop_requests as (
    select
        message_id,
        matched_text
    from {{ ref('int_user_messages__stop_requests') }}
    where {{ in_incremental_window('activity_date') }}
),

-- the stop request in force when the window opened (none in a full build)
earlier_stop_requests as (
    select
        shop_id,
        user_id,
        stop_request_message_id,
        stop_requested_at_ms,
        stop_requested_at,
        stop_request_text
    from {{ ref('int_thread_state__window_start') }}
    where stop_request_message_id is not null
),

stop_pairs as (
    select
        messages.shop_id,
        messages.user_id
    from messages
    inner join stop_requests
        on messages.message_id = stop_requests.message_id

    union

    select
        shop_id,
        user_id
    from earlier_stop_requests
),

stop_pair_messages as (
    select
        messages.message_id,
        messages.conversation_id,
        messages.shop_id,
        messages.user_id,
        messages.sender_role,
        messages.sent_at,
        messages.sent_at_ms,
        messages.sent_at_local,
        messages.activity_date,
        messages.assessment_month,
        stop_requests.message_id is not null as is_stop_request,
        stop_requests.matched_text as stop_request_text
    from messages
    -- stop_pairs is distinct per pair (union): the join keeps each row once
    inner join stop_pairs
        on messages.shop_id = stop_pairs.shop_id
        and messages.user_id = stop_pairs.user_id
    left join stop_requests
        on messages.message_id = stop_requests.message_id
),

-- a user message that is not a stop request re-opens the conversation and starts a new episode
episodes as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sent_at,
        sent_at_ms,
        sent_at_local,
        activity_date,
        assessment_month,
        is_stop_request,
        stop_request_text,
        sum(case when sender_role = 'user' and not is_stop_request then 1 else 0 end) over (
            partition by shop_id, user_id
            order by sent_at_ms, message_id
            rows between unbounded preceding and current row
        ) as episode_number
    from stop_pair_messages
),

episode_stop_request_candidates as (
    select
        shop_id,
        user_id,
        episode_number,
        message_id,
        sent_at_ms,
        sent_at,
        stop_request_text
    from episodes
    where is_stop_request

    union all

    -- before the window's first user message, the episode in force when it opened goes on
    select
        shop_id,
        user_id,
        0 as episode_number,
        stop_request_message_id as message_id,
        stop_requested_at_ms as sent_at_ms,
        stop_requested_at as sent_at,
        stop_request_text
    from earlier_stop_requests
),

episode_stop_requests as (
    select
        shop_id,
        user_id,
        episode_number,
        {{ arg_min('message_id', ['sent_at_ms', 'message_id']) }} as stop_request_message_id,
        min(sent_at_ms) as stop_requested_at_ms,
        min(sent_at) as stop_requested_at,
        {{ arg_min('stop_request_text', ['sent_at_ms', 'message_id']) }} as stop_request_text
    from episode_stop_request_candidates
    group by shop_id, user_id, episode_number
),

contacts_after_stop as (
    select
        episodes.message_id,
        episodes.conversation_id,
        episodes.shop_id,
        episodes.user_id,
        episodes.sent_at,
        episodes.sent_at_ms,
        episodes.sent_at_local,
        episodes.activity_date,
        episodes.assessment_month,
        episode_stop_requests.stop_request_message_id,
        episode_stop_requests.stop_requested_at,
        episode_stop_requests.stop_request_text
    from episodes
    inner join episode_stop_requests
        on episodes.shop_id = episode_stop_requests.shop_id
        and episodes.user_id = episode_stop_requests.user_id
        and episodes.episode_number = episode_stop_requests.episode_number
    where
        episodes.sender_role in ('merchant', 'robot')
        and episodes.sent_at_ms > episode_stop_requests.stop_requested_at_ms + {{ grace_ms }}
),

final as (
    select
        'contact_after_stop_request' as incident_type,
        shop_id,
        user_id,
        {{ arg_min('conversation_id', ['sent_at_ms', 'message_id']) }} as conversation_id,
        activity_date as incident_date,
        min(assessment_month) as assessment_month,
        {{ arg_min('message_id', ['sent_at_ms', 'message_id']) }} as breach_message_id,
        {{ arg_min('message_id', ['sent_at_ms', 'message_id']) }} as first_message_id,
        min(sent_at) as first_message_at,
        min(sent_at_local) as first_message_at_local,
        {{ arg_max('message_id', ['sent_at_ms', 'message_id']) }} as last_message_id,
        max(sent_at) as last_message_at,
        max(sent_at_local) as last_message_at_local,
        count(*) as message_count,
        stop_request_message_id,
        min(stop_requested_at) as stop_requested_at,
        min(stop_request_text) as stop_request_text
    from contacts_after_stop
    group by shop_id, user_id, stop_request_message_id, activity_date
)

select * from final
