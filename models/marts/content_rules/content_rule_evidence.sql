-- Rule evidence of the chapter-2 content rules (2.3, 2.4, 2.5, 2.7, 2.8, 2.9) per shop, platform-local
-- month and clause, in the shape every rule module ends in (docs/decisions.md "Rule modules"): the
-- number of distinct messages with at least one hit of the clause (a message with a phone number and
-- a WeChat id is one 2.3 breach; a harassment incident counts once, on its breach message). A count
-- has no denominator. Shop-months without hits have no row: the catalog's no_evidence_value (0) applies.
with

hits as (
    select
        message_id,
        shop_id,
        assessment_month,
        clause
    from {{ ref('content_rule_hits') }}
),

final as (
    select
        shop_id,
        assessment_month,
        clause,
        'hit_count_' || replace(clause, '.', '_') as metric,
        count(distinct message_id) as numerator_count,
        cast(null as bigint) as denominator_count,
        cast(count(distinct message_id) as double) as metric_value
    from hits
    group by shop_id, assessment_month, clause
)

select * from final
