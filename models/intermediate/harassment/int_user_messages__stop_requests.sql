-- Users' messages asking the shop to stop contacting them (别再发了 / 不要再联系我 / stop messaging ...), from
-- the content_rule_stop_requests seed. Rule 2.5: a shop that keeps writing after such a request harasses.
-- Same normalisation and matching as the lexicon (guard, then bigram join confirmed in place).
-- depends_on: {{ ref('content_rule_char_variants') }}
-- depends_on: {{ ref('int_content_rule_terms') }}
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

with

user_messages as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        content,
        sent_at,
        sent_at_ms,
        activity_date
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role = 'user'
        and content is not null
        and {{ in_incremental_window() }}
),

folded as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sent_at,
        sent_at_ms,
        activity_date,
        {{ cr_normalise_text(cr_scanned_text('content')) }} as content_norm
    from user_messages
),

normalised as (
    select
        message_id,
        conversation_id,
        shop_id,
        user_id,
        sent_at,
        sent_at_ms,
        activity_date,
        {{ cr_compact_text('content_norm') }} as content_compact
    from folded
),

stop_terms as (
    select
        term,
        term_normalised,
        term_prefix,
        term_length
    from {{ ref('int_content_rule_terms') }}
    where term_kind = 'stop_request' and term_length >= 2
),

candidate_messages as (
    select
        message_id,
        content_compact
    from normalised
    where {{ cr_term_guard('content_compact', 'stop_request') }}
),

char_positions as (
    select
        message_id,
        content_compact,
        {{ cr_explode(cr_int_range('1', 'length(content_compact) - 1')) }} as char_position
    from candidate_messages
),

matches as (
    select
        char_positions.message_id,
        char_positions.char_position,
        stop_terms.term
    from char_positions
    inner join stop_terms
        on substr(char_positions.content_compact, char_positions.char_position, 2) = stop_terms.term_prefix
    where
        substr(char_positions.content_compact, char_positions.char_position, stop_terms.term_length)
        = stop_terms.term_normalised
),

matched_messages as (
    select
        message_id,
        {{ arg_min('term', ['char_position', '-length(term)', 'term']) }} as matched_text
    from matches
    group by message_id
),

final as (
    select
        normalised.message_id,
        normalised.conversation_id,
        normalised.shop_id,
        normalised.user_id,
        normalised.sent_at,
        normalised.sent_at_ms,
        normalised.activity_date,
        matched_messages.matched_text
    from normalised
    inner join matched_messages
        on normalised.message_id = matched_messages.message_id
)

select * from final
