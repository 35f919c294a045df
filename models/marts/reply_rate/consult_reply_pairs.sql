-- One row per valid user message: the reply that answers it (2.2), its latency, and whether and how it
-- counts in the 5-minute reply rate (3.1.1, 3.1.1.1, 3.1.1.2). The fact BI and auditors drill into.
--
-- A thread is (shop_id, user_id) across conversation ids. The reply is the first later message of the
-- thread from a role in var reply_sender_roles (default merchant: main or sub-account), within
-- var reply_horizon_hours (a later message does not answer this one; the message is a miss either way).
-- One window pass over the thread: rows are ordered by time, and at the same millisecond replies sort
-- before user messages, so a reply is never "later" than a user message it ties with. A turn starts at
-- the first consultation after the thread's start or after a reply.
--
-- Incremental: replaces the window's days. A thread's turn still open at the window's start enters as
-- one context row from int_thread_state__window_start; no message before the window can be answered
-- by a message in it (the window opens at least reply_horizon_hours before any new message).
{# what a thread message is for turn-taking: a consultation, a reply, or neither (null) #}
{% set thread_kind = "case when is_reply_message then 'reply' when is_consultation_message then 'consultation' end" %}
{% set next_reply_fields = named_struct({
    'message_id': 'message_id', 'sent_at_ms': 'sent_at_ms', 'sender_role': 'sender_role',
    'account_id': 'sender_account_id', 'conversation_id': 'conversation_id',
}) %}
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}
{%- set window_ms = validated_int('reply_window_seconds', 1) * 1000 %}
{%- set horizon_ms = validated_int('reply_horizon_hours', 1) * 3600000 %}
{%- set window_start_ms = clock_to_ms(var('assessment_window_start')) %}
{%- set window_end_ms = clock_to_ms(var('assessment_window_end')) %}
{#- vars are validated once, by the on-run-start hook (validate_vars) -#}
{%- set count_unit = var('reply_rate_count_unit') %}

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
        sent_at_local,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        (sender_role = 'user' or sender_role in {{ sql_string_list(var('reply_sender_roles')) }})
        and {{ in_incremental_window() }}
),

watermark as (
    select watermark_at_ms
    from {{ ref('int_assessment_watermark') }}
),

open_turns as (
    select
        shop_id,
        user_id,
        window_opens_at_ms,
        open_turn_start_message_id
    from {{ ref('int_thread_state__window_start') }}
    where open_turn_start_message_id is not null
),

-- assessment exemptions for 3.1.1 (issue 15): a user message sent in [starts_at, ends_at) is not assessed
exemptions_3_1_1 as (
    select
        shop_id,
        starts_at_ms,
        ends_at_ms
    from {{ ref('int_assessment_exemptions') }}
    where is_applied and is_for_3_1_1
),

window_messages as (
    select
        messages.message_id,
        messages.conversation_id,
        messages.shop_id,
        messages.user_id,
        messages.sender_role,
        messages.sender_account_id,
        messages.msg_type,
        messages.sent_at_ms,
        messages.sent_at_local,
        messages.activity_date,
        messages.assessment_month,
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

-- the turn still waiting for an answer when the window opens (none in a full build)
context_rows as (
    select
        open_turn_start_message_id as message_id,
        cast(null as string) as conversation_id,
        shop_id,
        user_id,
        'user' as sender_role,
        cast(null as string) as sender_account_id,
        cast(null as string) as msg_type,
        window_opens_at_ms - 1 as sent_at_ms,
        cast(null as timestamp) as sent_at_local,
        cast(null as date) as activity_date,
        cast(null as date) as assessment_month,
        true as is_context,
        true as is_user_message,
        false as is_reply_message,
        true as is_consultation_message
    from open_turns
),

thread_messages as (
    select * from window_messages
    union all
    select * from context_rows
),

paired as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        msg_type,
        sent_at_ms,
        sent_at_local,
        activity_date,
        assessment_month,
        is_context,
        is_user_message,
        is_consultation_message,
        -- the next reply, its fields in one window function
        {{ ignore_nulls('first_value', 'case when is_reply_message then ' ~ next_reply_fields ~ ' end') }}
            over later as next_reply,
        -- what came before in the thread, counting only consultations and replies
        {{ ignore_nulls('last_value', thread_kind) }} over earlier as previous_kind
    from thread_messages
    window
        later as (
            partition by shop_id, user_id
            order by sent_at_ms, is_user_message, message_id
            rows between 1 following and unbounded following
        ),
        earlier as (
            partition by shop_id, user_id
            order by sent_at_ms, is_user_message, message_id
            rows between unbounded preceding and 1 preceding
        )
),

