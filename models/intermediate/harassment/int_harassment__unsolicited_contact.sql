-- Rule 2.5 (频繁联系他人), detector repeated_unsolicited_contact: one row per incident.
--
-- On one platform-local day the shop (merchant agents and robot) sends a user at least
-- var('harassment_unsolicited_message_threshold') unsolicited messages with no message from the user in
-- between. A run of shop messages after user messages first answers them: the first
-- var('harassment_reply_allowance_per_user_message') x (user messages since a human agent of the shop last
-- wrote; robot auto-replies do not count as answers) shop messages of the run are replies (the morning
-- answer to last night's five questions is not harassment); the rest are unsolicited. The breach message
-- is the unsolicited one that reaches the threshold. A shop-user pair is looked at across conversations.
--
-- Incremental: replaces the window's days. The run still open when the window opens (how many shop
-- messages it has and how many user messages it answers) and the user messages since the agent last
-- wrote come from int_thread_state__window_start.
{{ config(
    materialized='incremental',
    partition_column='incident_date',
) }}

{%- set threshold = validated_int('harassment_unsolicited_message_threshold', 1) %}
{%- set reply_allowance = validated_int('harassment_reply_allowance_per_user_message', 0) %}

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

thread_states as (
    select
        shop_id,
        user_id,
        user_messages_since_agent,
        open_run_shop_message_count,
        open_run_prompt_count
    from {{ ref('int_thread_state__window_start') }}
),

-- only pairs the shop wrote to at least `threshold` times on one day can have an incident (read from
-- staging again, not from `messages`: DuckDB materialises a CTE that is read twice, all 10 columns)
busy_pairs as (
    select distinct
        shop_id,
        user_id
    from (
        select
            shop_id,
            user_id,
            activity_date
        from {{ ref('stg_cs_raw__messages') }}
        where
            sender_role in ('merchant', 'robot')
            and {{ in_incremental_window('activity_date') }}
        group by shop_id, user_id, activity_date
        having count(*) >= {{ threshold }}
    ) as busy_days
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
        messages.activity_date,
        messages.assessment_month,
        -- user messages so far: shop messages with the same count have no user message between them
        sum(case when messages.sender_role = 'user' then 1 else 0 end) over (
            partition by messages.shop_id, messages.user_id
            order by messages.sent_at_ms, messages.message_id
            rows between unbounded preceding and current row
        ) as user_messages_so_far
    from messages
    -- busy_pairs is distinct per pair: the join keeps each row once
    inner join busy_pairs
        on messages.shop_id = busy_pairs.shop_id
        and messages.user_id = busy_pairs.user_id
),

-- the user-message count when a human agent (not the robot) of the shop last wrote: a robot auto-reply does
-- not answer the user's questions, so it does not use up the replies they allow. An agent message before
-- the window counts as written `user_messages_since_agent` user messages before it.
agent_marks as (
    select
        busy_pair_messages.message_id,
        busy_pair_messages.conversation_id,
        busy_pair_messages.shop_id,
        busy_pair_messages.user_id,
        busy_pair_messages.sender_role,
        busy_pair_messages.sent_at,
        busy_pair_messages.sent_at_ms,
        busy_pair_messages.sent_at_local,
        busy_pair_messages.activity_date,
        busy_pair_messages.assessment_month,
        busy_pair_messages.user_messages_so_far,
        coalesce(
            max(case when busy_pair_messages.sender_role = 'merchant' then busy_pair_messages.user_messages_so_far end)
                over (
                    partition by busy_pair_messages.shop_id, busy_pair_messages.user_id
                    order by busy_pair_messages.sent_at_ms, busy_pair_messages.message_id
                    rows between unbounded preceding and 1 preceding
                ),
            0 - coalesce(thread_states.user_messages_since_agent, 0)
        ) as user_messages_at_last_agent_message,
        coalesce(thread_states.open_run_shop_message_count, 0) as open_run_shop_message_count,
        coalesce(thread_states.open_run_prompt_count, 0) as open_run_prompt_count
    from busy_pair_messages
    left join thread_states
        on busy_pair_messages.shop_id = thread_states.shop_id
        and busy_pair_messages.user_id = thread_states.user_id
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
        activity_date,
        assessment_month,
        user_messages_so_far,
        user_messages_at_last_agent_message,
        open_run_shop_message_count,
        open_run_prompt_count,
        -- the run open when the window opened goes on: its earlier messages come first
        row_number() over (
            partition by shop_id, user_id, user_messages_so_far
            order by sent_at_ms, message_id
        ) + case when user_messages_so_far = 0 then open_run_shop_message_count else 0 end as position_in_run
    from agent_marks
    where sender_role in ('merchant', 'robot')
),

-- how many user messages the run answers: those since a human agent of the shop last wrote before it began
run_prompts as (
    select
        shop_id,
        user_id,
        user_messages_so_far,
        case
            when user_messages_so_far = 0 and max(open_run_shop_message_count) > 0
                then max(open_run_prompt_count)
            else user_messages_so_far - {{ arg_min('user_messages_at_last_agent_message', ['position_in_run']) }}
        end as prompting_user_message_count
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
        shop_runs.activity_date,
        shop_runs.assessment_month,
        shop_runs.user_messages_so_far,
        row_number() over (
            partition by shop_runs.shop_id, shop_runs.user_id, shop_runs.user_messages_so_far, shop_runs.activity_date
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
        activity_date,
        user_messages_so_far,
        count(*) as message_count,
        {{ arg_min('message_id', ['unsolicited_position']) }} as first_message_id,
        min(sent_at) as first_message_at,
        min(sent_at_local) as first_message_at_local,
        {{ arg_max('message_id', ['unsolicited_position']) }} as last_message_id,
        max(sent_at) as last_message_at,
        max(sent_at_local) as last_message_at_local,
        max(case when unsolicited_position = {{ threshold }} then message_id end) as breach_message_id,
        max(case when unsolicited_position = {{ threshold }} then conversation_id end) as breach_conversation_id,
        min(assessment_month) as assessment_month
    from unsolicited_messages
    group by shop_id, user_id, activity_date, user_messages_so_far
    having count(*) >= {{ threshold }}
),

final as (
    select
        'repeated_unsolicited_contact' as incident_type,
        shop_id,
        user_id,
        breach_conversation_id as conversation_id,
        activity_date as incident_date,
        assessment_month,
        breach_message_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count
    from unsolicited_runs
)

select * from final
