-- Messages longer than the content rules scan (var content_rules_max_scan_chars): the rules read only
-- their first characters, so work per message stays bounded whatever its length. Shop messages (2.3-2.9)
-- and user messages (stop requests, 2.5) are scanned; system messages are not.
-- Incremental: replaces the window's days.
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{%- set max_chars = var('content_rules_max_scan_chars') | int %}

with

messages as (
    select
        message_id,
        shop_id,
        sender_role,
        content,
        activity_date
    from {{ ref('stg_cs_raw__messages') }}
    where
        sender_role in ('merchant', 'robot', 'user')
        and {{ in_incremental_window() }}
),

final as (
    select
        message_id,
        shop_id,
        sender_role,
        activity_date,
        length(content) as content_length,
        {{ max_chars }} as scanned_char_count
    from messages
    where length(content) > {{ max_chars }}
)

select * from final