turns as (
    select
        paired.message_id,
        paired.conversation_id,
        paired.shop_id,
        paired.user_id,
        paired.msg_type,
        paired.sent_at_ms,
        paired.sent_at_local,
        paired.activity_date,
        paired.assessment_month,
        paired.is_context,
        paired.is_consultation_message,
        paired.next_reply.message_id as reply_message_id,
        paired.next_reply.sent_at_ms as replied_at_ms,
        paired.next_reply.sender_role as reply_sender_role,
        paired.next_reply.account_id as reply_account_id,
        paired.next_reply.conversation_id as reply_conversation_id,
        paired.is_context
        or (paired.is_consultation_message and coalesce(paired.previous_kind, 'reply') = 'reply') as is_turn_start
    from paired
    where paired.is_user_message
),

turn_starts as (
    select
        *,
        -- the consultation that started this message's turn (itself when it starts one)
        case
            when is_consultation_message
                then {{ ignore_nulls('last_value', 'case when is_turn_start then message_id end') }} over (
                    partition by shop_id, user_id
                    order by sent_at_ms, message_id
                    rows between unbounded preceding and current row
                )
        end as turn_start_message_id
    from turns
),

-- a reply later than the horizon answers a later message, not this one
answered as (
    select
        *,
        replied_at_ms is not null and replied_at_ms - sent_at_ms <= {{ horizon_ms }} as is_answered_in_horizon
    from turn_starts
    where not is_context
),

flagged as (
    select
        answered.message_id,
        answered.shop_id,
        answered.user_id,
        answered.conversation_id,
        answered.msg_type,
        answered.sent_at_ms,
        answered.sent_at_local,
        answered.activity_date,
        answered.assessment_month,
        answered.is_consultation_message,
        answered.is_turn_start,
        answered.turn_start_message_id,
        case when answered.is_answered_in_horizon then answered.reply_message_id end as reply_message_id,
        case when answered.is_answered_in_horizon then answered.reply_sender_role end as reply_sender_role,
        case when answered.is_answered_in_horizon then answered.reply_account_id end as reply_account_id,
        case when answered.is_answered_in_horizon then answered.reply_conversation_id end as reply_conversation_id,
        case when answered.is_answered_in_horizon then answered.replied_at_ms end as replied_at_ms,
        {{ ms_of_day('answered.sent_at_local') }} >= {{ window_start_ms }}
        and {{ ms_of_day('answered.sent_at_local') }} < {{ window_end_ms }} as is_in_assessment_window,
        coalesce(answered.replied_at_ms - answered.sent_at_ms <= {{ window_ms }}, false) as is_replied_within_5min,
        answered.replied_at_ms is null
        and answered.sent_at_ms + {{ window_ms }} > watermark.watermark_at_ms as is_pending,
        {% if count_unit == 'turn' %}
            answered.is_turn_start as is_counted_unit
        {% else %}
            answered.is_consultation_message as is_counted_unit
        {% endif %}
    from answered
    cross join watermark
),

-- applied exemptions never overlap (int_assessment_exemptions), so a message matches at most one
with_exemptions as (
    select
        flagged.message_id,
        flagged.shop_id,
        flagged.user_id,
        flagged.conversation_id,
        flagged.msg_type,
        flagged.sent_at_ms,
        flagged.sent_at_local,
        flagged.activity_date,
        flagged.assessment_month,
        flagged.is_consultation_message,
        flagged.is_turn_start,
        flagged.turn_start_message_id,
        flagged.reply_message_id,
        flagged.reply_sender_role,
        flagged.reply_account_id,
        flagged.reply_conversation_id,
        flagged.replied_at_ms,
        flagged.is_in_assessment_window,
        flagged.is_replied_within_5min,
        flagged.is_pending,
        flagged.is_counted_unit,
        exemptions_3_1_1.ends_at_ms is not null as is_exempt
    from flagged
    left join exemptions_3_1_1
        on (exemptions_3_1_1.shop_id is null or flagged.shop_id = exemptions_3_1_1.shop_id)
        and flagged.sent_at_ms >= exemptions_3_1_1.starts_at_ms
        and flagged.sent_at_ms < exemptions_3_1_1.ends_at_ms
),

final as (
    select
        message_id,
        shop_id,
        user_id,
        conversation_id,
        msg_type,
        {{ epoch_ms_to_timestamp('sent_at_ms') }} as sent_at,
        sent_at_local,
        activity_date,
        assessment_month,
        is_consultation_message,
        is_counted_unit,
        is_in_assessment_window,
        is_turn_start,
        turn_start_message_id,
        reply_message_id,
        reply_sender_role,
        reply_account_id,
        reply_conversation_id,
        {{ epoch_ms_to_timestamp('replied_at_ms') }} as replied_at,
        replied_at_ms - sent_at_ms as reply_latency_ms,
        cast((replied_at_ms - sent_at_ms) / 1000.0 as decimal(18, 3)) as reply_latency_seconds,
        reply_message_id is not null as is_replied,
        is_replied_within_5min,
        is_pending,
        is_exempt,
        is_counted_unit and is_in_assessment_window and not is_pending and not is_exempt as is_assessed
    from with_exemptions
)

select * from final
