-- Behavioural harassment (rule 2.5: 频繁联系他人 / contacting someone frequently), one row per incident:
--
-- repeated_unsolicited_contact: on one platform-local day the shop (merchant agents and robot) sends a user
--   at least var('harassment_unsolicited_message_threshold') unsolicited messages with no message from the
--   user in between. A run of shop messages after user messages first answers them: the first
--   var('harassment_reply_allowance_per_user_message') x (user messages since a human agent of the shop last
--   wrote; robot auto-replies do not count as answers) shop messages of the run are replies (the morning
--   answer to last night's five questions is not harassment);
--   the rest are unsolicited. The breach message is the unsolicited one that reaches the threshold.
-- contact_after_stop_request: the user asked the shop to stop (int_content_rule_stop_requests) and the shop
--   writes again later than var('harassment_stop_request_grace_minutes') after the first such request, before
--   any later user message that is not itself a stop request re-opens the conversation. One incident per
--   stop request and local day; the breach message is the first such shop message of the day.
--
-- Both look at the shop-user pair across conversations. Only pairs that can qualify are windowed.
-- Published as the harassment_incidents mart; each incident is also a content_rule_hits row (detector
-- behaviour, clause 2.5) on its breach message.
--
-- Incremental (exact): both detectors are causal, an incident of a day depends only on that day's and earlier
-- messages. A run deletes the incidents from raw.incremental_window's reprocess_from_date on and recomputes
-- them from the whole history of the shop-user pairs that wrote from that date on (most pairs talk on one
-- or two days, so this is a small share of the messages).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{{ delete_incremental_window('incident_date', 'date') }}",
) }}

{%- set threshold = var('harassment_unsolicited_message_threshold', 6) | int %}
{%- set reply_allowance = var('harassment_reply_allowance_per_user_message', 3) | int %}
{%- set grace_ms = (var('harassment_stop_request_grace_minutes', 5) | float * 60000) | int %}
{%- set from_ms = incremental_from_ms() if is_incremental() else none %}

with

{% if from_ms is not none %}
    -- the pairs to which the shop wrote in this run's window: only they can have an incident in it
    window_pairs as (
        select distinct
            shop_id,
            user_id
        from {{ ref('stg_cs_raw__messages') }}
        where
            sender_role in ('merchant', 'robot')
            and sent_at_ms >= {{ from_ms }}
    ),
{% endif %}

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
        sent_date,
        sent_month
    from {{ ref('stg_cs_raw__messages') }}
    where sender_role in ('user', 'merchant', 'robot')
),

stop_requests as (
    select
        message_id,
        matched_text
    from {{ ref('int_content_rule_stop_requests') }}
),

-- repeated unsolicited contact ------------------------------------------------------------------------

busy_shop_days as (
    select
        shop_id,
        user_id,
        sent_date
    from messages
    where
        sender_role in ('merchant', 'robot')
        and sent_at_ms >= {{ incremental_lower_bound_ms() }}
    group by shop_id, user_id, sent_date
    having count(*) >= {{ threshold }}
),

busy_pairs as (
    select distinct
        shop_id,
        user_id
    from busy_shop_days
),

busy_pair_messages as (
    select
        messages.message_id,
        messages.conversation_id,
        messages.shop_id,
        messages.user_id,
        messages.sender_role,
        messages.sent_at,
        messages.sent_at_ms,
        messages.sent_at_local,
        messages.sent_date,
        messages.sent_month,
        -- user messages so far: shop messages with the same count have no user message between them
        sum(case when messages.sender_role = 'user' then 1 else 0 end) over (
            partition by messages.shop_id, messages.user_id
            order by messages.sent_at_ms, messages.message_id
            rows between unbounded preceding and current row
        ) as user_messages_so_far
    from messages
    inner join busy_pairs
        on messages.shop_id = busy_pairs.shop_id
        and messages.user_id = busy_pairs.user_id
),

-- the user-message count when a human agent (not the robot) of the shop last wrote: a robot auto-reply does
-- not answer the user's questions, so it does not use up the replies they allow
agent_marks as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sent_at,
        sent_at_ms,
        sent_at_local,
        sent_date,
        sent_month,
        user_messages_so_far,
        coalesce(
            max(case when sender_role = 'merchant' then user_messages_so_far end) over (
                partition by shop_id, user_id
                order by sent_at_ms, message_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as user_messages_at_last_agent_message
    from busy_pair_messages
),

shop_runs as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sent_at,
        sent_at_ms,
        sent_at_local,
        sent_date,
        sent_month,
        user_messages_so_far,
        user_messages_at_last_agent_message,
        row_number() over (
            partition by shop_id, user_id, user_messages_so_far
            order by sent_at_ms, message_id
        ) as position_in_run
    from agent_marks
    where sender_role in ('merchant', 'robot')
),

-- how many user messages the run answers: those since a human agent of the shop last wrote
run_prompts as (
    select
        shop_id,
        user_id,
        user_messages_so_far,
        user_messages_so_far - min_by(user_messages_at_last_agent_message, position_in_run)
            as prompting_user_message_count
    from shop_runs
    group by shop_id, user_id, user_messages_so_far
),

