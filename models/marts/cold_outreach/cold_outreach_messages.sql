-- 2.6 evidence (the tool is for serving platform users, not for anything else): every merchant message to a
-- user who had not written to the shop for more than var cold_outreach_silence_days days, or never in the
-- data (cold outreach, bulk marketing). Evidence for review, not a verdict (docs/decisions.md "2.6 cold
-- outreach"). A thread is (shop, user), as for replies. Robot and system messages are not the merchant's.
-- Incremental: replaces the window's days. The last user message before the window comes from one
-- aggregate over the earlier user messages (empty in a full build), so the result equals a full build.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}
{%- set silence_ms = validated_int('cold_outreach_silence_days', 1) * 86400000 %}

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
        max(sent_at_ms) as last_user_message_at_ms
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role = 'user'
        and not ({{ in_incremental_window() }})
    group by shop_id, user_id
),

with_last_contact as (
    select
        window_messages.*,
        coalesce(
            max(case when window_messages.sender_role = 'user' then window_messages.sent_at_ms end) over (
                partition by window_messages.shop_id, window_messages.user_id
                order by
                    window_messages.sent_at_ms asc,
                    window_messages.sender_role desc,
                    window_messages.message_id asc
                rows between unbounded preceding and current row
            ),
            earlier_user_contact.last_user_message_at_ms
        ) as last_user_message_at_ms
    from window_messages
    left join earlier_user_contact
        on window_messages.shop_id = earlier_user_contact.shop_id
        and window_messages.user_id = earlier_user_contact.user_id
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
    where
        sender_role = 'merchant'
        and (last_user_message_at_ms is null or sent_at_ms - last_user_message_at_ms > {{ silence_ms }})
)

select * from final
