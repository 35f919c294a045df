-- Behavioural harassment incidents (rule 2.5, 频繁联系他人): repeated unsolicited contact in a day and contact
-- after the user asked the shop to stop, one row per incident with its evidence. See docs/content_rules.md.
-- Incremental: the rows from raw.incremental_window's reprocess_from_date on are replaced.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{{ delete_incremental_window('incident_date', 'date') }}",
) }}

with

incidents as (
    select
        incident_id,
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        sent_month,
        breach_message_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count,
        stop_request_message_id,
        stop_requested_at,
        stop_request_text
    from {{ ref('int_content_rule_harassment_incidents') }}
    {% if is_incremental() %}
        where incident_date >= {{ incremental_from_date() }}
    {% endif %}
),

final as (
    select
        incident_id,
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        sent_month,
        breach_message_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count,
        stop_request_message_id,
        stop_requested_at,
        stop_request_text
    from incidents
)

select * from final