-- the first replies (allowance x prompting user messages) answer the user; the rest are unsolicited
unsolicited_messages as (
    select
        shop_runs.message_id,
        shop_runs.conversation_id,
        shop_runs.shop_id,
        shop_runs.user_id,
        shop_runs.sent_at,
        shop_runs.sent_at_ms,
        shop_runs.sent_at_local,
        shop_runs.sent_date,
        shop_runs.sent_month,
        shop_runs.user_messages_so_far,
        row_number() over (
            partition by shop_runs.shop_id, shop_runs.user_id, shop_runs.user_messages_so_far, shop_runs.sent_date
            order by shop_runs.sent_at_ms, shop_runs.message_id
        ) as unsolicited_position
    from shop_runs
    inner join run_prompts
        on shop_runs.shop_id = run_prompts.shop_id
        and shop_runs.user_id = run_prompts.user_id
        and shop_runs.user_messages_so_far = run_prompts.user_messages_so_far
    where shop_runs.position_in_run > {{ reply_allowance }} * run_prompts.prompting_user_message_count
),

unsolicited_runs as (
    select
        shop_id,
        user_id,
        sent_date,
        user_messages_so_far,
        count(*) as message_count,
        min_by(message_id, unsolicited_position) as first_message_id,
        min(sent_at) as first_message_at,
        min(sent_at_local) as first_message_at_local,
        max_by(message_id, unsolicited_position) as last_message_id,
        max(sent_at) as last_message_at,
        max(sent_at_local) as last_message_at_local,
        max(case when unsolicited_position = {{ threshold }} then message_id end) as breach_message_id,
        max(case when unsolicited_position = {{ threshold }} then conversation_id end) as breach_conversation_id,
        min(sent_month) as sent_month
    from unsolicited_messages
    group by shop_id, user_id, sent_date, user_messages_so_far
    having count(*) >= {{ threshold }}
),

unsolicited_incidents as (
    select
        'repeated_unsolicited_contact' as incident_type,
        shop_id,
        user_id,
        sent_date as incident_date,
        sent_month,
        cast(null as varchar) as stop_request_message_id,
        cast(null as timestamp) as stop_requested_at,
        cast(null as varchar) as stop_request_text,
        breach_message_id,
        breach_conversation_id as conversation_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count
    from unsolicited_runs
),

-- contact after a stop request ------------------------------------------------------------------------

stop_pairs as (
    select distinct
        messages.shop_id,
        messages.user_id
    from messages
    inner join stop_requests
        on messages.message_id = stop_requests.message_id
    {% if from_ms is not none %}
        inner join window_pairs
            on messages.shop_id = window_pairs.shop_id
            and messages.user_id = window_pairs.user_id
    {% endif %}
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
        messages.sent_date,
        messages.sent_month,
        stop_requests.message_id is not null as is_stop_request,
        stop_requests.matched_text as stop_request_text
    from messages
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
        sent_date,
        sent_month,
        is_stop_request,
        stop_request_text,
        sum(case when sender_role = 'user' and not is_stop_request then 1 else 0 end) over (
            partition by shop_id, user_id
            order by sent_at_ms, message_id
            rows between unbounded preceding and current row
        ) as episode_number
    from stop_pair_messages
),

episode_stop_requests as (
    select
        shop_id,
        user_id,
        episode_number,
        min_by(message_id, sent_at_ms) as stop_request_message_id,
        min(sent_at_ms) as stop_requested_at_ms,
        min(sent_at) as stop_requested_at,
        min_by(stop_request_text, sent_at_ms) as stop_request_text
    from episodes
    where is_stop_request
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
        episodes.sent_date,
        episodes.sent_month,
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

after_stop_incidents as (
    select
        'contact_after_stop_request' as incident_type,
        shop_id,
        user_id,
        sent_date as incident_date,
        min(sent_month) as sent_month,
        stop_request_message_id,
        min(stop_requested_at) as stop_requested_at,
        min(stop_request_text) as stop_request_text,
        min_by(message_id, sent_at_ms) as breach_message_id,
        min_by(conversation_id, sent_at_ms) as conversation_id,
        min_by(message_id, sent_at_ms) as first_message_id,
        min(sent_at) as first_message_at,
        min(sent_at_local) as first_message_at_local,
        max_by(message_id, sent_at_ms) as last_message_id,
        max(sent_at) as last_message_at,
        max(sent_at_local) as last_message_at_local,
        count(*) as message_count
    from contacts_after_stop
    group by shop_id, user_id, stop_request_message_id, sent_date
),

incidents as (
    select
        incident_type,
        shop_id,
        user_id,
        incident_date,
        sent_month,
        stop_request_message_id,
        stop_requested_at,
        stop_request_text,
        breach_message_id,
        conversation_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count
    from unsolicited_incidents

    union all

    select
        incident_type,
        shop_id,
        user_id,
        incident_date,
        sent_month,
        stop_request_message_id,
        stop_requested_at,
        stop_request_text,
        breach_message_id,
        conversation_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count
    from after_stop_incidents
),

final as (
    select
        {{ cr_hash_key(['incident_type', 'breach_message_id']) }} as incident_id,
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        sent_month,
        breach_message_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count,
        stop_request_message_id,
        stop_requested_at,
        stop_request_text
    from incidents
    {% if from_ms is not none %}
        where incident_date >= {{ incremental_from_date() }}
    {% endif %}
)

select * from final
