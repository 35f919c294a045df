-- Per-account accountability (1.3.2, 2.10, 2.2, 3.1.1): per shop, merchant account (main or sub-account)
-- and platform-local month, the messages the account sent, the replies that answered consultations, how
-- many assessed consultations it answered and how many within 5 minutes, its latency, and the
-- content-rule hits (2.3-2.9) in its messages. Robots and system messages never count as an account: only
-- merchant messages are read (a robot reply, when var reply_sender_roles lets one answer, is left out).
-- Answers are counted in the month of the consultation they answered (as the shop's rate does), so the
-- accounts' replied_within_5min_count add up to the shop's timely replies that name an account (tested);
-- sent messages and hits in the month they were sent.
-- Incremental: replaces the window's months.
{{ config(
    materialized='incremental',
    partition_column='assessment_month',
    partition_grain='month',
) }}

with

merchant_messages as (
    select
        message_id,
        shop_id,
        sender_account_id,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role = 'merchant'
        and sender_account_id is not null
        and {{ in_incremental_window() }}
),

-- the answers of the merchant's accounts (a robot reply, when var reply_sender_roles lets one answer, is
-- nobody's account; nor is an export row without an account id)
answered as (
    select
        shop_id,
        reply_account_id as account_id,
        assessment_month,
        reply_message_id,
        is_assessed,
        is_replied_within_5min,
        reply_latency_seconds
    from {{ ref('consult_reply_pairs') }}
    where
        reply_sender_role = 'merchant'
        and reply_account_id is not null
        and {{ in_incremental_window() }}
),

hits as (
    select
        message_id,
        shop_id,
        sender_account_id,
        assessment_month,
        clause
    from {{ ref('content_rule_hits') }}
    where
        sender_role = 'merchant'
        and sender_account_id is not null
        and {{ in_incremental_window() }}
),

answer_counts as (
    select
        shop_id,
        account_id,
        assessment_month,
        count(distinct reply_message_id) as first_reply_count,
        count(*) filter (where is_assessed) as answered_consult_message_count,
        count(*) filter (where is_assessed and is_replied_within_5min) as replied_within_5min_count,
        count(*) filter (where is_assessed and not is_replied_within_5min) as replied_late_count,
        {{ percentile_cont('cast(reply_latency_seconds as double)', 0.5) }} filter (where is_assessed)
            as median_reply_latency_seconds,
        {{ percentile_cont('cast(reply_latency_seconds as double)', 0.9) }} filter (where is_assessed)
            as p90_reply_latency_seconds
    from answered
    group by shop_id, account_id, assessment_month
),

sent_counts as (
    select
        shop_id,
        sender_account_id as account_id,
        assessment_month,
        count(*) as sent_message_count
    from merchant_messages
    group by shop_id, sender_account_id, assessment_month
),

hit_counts as (
    select
        shop_id,
        sender_account_id as account_id,
        assessment_month,
        count(distinct message_id) as content_rule_hit_message_count,
        count(distinct message_id || '|' || clause) as content_rule_hit_count
    from hits
    group by shop_id, sender_account_id, assessment_month
),

accounts as (
    select
        shop_id,
        account_id,
        assessment_month
    from sent_counts
    union
    select
        shop_id,
        account_id,
        assessment_month
    from answer_counts
    union
    select
        shop_id,
        account_id,
        assessment_month
    from hit_counts
),

final as (
    select
        accounts.shop_id,
        accounts.account_id,
        accounts.assessment_month,
        coalesce(sent_counts.sent_message_count, 0) as sent_message_count,
        coalesce(answer_counts.first_reply_count, 0) as first_reply_count,
        coalesce(answer_counts.answered_consult_message_count, 0) as answered_consult_message_count,
        coalesce(answer_counts.replied_within_5min_count, 0) as replied_within_5min_count,
        coalesce(answer_counts.replied_late_count, 0) as replied_late_count,
        {{ safe_rate(
            'coalesce(answer_counts.replied_within_5min_count, 0)',
            'coalesce(answer_counts.answered_consult_message_count, 0)',
        ) }} as replied_within_5min_rate,
        answer_counts.median_reply_latency_seconds,
        answer_counts.p90_reply_latency_seconds,
        coalesce(hit_counts.content_rule_hit_count, 0) as content_rule_hit_count,
        coalesce(hit_counts.content_rule_hit_message_count, 0) as content_rule_hit_message_count
    from accounts
    left join sent_counts
        on accounts.shop_id = sent_counts.shop_id
        and accounts.account_id = sent_counts.account_id
        and accounts.assessment_month = sent_counts.assessment_month
    left join answer_counts
        on accounts.shop_id = answer_counts.shop_id
        and accounts.account_id = answer_counts.account_id
        and accounts.assessment_month = answer_counts.assessment_month
    left join hit_counts
        on accounts.shop_id = hit_counts.shop_id
        and accounts.account_id = hit_counts.account_id
        and accounts.assessment_month = hit_counts.assessment_month
)

select * from final
