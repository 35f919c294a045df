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
-- One sort of the busy pairs' messages: two running counts (user messages so far, shop messages so far) place
-- every shop message in its run (the shop messages with the same user-message count) and in the run's order.
-- The rest is arithmetic on runs and run-days: a run's prompting user messages come from the last run before
-- it with a human agent's message, and a day's unsolicited messages of a run are a block of consecutive
-- positions (the days follow the order); the incidents' messages are found by their numbers.
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
        sent_at_ms,
        activity_date
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
-- staging again, not from `messages`: DuckDB materialises a CTE that is read twice)
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

-- user messages so far: shop messages with the same count have no user message between them (a run);
-- shop messages so far number the shop messages of the thread in order
counted as (
    select
        messages.message_id,
        messages.conversation_id,
        messages.shop_id,
        messages.user_id,
        messages.sender_role,
        messages.sent_at_ms,
        messages.activity_date,
        count(case when messages.sender_role = 'user' then 1 end) over thread_order as user_messages_so_far,
        count(case when messages.sender_role <> 'user' then 1 end) over thread_order as shop_messages_so_far
    from messages
    -- busy_pairs is distinct per pair: the join keeps each row once
    inner join busy_pairs
        on messages.shop_id = busy_pairs.shop_id
        and messages.user_id = busy_pairs.user_id
    window thread_order as (
        partition by messages.shop_id, messages.user_id
        order by messages.sent_at_ms, messages.message_id
        rows between unbounded preceding and current row
    )
),

shop_messages as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sender_role,
        sent_at_ms,
        activity_date,
        user_messages_so_far,
        shop_messages_so_far
    from counted
    where sender_role in ('merchant', 'robot')
),

-- one row per run: where it starts, and whether a human agent (not the robot) wrote in it
runs as (
    select
        shop_id,
        user_id,
        user_messages_so_far,
        min(shop_messages_so_far) as first_shop_message_number,
        max(case when sender_role = 'merchant' then 1 else 0 end) as has_agent_message
    from shop_messages
    group by shop_id, user_id, user_messages_so_far
),

-- how many user messages a run answers: those since a human agent of the shop last wrote before it began
-- (a robot auto-reply does not answer the user's questions, so it does not use up the replies they allow).
-- An agent message before the window counts as written `user_messages_since_agent` user messages before
-- it; the run open when the window opened goes on, with its earlier messages first.
run_prompts as (
    select
        runs.shop_id,
        runs.user_id,
        runs.user_messages_so_far,
        runs.first_shop_message_number,
        case
            when runs.user_messages_so_far = 0 then coalesce(thread_states.open_run_shop_message_count, 0)
            else 0
        end as earlier_run_message_count,
        case
            when runs.user_messages_so_far = 0 and coalesce(thread_states.open_run_shop_message_count, 0) > 0
                then thread_states.open_run_prompt_count
            else runs.user_messages_so_far - coalesce(
                max(case when runs.has_agent_message = 1 then runs.user_messages_so_far end) over (
                    partition by runs.shop_id, runs.user_id
                    order by runs.user_messages_so_far
                    rows between unbounded preceding and 1 preceding
                ),
                0 - coalesce(thread_states.user_messages_since_agent, 0)
            )
        end as prompting_user_message_count
    from runs
    left join thread_states
        on runs.shop_id = thread_states.shop_id
        and runs.user_id = thread_states.user_id
),

-- a run's messages of one day: the first and last position in the run
run_days as (
    select
        shop_messages.shop_id,
        shop_messages.user_id,
        shop_messages.user_messages_so_far,
        shop_messages.activity_date,
        min(shop_messages.shop_messages_so_far) as first_shop_message_number,
        max(shop_messages.shop_messages_so_far) as last_shop_message_number
    from shop_messages
    group by
        shop_messages.shop_id,
        shop_messages.user_id,
        shop_messages.user_messages_so_far,
        shop_messages.activity_date
),

-- the first `allowance` x prompting messages of a run answer the user; the day's unsolicited ones are the
-- day's positions after those, numbered (shop messages so far) first_unsolicited .. last
unsolicited_blocks as (
    select
        run_days.shop_id,
        run_days.user_id,
        run_days.user_messages_so_far,
        run_days.activity_date,
        run_days.last_shop_message_number,
        greatest(
            run_days.first_shop_message_number,
            run_prompts.first_shop_message_number - run_prompts.earlier_run_message_count
            + {{ reply_allowance }} * run_prompts.prompting_user_message_count
        ) as first_unsolicited_number
    from run_days
    inner join run_prompts
        on run_days.shop_id = run_prompts.shop_id
        and run_days.user_id = run_prompts.user_id
        and run_days.user_messages_so_far = run_prompts.user_messages_so_far
),

incident_blocks as (
    select
        shop_id,
        user_id,
        user_messages_so_far,
        activity_date,
        first_unsolicited_number,
        last_shop_message_number,
        first_unsolicited_number + {{ threshold - 1 }} as breach_number
    from unsolicited_blocks
    where last_shop_message_number - first_unsolicited_number + 1 >= {{ threshold }}
),

-- the incidents' unsolicited messages, with what the incident shows of them
incident_messages as (
    select
        incident_blocks.shop_id,
        incident_blocks.user_id,
        incident_blocks.activity_date,
        incident_blocks.user_messages_so_far,
        shop_messages.message_id,
        shop_messages.conversation_id,
        shop_messages.sent_at_ms,
        shop_messages.shop_messages_so_far = incident_blocks.breach_number as is_breach_message,
        shop_messages.shop_messages_so_far - incident_blocks.first_unsolicited_number + 1 as unsolicited_position
    from incident_blocks
    inner join shop_messages
        on incident_blocks.shop_id = shop_messages.shop_id
        and incident_blocks.user_id = shop_messages.user_id
        and incident_blocks.first_unsolicited_number <= shop_messages.shop_messages_so_far
        and incident_blocks.last_shop_message_number >= shop_messages.shop_messages_so_far
),

unsolicited_runs as (
    select
        shop_id,
        user_id,
        activity_date,
        user_messages_so_far,
        count(*) as message_count,
        {{ arg_min('message_id', ['unsolicited_position']) }} as first_message_id,
        min(sent_at_ms) as first_message_at_ms,
        {{ arg_max('message_id', ['unsolicited_position']) }} as last_message_id,
        max(sent_at_ms) as last_message_at_ms,
        max(case when is_breach_message then message_id end) as breach_message_id,
        max(case when is_breach_message then conversation_id end) as breach_conversation_id
    from incident_messages
    group by shop_id, user_id, activity_date, user_messages_so_far
),

final as (
    select
        'repeated_unsolicited_contact' as incident_type,
        shop_id,
        user_id,
        breach_conversation_id as conversation_id,
        activity_date as incident_date,
        {{ month_start('activity_date') }} as assessment_month,
        breach_message_id,
        first_message_id,
        {{ epoch_ms_to_timestamp('first_message_at_ms') }} as first_message_at,
        {{ utc_to_local(epoch_ms_to_timestamp('first_message_at_ms')) }} as first_message_at_local,
        last_message_id,
        {{ epoch_ms_to_timestamp('last_message_at_ms') }} as last_message_at,
        {{ utc_to_local(epoch_ms_to_timestamp('last_message_at_ms')) }} as last_message_at_local,
        message_count
    from unsolicited_runs
)

select * from final
