-- 2.6 evidence (the tool is for serving platform users, not for anything else): every merchant message to a
-- user who had not written to the shop for more than var cold_outreach_silence_days days, or never in the
-- data (cold outreach, bulk marketing). Evidence for review, not a verdict (docs/decisions.md "2.6 cold
-- outreach"). A thread is (shop, user), as for replies. Robot and system messages are not the merchant's.
--
-- No sort of the messages: the silence is at least two days (validated; a platform-local day may last 25 hours
-- where clocks change), so a merchant message after a user message of the same day is never cold, and one
-- before it is cold only when the user's last message before that day is old enough. One row per thread-day
-- (first and last user and merchant message) and a window over those rows give it; only the candidate days'
-- merchant messages are read again. A user message in the same millisecond comes before the merchant's.
-- Incremental: replaces the window's days. The user's last message before the window comes from
-- int_thread_state__window_start (empty in a full build), so the result equals a full build.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}
{%- set silence_ms = validated_int('cold_outreach_silence_days', 2) * 86400000 %}

with

window_messages as (
    select
        message_id,
        shop_id,
        user_id,
        sender_role,
        sender_account_id,
        sent_at_ms,
        sent_at,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role in ('user', 'merchant')
        and {{ in_incremental_window() }}
),

-- each thread's last user message before the window (no rows in a full build)
earlier_user_contact as (
    select
        shop_id,
        user_id,
        last_user_message_at_ms
    from {{ ref('int_thread_state__window_start') }}
    where last_user_message_at_ms is not null
),

thread_days as (
    select
        shop_id,
        user_id,
        activity_date,
        min(case when sender_role = 'user' then sent_at_ms end) as first_user_message_at_ms,
        max(case when sender_role = 'user' then sent_at_ms end) as last_user_message_at_ms,
        min(case when sender_role = 'merchant' then sent_at_ms end) as first_merchant_message_at_ms,
        max(case when sender_role = 'merchant' then sent_at_ms end) as last_merchant_message_at_ms
    from window_messages
    group by shop_id, user_id, activity_date
),

-- the user's last message before each thread-day
with_earlier_contact as (
    select
        thread_days.shop_id,
        thread_days.user_id,
        thread_days.activity_date,
        thread_days.first_user_message_at_ms,
        thread_days.first_merchant_message_at_ms,
        thread_days.last_merchant_message_at_ms,
        coalesce(
            max(thread_days.last_user_message_at_ms) over (
                partition by thread_days.shop_id, thread_days.user_id
                order by thread_days.activity_date
                rows between unbounded preceding and 1 preceding
            ),
            earlier_user_contact.last_user_message_at_ms
        ) as last_user_message_before_day_at_ms
    from thread_days
    left join earlier_user_contact
        on thread_days.shop_id = earlier_user_contact.shop_id
        and thread_days.user_id = earlier_user_contact.user_id
),

-- days with a merchant message before the user's first of the day, its last one silent long enough
candidate_days as (
    select
        shop_id,
        user_id,
        activity_date,
        first_user_message_at_ms,
        last_user_message_before_day_at_ms
    from with_earlier_contact
    where
        first_merchant_message_at_ms is not null
        and (first_user_message_at_ms is null or first_merchant_message_at_ms < first_user_message_at_ms)
        and (
            last_user_message_before_day_at_ms is null
            or last_merchant_message_at_ms - last_user_message_before_day_at_ms > {{ silence_ms }}
        )
),

with_last_contact as (
    select
        window_messages.message_id,
        window_messages.shop_id,
        window_messages.user_id,
        window_messages.sender_account_id,
        window_messages.sent_at_ms,
        window_messages.sent_at,
        window_messages.activity_date,
        window_messages.assessment_month,
        candidate_days.last_user_message_before_day_at_ms as last_user_message_at_ms
    from window_messages
    -- candidate_days is one row per thread-day: the join keeps each message once
    inner join candidate_days
        on window_messages.shop_id = candidate_days.shop_id
        and window_messages.user_id = candidate_days.user_id
        and window_messages.activity_date = candidate_days.activity_date
    where
        window_messages.sender_role = 'merchant'
        and (
            candidate_days.first_user_message_at_ms is null
            or window_messages.sent_at_ms < candidate_days.first_user_message_at_ms
        )
),

final as (
    select
        message_id,
        shop_id,
        user_id,
        sender_account_id,
        sent_at,
        activity_date,
        assessment_month,
        {{ epoch_ms_to_timestamp('last_user_message_at_ms') }} as last_user_message_at,
        cast((sent_at_ms - last_user_message_at_ms) / 86400000.0 as decimal(18, 3)) as silence_days,
        last_user_message_at_ms is null as is_user_silent_in_data
    from with_last_contact
    where last_user_message_at_ms is null or sent_at_ms - last_user_message_at_ms > {{ silence_ms }}
)

select * from final
