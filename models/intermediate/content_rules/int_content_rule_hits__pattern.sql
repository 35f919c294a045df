-- Pattern hits: one row per message / clause / rule_code where a regex of the content_rule_patterns seed
-- matches (links and domains, e-mail, phone / QQ / WeChat ids, Luhn-valid bank cards, QR codes offered,
-- store addresses, other platforms as a place to buy, posing as the platform) and its post-checks pass.
--
-- Each seed row becomes one CASE branch with constant regexes, generated at compile time, over one pass of
-- the candidates (each meets every row once). A combined guard (the seed's guard_regex per text form) lets
-- only a small share of messages be candidates.
-- Incremental: replaces the window's days.
-- depends_on: {{ ref('content_rule_patterns') }}
{{ config(
    materialized='incremental',
    partition_column='activity_date',
) }}

{%- set patterns = cr_pattern_rows() %}

with

messages as (
    select
        message_id,
        activity_date,
        content_norm,
        content_compact,
        content_digits
    from {{ ref('int_merchant_messages__normalised') }}
    where
        content_compact <> ''
        and {{ in_incremental_window() }}
),

pattern_rules as (
    select
        pattern_id,
        clause,
        rule_code,
        post_check,
        is_negatable
    from {{ ref('content_rule_patterns') }}
),

allowlisted_domains as (
    select lower(trim(entry)) as allowed_domain
    from {{ ref('content_rule_allowlist') }}
    where entry_type = 'domain'
),

candidate_messages as (
    select
        message_id,
        content_norm,
        content_compact,
        content_digits
    from messages
    where {{ cr_pattern_guard(patterns) }}
),

-- every pattern row's captures (constant regexes, generated from the seed at compile time), in one pass
all_matches as (
    {{ cr_pattern_matches(patterns, 'candidate_messages') }}
),

classified_matches as (
    select
        all_matches.message_id,
        all_matches.pattern_id,
        all_matches.captured_text,
        all_matches.char_position,
        pattern_rules.clause,
        pattern_rules.rule_code,
        pattern_rules.post_check,
        pattern_rules.is_negatable,
        -- host of a link / e-mail with the dot and at disguises undone (abc点com -> abc.com)
        case
            when pattern_rules.post_check = 'domain_allowlist'
                then {{ cr_regexp_extract(
                    cr_regexp_replace_all(
                        'all_matches.captured_text',
                        cr_regex_literal('\\s*(?:\\.|点|dot|\\(dot\\)|\\[dot\\])\\s*'),
                        "'.'"
                    ),
                    cr_regex_literal('(?:^|@|\\(at\\)|\\[at\\]|\\sat\\s|艾特)\\s*([^@\\s]*)$'),
                    '1'
                ) }}
        end as captured_host,
        {{ cr_clause_before('all_matches.target_text', 'all_matches.char_position', ',!?;:.') }} as clause_before,
        {{ cr_clause_after(
            'all_matches.target_text', 'all_matches.char_position + length(all_matches.captured_text)', ',!?;:.'
        ) }} as clause_after
    from all_matches
    inner join pattern_rules
        on all_matches.pattern_id = pattern_rules.pattern_id
),

checked_matches as (
    select
        message_id,
        pattern_id,
        captured_text,
        char_position,
        clause,
        rule_code,
        case
            when post_check = 'luhn'
                then {{ cr_is_luhn_valid('captured_text') }}
            when post_check = 'domain_allowlist'
                then not exists (
                    select 1
                    from allowlisted_domains
                    where
                        classified_matches.captured_host = allowlisted_domains.allowed_domain
                        or {{ text_ends_with(
                            'classified_matches.captured_host', "'.' || allowlisted_domains.allowed_domain"
                        ) }}
                )
            else true
        end as has_passed_post_check,
        is_negatable and {{ cr_is_negated('classified_matches') }} as is_negated
    from classified_matches
),

message_hits as (
    select
        message_id,
        clause,
        rule_code,
        'pattern' as detector,
        {{ arg_min('captured_text', ['char_position', '-length(captured_text)', 'captured_text']) }} as matched_text,
        count(*) as match_count
    from checked_matches
    where has_passed_post_check and not is_negated
    group by message_id, clause, rule_code
),

final as (
    select
        message_hits.message_id,
        messages.activity_date,
        message_hits.clause,
        message_hits.rule_code,
        message_hits.detector,
        message_hits.matched_text,
        message_hits.match_count
    from message_hits
    inner join messages
        on message_hits.message_id = messages.message_id
)

select * from final
