-- Every message the shop sent (merchant agents and the shop's robot), with its text normalised once for all
-- content rules: `content_norm` (folded, lowercase, separators kept), `content_compact` (separators removed,
-- lexicon matching) and `content_digits` (compact with Chinese numerals as digits, number patterns).
-- Narrow on purpose (a row per shop message): the few messages with a hit take their other columns from
-- stg_cs_raw__messages in content_rule_hits.
-- Incremental: replaces the window's days.
-- depends_on: {{ ref('content_rule_char_variants') }}
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

messages as (
    select
        message_id,
        shop_id,
        activity_date,
        content
    from {{ ref('stg_cs_raw__messages') }}
    where
        -- rule 1.3.2: the shop's customer service is every shop account, sub-accounts and the shop's robot
        sender_role in ('merchant', 'robot')
        and {{ in_incremental_window() }}
),

folded as (
    select
        message_id,
        shop_id,
        activity_date,
        {{ cr_normalise_text(cr_scanned_text('content')) }} as content_norm
    from messages
),

compacted as (
    select
        message_id,
        shop_id,
        activity_date,
        content_norm,
        {{ cr_compact_text('content_norm') }} as content_compact
    from folded
),

final as (
    select
        message_id,
        shop_id,
        activity_date,
        content_norm,
        content_compact,
        {{ cr_numerals_to_digits('content_compact') }} as content_digits
    from compacted
)

select * from final
