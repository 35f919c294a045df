-- Content-rule hits per shop and platform-local month, for the monthly assessment. A count is the number of
-- distinct messages with at least one hit (a message with a phone number and a WeChat id is one 2.3
-- breach); a behavioural incident counts once, on its breach message. Shops / months without hits have no
-- row (join with coalesce(..., 0)). Category columns follow the clause seed's violation_category_code.
-- Incremental: the months from raw.incremental_window's reprocess_from_date on are recomputed.
{{ config(
    alias='shop_monthly_content_rule_hits',
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{{ delete_incremental_window('sent_month', 'month') }}",
) }}

with

hits as (
    select
        message_id,
        shop_id,
        sent_month,
        clause,
        violation_category_code
    from {{ ref('int_content_rule_hits__unioned') }}
    {% if is_incremental() %}
        where sent_month >= {{ month_start(incremental_from_date()) }}
    {% endif %}
),

final as (
    select
        shop_id,
        sent_month,
        count(distinct case when clause = '2.3' then message_id end) as hit_count_2_3,
        count(distinct case when clause = '2.4' then message_id end) as hit_count_2_4,
        count(distinct case when clause = '2.5' then message_id end) as hit_count_2_5,
        count(distinct case when clause = '2.7' then message_id end) as hit_count_2_7,
        count(distinct case when clause = '2.8' then message_id end) as hit_count_2_8,
        count(distinct case when clause = '2.9' then message_id end) as hit_count_2_9,
        count(distinct message_id) as hit_message_count,
        count(distinct case when violation_category_code = 'publishing_other_platform_info' then message_id end)
            as hit_count_publishing_other_platform_info,
        count(distinct case when violation_category_code = 'harassment' then message_id end)
            as hit_count_harassment,
        count(distinct case when violation_category_code = 'disrupting_platform_order' then message_id end)
            as hit_count_disrupting_platform_order
    from hits
    group by shop_id, sent_month
)

select * from final
