-- 2.11 suspected automation: per shop, merchant account and platform-local day, signals that the account
-- is operated by a plug-in or bot rather than a person (2.11 forbids unauthorised plug-ins on the tool).
-- Suspicion for review, not a violation: no rule catalog row, not in is_compliant. Each signal's threshold
-- is a var (docs/decisions.md "2.11 suspected automation"):
--   fast replies      a share of the account's replies came faster than a person types their length
--   regular latency   the reply latencies hardly vary (coefficient of variation) over many replies
--   templated text    one text went to many different users within minutes
--   around the clock  the account was active in nearly every hour of the day
-- Replies are the first answers of turns (consult_reply_pairs turn starts), counted on the day of the
-- consultation they answered; latency runs from the turn's first message. Messages, texts and hours count
-- on the day sent. Robot messages are the platform's own auto-reply, not an account: merchant messages only.
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}
{%- set min_replies = validated_int('automation_min_replies', 2) %}
{%- set max_cps = var('automation_max_human_chars_per_second') | float %}
{%- set fast_share = var('automation_fast_reply_share') | float %}
{%- set max_cv = var('automation_max_latency_cv') | float %}
{%- set template_users = validated_int('automation_template_min_users', 2) %}
{%- set template_window_ms = validated_int('automation_template_window_minutes', 1) * 60000 %}
{%- set min_hours = validated_int('automation_min_active_hours', 1) %}
{%- set min_signals = validated_int('automation_min_signals', 1) %}

with

merchant_messages as (
    select
        message_id,
        shop_id,
        user_id,
        sender_account_id,
        msg_type,
        content,
        sent_at_ms,
        sent_at_local,
        activity_date
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role = 'merchant'
        and sender_account_id is not null
        and {{ in_incremental_window() }}
),

turn_replies as (
    select
        shop_id,
        activity_date,
        reply_message_id,
        reply_latency_ms
    from {{ ref('consult_reply_pairs') }}
    where
        is_turn_start
        and reply_message_id is not null
        and {{ in_incremental_window() }}
),

replies as (
    select
        turn_replies.shop_id,
        merchant_messages.sender_account_id as account_id,
        turn_replies.activity_date,
        turn_replies.reply_latency_ms,
        coalesce(length(merchant_messages.content), 0) * 1000
        > {{ max_cps }} * turn_replies.reply_latency_ms as is_faster_than_typing
    from turn_replies
    inner join merchant_messages
        on turn_replies.reply_message_id = merchant_messages.message_id
),

reply_stats as (
    select
        shop_id,
        account_id,
        activity_date,
        count(*) as reply_count,
        count(*) filter (where is_faster_than_typing) as fast_reply_count,
        {{ percentile_cont('cast(reply_latency_ms as double)', 0.5) }} / 1000.0 as median_reply_latency_seconds,
        -- rounded: the sum behind stddev depends on the engine's order (incremental = full, both engines)
        round(stddev_samp(cast(reply_latency_ms as double)) / nullif(avg(cast(reply_latency_ms as double)), 0), 6)
            as reply_latency_cv
    from replies
    group by shop_id, account_id, activity_date
),

-- one text to many users within a fixed window of minutes (epoch-aligned buckets)
same_text as (
    select
        shop_id,
        sender_account_id as account_id,
        activity_date,
        count(distinct user_id) as user_count
    from merchant_messages
    where msg_type = 'text' and content is not null
    group by
        shop_id,
        sender_account_id,
        activity_date,
        content,
        floor(sent_at_ms / {{ template_window_ms }})
),

same_text_stats as (
    select
        shop_id,
        account_id,
        activity_date,
        max(user_count) as max_same_text_user_count
    from same_text
    group by shop_id, account_id, activity_date
),

message_stats as (
    select
        shop_id,
        sender_account_id as account_id,
        activity_date,
        count(*) as message_count,
        count(distinct hour(sent_at_local)) as active_hour_count
    from merchant_messages
    group by shop_id, sender_account_id, activity_date
),

account_days as (
    select
        shop_id,
        account_id,
        activity_date
    from message_stats
    union
    select
        shop_id,
        account_id,
        activity_date
    from reply_stats
),

measured as (
    select
        account_days.shop_id,
        account_days.account_id,
        account_days.activity_date,
        coalesce(message_stats.message_count, 0) as message_count,
        coalesce(reply_stats.reply_count, 0) as reply_count,
        coalesce(reply_stats.fast_reply_count, 0) as fast_reply_count,
        {{ safe_rate('reply_stats.fast_reply_count', 'reply_stats.reply_count') }} as fast_reply_share,
        reply_stats.median_reply_latency_seconds,
        reply_stats.reply_latency_cv,
        coalesce(same_text_stats.max_same_text_user_count, 0) as max_same_text_user_count,
        coalesce(message_stats.active_hour_count, 0) as active_hour_count
    from account_days
    left join message_stats
        on account_days.shop_id = message_stats.shop_id
        and account_days.account_id = message_stats.account_id
        and account_days.activity_date = message_stats.activity_date
    left join reply_stats
        on account_days.shop_id = reply_stats.shop_id
        and account_days.account_id = reply_stats.account_id
        and account_days.activity_date = reply_stats.activity_date
    left join same_text_stats
        on account_days.shop_id = same_text_stats.shop_id
        and account_days.account_id = same_text_stats.account_id
        and account_days.activity_date = same_text_stats.activity_date
),

signals as (
    select
        *,
        reply_count >= {{ min_replies }} and fast_reply_share >= {{ fast_share }} as has_fast_reply_signal,
        reply_count >= {{ min_replies }} and coalesce(reply_latency_cv <= {{ max_cv }}, false)
            as has_regular_latency_signal,
        max_same_text_user_count >= {{ template_users }} as has_templated_text_signal,
        active_hour_count >= {{ min_hours }} as has_around_the_clock_signal
    from measured
),

final as (
    select
        shop_id,
        account_id,
        activity_date,
        {{ month_start('activity_date') }} as assessment_month,
        message_count,
        reply_count,
        fast_reply_count,
        fast_reply_share,
        median_reply_latency_seconds,
        reply_latency_cv,
        max_same_text_user_count,
        active_hour_count,
        coalesce(has_fast_reply_signal, false) as has_fast_reply_signal,
        has_regular_latency_signal,
        has_templated_text_signal,
        has_around_the_clock_signal,
        cast(coalesce(has_fast_reply_signal, false) as int)
        + cast(has_regular_latency_signal as int)
        + cast(has_templated_text_signal as int)
        + cast(has_around_the_clock_signal as int) as signal_count,
        cast(coalesce(has_fast_reply_signal, false) as int)
        + cast(has_regular_latency_signal as int)
        + cast(has_templated_text_signal as int)
        + cast(has_around_the_clock_signal as int) >= {{ min_signals }} as is_suspected_automation
    from signals
)

select * from final
