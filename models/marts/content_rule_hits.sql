-- Content-rule hits of the shop's messages (rules 2.3, 2.4, 2.5, 2.7, 2.8, 2.9): one row per message /
-- clause / rule_code, found by the lexicon, the regex patterns or the harassment behaviour, with the
-- chapter-4 violation category of the clause. See docs/content_rules.md.
-- Incremental: the rows from raw.incremental_window's reprocess_from_date on are replaced.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{{ delete_incremental_window('sent_date', 'date') }}",
) }}

with

hits as (
    select
        hit_id,
        message_id,
        shop_id,
        user_id,
        conversation_id,
        sender_role,
        sender_account_id,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month,
        clause,
        rule_code,
        matched_text,
        detector,
        violation_category,
        violation_category_code,
        rule_version_id
    from {{ ref('int_content_rule_hits__unioned') }}
    {% if is_incremental() %}
        where sent_date >= {{ incremental_from_date() }}
    {% endif %}
),

final as (
    select
        hit_id,
        message_id,
        shop_id,
        user_id,
        conversation_id,
        sender_role,
        sender_account_id,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month,
        clause,
        rule_code,
        matched_text,
        detector,
        violation_category,
        violation_category_code,
        rule_version_id
    from hits
)

select * from final
