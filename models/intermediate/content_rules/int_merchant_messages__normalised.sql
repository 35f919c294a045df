-- Every message the shop sent (merchant agents and the shop's robot), with its text normalised once for all
-- content rules: `content_norm` (folded, lowercase, separators kept), `content_compact` (separators removed,
-- lexicon matching) and `content_digits` (compact with Chinese numerals as digits, number patterns).
-- Narrow on purpose (a row per shop message): the few messages with a hit take their other columns from
-- stg_cs_raw__messages in int_content_rule_hits__unioned.
-- Incremental: the messages sent from raw.incremental_window's reprocess_from_ms on are normalised again.
-- depends_on: {{ ref('content_rule_char_variants') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['incremental_messages'],
    pre_hook="{{ delete_incremental_window('sent_at_ms') }}",
) }}

with

messages as (
    select
        message_id,
        shop_id,
        sent_at_ms,
        content
    from {{ ref('stg_cs_raw__messages') }}
    where
        -- rule 1.3.2: the shop's customer service is every shop account, sub-accounts and the shop's robot
        sender_role in ('merchant', 'robot')
        and sent_at_ms >= {{ incremental_lower_bound_ms() }}
),

folded as (
    select
        message_id,
        shop_id,
        sent_at_ms,
        {{ cr_normalise_text('content') }} as content_norm
    from messages
),

compacted as (
    select
        message_id,
        shop_id,
        sent_at_ms,
        content_norm,
        {{ cr_compact_text('content_norm') }} as content_compact
    from folded
),

final as (
    select
        message_id,
        shop_id,
        sent_at_ms,
        content_norm,
        content_compact,
        {{ cr_numerals_to_digits('content_compact') }} as content_digits
    from compacted
)

select * from final
