-- Measured precision of the content rules in production: per clause and platform-local month, the reviewed
-- hits (latest verdict per message and clause in content_rule_review_verdicts) and how many the reviewer
-- confirmed as breaches; plus the confirmed misses (a breach verdict on a message and clause without a hit).
-- A month with no reviewed hit has a null precision, not 1.

with

queue as (
    select
        message_id,
        assessment_month,
        clause,
        queue_reason,
        verdict
    from {{ ref('content_rule_review_queue') }}
),

misses as (
    select
        message_id,
        assessment_month,
        clause
    from {{ ref('content_rule_confirmed_misses') }}
),

-- a message with several rule_codes of one clause is one judgement
reviewed_hits as (
    select distinct
        message_id,
        assessment_month,
        clause,
        verdict
    from queue
    where
        queue_reason = 'hit'
        and verdict is not null
),

hit_counts as (
    select
        clause,
        assessment_month,
        count(*) as reviewed_hit_count,
        count(case when verdict = 'breach' then 1 end) as confirmed_hit_count,
        count(case when verdict = 'not_breach' then 1 end) as rejected_hit_count
    from reviewed_hits
    group by clause, assessment_month
),

miss_counts as (
    select
        clause,
        assessment_month,
        count(distinct message_id) as confirmed_miss_count
    from misses
    group by clause, assessment_month
),

clause_months as (
    select
        clause,
        assessment_month
    from hit_counts

    union

    select
        clause,
        assessment_month
    from miss_counts
),

final as (
    select
        clause_months.clause,
        clause_months.assessment_month,
        coalesce(hit_counts.reviewed_hit_count, 0) as reviewed_hit_count,
        coalesce(hit_counts.confirmed_hit_count, 0) as confirmed_hit_count,
        coalesce(hit_counts.rejected_hit_count, 0) as rejected_hit_count,
        {{ safe_rate('hit_counts.confirmed_hit_count', 'hit_counts.reviewed_hit_count') }} as measured_precision,
        coalesce(miss_counts.confirmed_miss_count, 0) as confirmed_miss_count
    from clause_months
    left join hit_counts
        on clause_months.clause = hit_counts.clause
        and clause_months.assessment_month = hit_counts.assessment_month
    left join miss_counts
        on clause_months.clause = miss_counts.clause
        and clause_months.assessment_month = miss_counts.assessment_month
)

select * from final
