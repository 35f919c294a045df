-- The moment the data is complete up to: var as_of (platform-local), else the latest valid message.
-- A user message whose reply window is still open at the watermark is pending (2.2, 3.1.1).
with

messages as (
    select sent_at_ms
    from {{ ref('stg_cs_raw__messages') }}
),

latest as (
    select max(sent_at_ms) as latest_message_at_ms
    from messages
),

final as (
    select
        {% if var('as_of') is not none %}
            {{ as_of_epoch_ms() }} as watermark_at_ms,
            'var_as_of' as watermark_source,
        {% else %}
            coalesce(latest_message_at_ms, 0) as watermark_at_ms,
            'latest_message' as watermark_source,
        {% endif %}
        latest_message_at_ms
    from latest
)

select
    watermark_at_ms,
    {{ epoch_ms_to_timestamp('watermark_at_ms') }} as watermark_at,
    {{ utc_to_local(epoch_ms_to_timestamp('watermark_at_ms')) }} as watermark_at_local,
    watermark_source,
    latest_message_at_ms
from final
