-- Shop-months that fail both service-quality thresholds (3.1.1 and 3.1.2), worst reply rate first.
-- `dbt compile -s shops_failing_both_rules` writes the runnable SQL under target/compiled/.
with

assessment as (
    select
        shop_id,
        assessment_month,
        consult_message_count,
        reply_rate_5min,
        rating_count,
        satisfaction_rate,
        violation_categories,
        reply_rate_passed,
        satisfaction_passed
    from {{ ref('shop_monthly_assessment') }}
),

final as (
    select
        shop_id,
        assessment_month,
        consult_message_count,
        reply_rate_5min,
        rating_count,
        satisfaction_rate,
        violation_categories
    from assessment
    where
        not reply_rate_passed
        and not satisfaction_passed
)

select * from final
order by assessment_month desc, reply_rate_5min asc
