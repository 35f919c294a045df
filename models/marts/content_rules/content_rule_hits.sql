-- Content-rule hits of the shop's messages (rules 2.3, 2.4, 2.5, 2.7, 2.8, 2.9): one row per message /
-- clause / rule_code, found by the lexicon, the regex patterns, the slot rules or the harassment
-- behaviour (a 2.5 incident's breach message), with the chapter-4 violation category of the clause from
-- the rule_catalog version in force on the day the message was sent (5.1; none for 2.7 / 2.8). When
-- detectors share a rule_code on one message, the most specific match is kept: pattern, lexicon, slot.
-- The messages' other columns come from stg_cs_raw__messages (the normalised model is narrow).
-- See docs/content_rules.md.
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

messages as (
    select
        message_id,
        shop_id,
        user_id,
        conversation_id,
        sender_role,
        sender_account_id,
        sent_at,
        sent_at_local,
        activity_date,
        assessment_month
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role in ('merchant', 'robot')
        and {{ in_incremental_window() }}
),

lexicon_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text
    from {{ ref('int_content_rule_hits__lexicon') }}
    where {{ in_incremental_window() }}
),

slot_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text
    from {{ ref('int_content_rule_hits__slot') }}
    where
        not is_negated
        and {{ in_incremental_window() }}
),

pattern_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text
    from {{ ref('int_content_rule_hits__pattern') }}
    where {{ in_incremental_window() }}
),

harassment_incidents as (
    select
        breach_message_id,
        incident_type,
        message_count,
        stop_request_text
    from {{ ref('harassment_incidents') }}
    where {{ in_incremental_window('incident_date') }}
),

rules as (
    select
        rule_version_id,
        clause,
        violation_category_zh,
        violation_category_code,
        effective_from,
        effective_to
    from {{ ref('rule_catalog') }}
),

behaviour_hits as (
    select
        breach_message_id as message_id,
        '2.5' as clause,
        incident_type as rule_code,
        'behaviour' as detector,
        case
            when incident_type = 'contact_after_stop_request'
                then message_count || ' shop message(s) after the stop request: ' || stop_request_text
            else message_count || ' shop messages in a day with no user message in between'
        end as matched_text
    from harassment_incidents
),

all_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text,
        1 as detector_rank
    from pattern_hits

    union all

    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text,
        2 as detector_rank
    from lexicon_hits

    union all

    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text,
        3 as detector_rank
    from slot_hits

    union all

    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text,
        4 as detector_rank
    from behaviour_hits
),

ranked_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text,
        row_number() over (partition by message_id, clause, rule_code order by detector_rank) as hit_rank
    from all_hits
),

deduplicated_hits as (
    select
        message_id,
        clause,
        rule_code,
        detector,
        matched_text
    from ranked_hits
    where hit_rank = 1
),

final as (
    select
        {{ cr_hash_key(['deduplicated_hits.message_id', 'deduplicated_hits.clause', 'deduplicated_hits.rule_code']) }}
            as hit_id,
        deduplicated_hits.message_id,
        messages.shop_id,
        messages.user_id,
        messages.conversation_id,
        messages.sender_role,
        messages.sender_account_id,
        messages.sent_at,
        messages.sent_at_local,
        messages.activity_date,
        messages.assessment_month,
        deduplicated_hits.clause,
        deduplicated_hits.rule_code,
        deduplicated_hits.matched_text,
        deduplicated_hits.detector,
        rules.violation_category_zh as violation_category,
        nullif(rules.violation_category_code, '') as violation_category_code,
        rules.rule_version_id
    from deduplicated_hits
    inner join messages
        on deduplicated_hits.message_id = messages.message_id
    left join rules
        on deduplicated_hits.clause = rules.clause
        and {{ rule_in_force('rules', 'messages.activity_date') }}
)

select * from final
