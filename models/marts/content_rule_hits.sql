-- Content-rule hits of the shop's messages (rules 2.3, 2.4, 2.5, 2.7, 2.8, 2.9): one row per message /
-- clause / rule_code, found by the lexicon, the regex patterns or the harassment behaviour, with the
-- chapter-4 violation category of the clause. See docs/content_rules.md.

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
        rule_version_id,
    from {{ ref('int_content_rule_hits__unioned') }}
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
        rule_version_id,
    from hits
)

select * from final
