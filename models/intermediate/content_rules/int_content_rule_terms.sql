-- Every string matched by exact lookup, normalised with the same macros as the messages: lexicon terms
-- (rules 2.3-2.9), allowlisted harmless phrases (垃圾分类 shields 垃圾), negation cues (这不是高仿), users'
-- stop requests (rule 2.5) and the words of the slot rules' slots (term_kind slot, rule_code = the slot).
-- One row per term_kind / normalised term / clause / rule_code.
-- depends_on: {{ ref('content_rule_char_variants') }}

with

lexicon as (
    select
        term,
        clause,
        rule_code,
        is_negatable
    from {{ ref('content_rule_lexicon') }}
),

allowlist as (
    select entry
    from {{ ref('content_rule_allowlist') }}
    where entry_type = 'phrase'
),

stop_requests as (
    select term
    from {{ ref('content_rule_stop_requests') }}
),

slot_words as (
    select
        slot,
        word
    from {{ ref('content_rule_slot_words') }}
),

negation_cues as (
    select
        cue,
        position,
        clause
    from {{ ref('content_rule_negations') }}
),

all_terms as (
    select
        'lexicon' as term_kind,
        term,
        clause,
        rule_code,
        is_negatable
    from lexicon

    union all

    select
        'allowlist' as term_kind,
        entry as term,
        null as clause,
        null as rule_code,
        false as is_negatable
    from allowlist

    union all

    select
        'stop_request' as term_kind,
        term,
        '2.5' as clause,
        'stop_request' as rule_code,
        false as is_negatable
    from stop_requests

    union all

    select
        'negation_' || position as term_kind,
        cue as term,
        clause,
        null as rule_code,
        false as is_negatable
    from negation_cues

    union all

    select
        'slot' as term_kind,
        word as term,
        null as clause,
        slot as rule_code,
        false as is_negatable
    from slot_words
),

folded as (
    select
        term_kind,
        term,
        clause,
        rule_code,
        is_negatable,
        {{ cr_normalise_text('term') }} as term_norm
    from all_terms
),

normalised as (
    select
        term_kind,
        term,
        clause,
        rule_code,
        is_negatable,
        {{ cr_compact_text('term_norm') }} as term_normalised
    from folded
),

-- two spellings that normalise alike (貨/货) are one term
deduplicated as (
    select
        term_kind,
        term_normalised,
        clause,
        rule_code,
        min(term) as term,
        bool_or(is_negatable) as is_negatable
    from normalised
    where term_normalised <> ''
    group by term_kind, term_normalised, clause, rule_code
),

final as (
    select
        {{ cr_hash_key(['term_kind', 'term_normalised', 'clause', 'rule_code']) }} as term_id,
        term_kind,
        term,
        term_normalised,
        clause,
        rule_code,
        is_negatable,
        substr(term_normalised, 1, 2) as term_prefix,
        length(term_normalised) as term_length,
        {{ cr_regexp_matches('term_normalised', "'^[a-z0-9]'") }} as is_latin_start,
        {{ cr_regexp_matches('term_normalised', "'[a-z0-9]$'") }} as is_latin_end
    from deduplicated
)

select * from final
