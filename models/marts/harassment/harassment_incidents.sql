-- Behavioural harassment incidents (rule 2.5, 频繁联系他人), one row per incident with its evidence, from
-- the two detectors: repeated unsolicited contact in a day, and contact after the user asked the shop to
-- stop. Each incident is also a content_rule_hits row (detector behaviour) on its breach message.
-- See docs/content_rules.md. Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='incident_date',
) }}

with

unsolicited_contact as (
    select
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        assessment_month,
        breach_message_id,
        first_message_id,
        first_message_at,
        first_message_at_local,
        last_message_id,
        last_message_at,
        last_message_at_local,
        message_count,
        cast(null as string) as stop_request_message_id,
        cast(null as timestamp) as stop_requested_at,
        cast(null as string) as stop_request_text
    from {{ ref('int_harassment__unsolicited_contact') }}
    where {{ in_incremental_window() }}
),

contact_after_stop_request as (
    select
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        assessment_month,
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
    from {{ ref('int_harassment__contact_after_stop_request') }}
    where {{ in_incremental_window() }}
),

incidents as (
    select * from unsolicited_contact
    union all
    select * from contact_after_stop_request
),

final as (
    select
        {{ cr_hash_key(['incident_type', 'breach_message_id']) }} as incident_id,
        incident_type,
        shop_id,
        user_id,
        conversation_id,
        incident_date,
        assessment_month,
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
