-- One row per valid user message: its reply, its latency, and whether and how it counts in the
-- 5-minute reply rate (2.2, 3.1.1). The fact BI and auditors drill into.
-- Incremental: messages sent in this run's window, and earlier ones still unreplied (a late reply
-- may have come; pending ones may have run out), are judged again.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='message_id',
    on_schema_change='fail',
    tags=['incremental_messages'],
) }}
{%- set window_ms = var('reply_window_seconds') * 1000 %}
{%- set window_start_ms = clock_to_ms(var('assessment_window_start')) %}
{%- set window_end_ms = clock_to_ms(var('assessment_window_end')) %}
{%- set count_unit = var('reply_rate_count_unit') %}
{%- set from_ms = incremental_from_ms() if is_incremental() else none %}
{%- if count_unit not in ['message', 'turn'] %}
    {{ exceptions.raise_compiler_error("var reply_rate_count_unit must be 'message' or 'turn', not " ~ count_unit) }}
{%- endif %}

with

paired as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        msg_type,
        sent_at_ms,
        sent_at,
        sent_at_local,
        sent_date,
        sent_month,
        is_consultation_message,
        is_turn_start,
        turn_start_message_id,
        reply_message_id,
        reply_account_id,
        reply_conversation_id,
        replied_at_ms
    from {{ ref('int_user_messages__paired') }}
    {% if from_ms is not none %}
        where
            sent_at_ms >= {{ from_ms }}
            or message_id in (
                select previous.message_id
                from {{ this }} as previous
                where
                    not previous.is_replied
                    and previous.sent_at < {{ epoch_ms_to_timestamp(from_ms) }}
            )
    {% endif %}
),

watermark as (
    select watermark_at_ms
    from {{ ref('int_assessment_watermark') }}
),

flagged as (
    select
        paired.*,
        paired.replied_at_ms - paired.sent_at_ms as reply_latency_ms,
        {{ ms_of_day('paired.sent_at_local') }} >= {{ window_start_ms }}
        and {{ ms_of_day('paired.sent_at_local') }} < {{ window_end_ms }} as is_in_assessment_window,
        coalesce(paired.replied_at_ms - paired.sent_at_ms <= {{ window_ms }}, false) as is_replied_within_5min,
        paired.reply_message_id is null
        and paired.sent_at_ms + {{ window_ms }} > watermark.watermark_at_ms as is_pending,
        {% if count_unit == 'turn' %}
            paired.is_turn_start as is_counted_unit
        {% else %}
            paired.is_consultation_message as is_counted_unit
        {% endif %}
    from paired
    cross join watermark
),

final as (
    select
        message_id,
        shop_id,
        user_id,
        conversation_id,
        msg_type,
        sent_at,
        sent_at_local,
        sent_date as activity_date,
        sent_month as assessment_month,
        is_consultation_message,
        is_counted_unit,
        is_in_assessment_window,
        is_turn_start,
        turn_start_message_id,
        reply_message_id,
        reply_account_id,
        reply_conversation_id,
        {{ epoch_ms_to_timestamp('replied_at_ms') }} as replied_at,
        reply_latency_ms,
        cast(reply_latency_ms / 1000.0 as decimal(18, 3)) as reply_latency_seconds,
        reply_message_id is not null as is_replied,
        is_replied_within_5min,
        is_pending,
        is_counted_unit and is_in_assessment_window and not is_pending as is_assessed
    from flagged
)

select * from final
