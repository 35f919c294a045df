{#-
    Compile-time helpers: read the rule seeds while a model compiles (dbt compiles each node right before it
    runs, after its parents are built) and turn them into constant SQL. Constant regex literals matter for
    speed: DuckDB compiles a constant RE2 pattern once per query, a pattern taken from a column once per row.

    When a relation does not exist yet (first `dbt compile`, sqlfluff lint on an empty warehouse) the helpers
    fall back to something that is still correct: no prefilter guard (every message goes to the exact join),
    or no pattern rows (an empty, typed result).
-#}

{#- regex-escape a literal for RE2 -#}
{% macro cr_regex_escape(text) -%}
    {{ return(modules.re.escape(text | string)) }}
{%- endmacro %}


{#-
    Prefilter guard for the lexicon: a boolean SQL expression that is true when `text_column` contains at
    least one normalised term of `term_kind` (RE2 alternations of at most `chunk_size` terms, OR-ed: RE2 slows
    down sharply past ~600 alternatives). It only decides which messages go to the exact bigram join, so it
    may be loose but never strict. With more than var('content_rules_guard_max_terms') terms the guard costs
    more than it saves (each chunk is one more pass over every message) and `true` is returned: the bigram
    join alone is flat in lexicon size. Without a linear-time regex engine (cr_regex_is_linear: Spark) the
    guard is `true` too.
-#}
{% macro cr_term_guard(text_column, term_kind) -%}
    {%- set terms_relation = ref('int_content_rule_terms') -%}
    {%- set chunk_size = var('content_rules_guard_chunk_size', 400) | int -%}
    {%- set max_terms = var('content_rules_guard_max_terms', 3000) | int -%}
    {%- if not cr_relation_exists(terms_relation) or not cr_regex_is_linear() -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set rows = cr_query_rows(
        'select distinct term_normalised from ' ~ terms_relation
        ~ " where term_kind = '" ~ term_kind ~ "' and term_length >= 2 order by term_normalised"
    ) -%}
    {%- if rows | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- if rows | length > max_terms -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set alternatives = [] -%}
    {%- for row in rows -%}
        {%- do alternatives.append(cr_regex_escape(row[0])) -%}
    {%- endfor -%}
    {%- set checks = [] -%}
    {%- for chunk in alternatives | batch(chunk_size) -%}
        {%- do checks.append(cr_regexp_matches(text_column, cr_regex_literal(chunk | join('|')))) -%}
    {%- endfor -%}
    {{ return('(' ~ checks | join('\n        or ') ~ ')') }}
{%- endmacro %}


{#-
    The regex pattern seed as a list of dicts, for models that generate one constant-regex branch per
    pattern. Empty when the seed is not loaded yet.
-#}
{% macro cr_pattern_rows() -%}
    {%- set patterns_relation = ref('content_rule_patterns') -%}
    {%- set patterns = [] -%}
    {%- if not cr_relation_exists(patterns_relation) -%}
        {{ return(patterns) }}
    {%- endif -%}
    {%- set rows = cr_query_rows(
        'select pattern_id, target_text, guard_regex, pattern, capture_group, context_regex, exclude_regex from '
        ~ patterns_relation ~ ' order by pattern_id'
    ) -%}
    {%- for row in rows -%}
        {%- if row[1] not in ['norm', 'compact', 'digits'] -%}
            {{ exceptions.raise_compiler_error(
                'content_rule_patterns: target_text of ' ~ row[0] ~ ' must be norm, compact or digits, not ' ~ row[1]
            ) }}
        {%- endif -%}
        {%- do patterns.append({
            'pattern_id': row[0],
            'target_column': 'content_' ~ row[1],
            'guard_regex': row[2] or row[3],
            'pattern': row[3],
            'capture_group': (row[4] if row[4] is not none else 1) | int,
            'context_regex': row[5] or '',
            'exclude_regex': row[6] or '',
        }) -%}
    {%- endfor -%}
    {{ return(patterns) }}
{%- endmacro %}


{#-
    The combined prefilter of the pattern seed: each row's guard_regex, OR-ed into one regex per text form; a
    row with a context_regex joins as its own `guard and context` (both are needed for a match, and a guard
    that is common alone, such as a long number for bank cards, must not make every such message a candidate).
-#}
{% macro cr_pattern_guard(patterns) -%}
    {%- set guards = {'content_norm': [], 'content_compact': [], 'content_digits': []} -%}
    {%- set context_checks = [] -%}
    {%- for pattern in patterns -%}
        {%- if pattern.context_regex -%}
            {%- do context_checks.append(
                '(' ~ cr_regexp_matches(pattern.target_column, cr_regex_literal(pattern.guard_regex))
                ~ ' and ' ~ cr_regexp_matches(pattern.target_column, cr_regex_literal(pattern.context_regex)) ~ ')'
            ) -%}
        {%- else -%}
            {%- do guards[pattern.target_column].append(pattern.guard_regex) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set checks = [] -%}
    {%- for target_column, column_guards in guards.items() if column_guards | length > 0 -%}
        {%- do checks.append(cr_regexp_matches(
            target_column, cr_regex_literal('(?:' ~ column_guards | join(')|(?:') ~ ')')
        )) -%}
    {%- endfor -%}
    {%- set checks = checks + context_checks -%}
    {{ return(checks | join('\n        or ') if checks | length > 0 else 'false') }}
{%- endmacro %}


{#-
    The rule ids of `rules` (a list of dicts) as an inline relation with one column `id_column`, to cross join
    with the candidate messages: each candidate meets each rule once, and a CASE on the id picks the rule's
    constant regexes. One scan of the candidates for all rules (a UNION ALL of one branch per rule scans them
    once per rule on an engine that does not materialise a CTE read many times, such as Spark).
-#}
{% macro cr_rule_ids(rules, id_column) -%}
    {%- set rows = [] -%}
    {%- for rule in rules -%}
        {%- do rows.append('select ' ~ sql_literal(rule[id_column]) ~ ' as ' ~ id_column) -%}
    {%- endfor -%}
    {{ return('(\n        ' ~ rows | join('\n        union all\n        ') ~ '\n    )') }}
{%- endmacro %}


{#-
    Every capture of each pattern row's constant regex in its text form of `relation`, with its position,
    minus those whose preceding `exclude_window_chars` characters match the row's exclude_regex; a row's
    guard_regex (and context_regex) must match the text first. Columns: message_id, pattern_id, target_text,
    captured_text, char_position. One pass over `relation` (cr_rule_ids).
-#}
{% macro cr_pattern_matches(patterns, relation, exclude_window_chars=12) -%}
    {%- if patterns | length == 0 -%}
        {%- set empty -%}
    select
        message_id,
        cast(null as string) as pattern_id,
        cast(null as string) as target_text,
        cast(null as string) as captured_text,
        cast(null as bigint) as char_position
    from {{ relation }}
    where false
        {%- endset -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set prefix_text = 'substr(target_text, greatest(1, char_position - ' ~ exclude_window_chars ~ '), '
        ~ 'char_position - greatest(1, char_position - ' ~ exclude_window_chars ~ '))' -%}
    {%- set excluding = patterns | selectattr('exclude_regex') | list -%}
    {%- set matches -%}
    select
        message_id,
        pattern_id,
        target_text,
        captured_text,
        char_position
    from (
        select
            message_id,
            pattern_id,
            target_text,
            captured_text,
            instr(target_text, captured_text) as char_position
        from (
            select
                candidates.message_id,
                rules.pattern_id,
                case rules.pattern_id
                    {%- for pattern in patterns %}
                    when {{ sql_literal(pattern.pattern_id) }} then candidates.{{ pattern.target_column }}
                    {%- endfor %}
                end as target_text,
                {{ cr_explode(
                    'case rules.pattern_id' ~ cr_pattern_extract_branches(patterns, 'candidates') ~ '\n                end'
                ) }} as captured_text
            from {{ relation }} as candidates
            cross join {{ cr_rule_ids(patterns, 'pattern_id') }} as rules
        ) as extracted
        where captured_text <> ''
    ) as positioned
    {%- if excluding | length > 0 %}
    where not coalesce(
        case pattern_id
            {%- for pattern in excluding %}
            when {{ sql_literal(pattern.pattern_id) }}
                then {{ cr_regexp_matches(prefix_text, cr_regex_literal(pattern.exclude_regex)) }}
            {%- endfor %}
        end,
        false
    )
    {%- endif %}
    {%- endset -%}
    {{ return(matches) }}
{%- endmacro %}


{#- the WHEN branches of cr_pattern_matches: a pattern row's captures when its guard (and context) match -#}
{% macro cr_pattern_extract_branches(patterns, alias) -%}
    {%- set branches = [] -%}
    {%- for pattern in patterns -%}
        {%- set text = alias ~ '.' ~ pattern.target_column -%}
        {%- set condition = cr_regexp_matches(text, cr_regex_literal(pattern.guard_regex)) -%}
        {%- if pattern.context_regex -%}
            {%- set condition = condition ~ ' and ' ~ cr_regexp_matches(text, cr_regex_literal(pattern.context_regex)) -%}
        {%- endif -%}
        {%- do branches.append(
            '\n                    when ' ~ sql_literal(pattern.pattern_id) ~ ' then case when ' ~ condition ~ ' then '
            ~ cr_regexp_extract_all(text, cr_regex_literal(pattern.pattern), pattern.capture_group) ~ ' end'
        ) -%}
    {%- endfor -%}
    {{ return(branches | join('')) }}
{%- endmacro %}


{#-
    The slot-rule seed as a list of dicts, each with its constant RE2 `pattern`: the rule's slots in order,
    each an alternation of its normalised words (longest first), joined by a gap of at most max_gap_chars
    characters that stays inside one clause (no , ! ? ; :) unless gap_crosses_clause. RE2 runs in time linear
    in the text, so a rule's cost does not depend on how the words combine. Slot words come normalised from
    int_content_rule_terms (term_kind `slot`, rule_code = the slot's name). Empty while a seed is not loaded.
-#}
{% macro cr_slot_rule_rows() -%}
    {%- set rules_relation = ref('content_rule_slot_rules') -%}
    {%- set terms_relation = ref('int_content_rule_terms') -%}
    {%- set slot_rules = [] -%}
    {%- if not (cr_relation_exists(rules_relation) and cr_relation_exists(terms_relation)) -%}
        {{ return(slot_rules) }}
    {%- endif -%}
    {%- set word_rows = cr_query_rows(
        'select rule_code, term_normalised from ' ~ terms_relation
        ~ " where term_kind = 'slot' order by rule_code, length(term_normalised) desc, term_normalised"
    ) -%}
    {%- set words = {} -%}
    {%- for row in word_rows -%}
        {%- if row[0] not in words -%}
            {%- do words.update({row[0]: []}) -%}
        {%- endif -%}
        {%- do words[row[0]].append(cr_regex_escape(row[1])) -%}
    {%- endfor -%}
    {%- set rule_rows = cr_query_rows(
        'select slot_rule_id, first_slot, second_slot, third_slot, max_gap_chars, gap_crosses_clause from '
        ~ rules_relation ~ ' order by slot_rule_id'
    ) -%}
    {%- for row in rule_rows -%}
        {%- set slots = [row[1], row[2]] + ([row[3]] if row[3] else []) -%}
        {%- set gap_class = '.' if row[5] else '[^,!?;:]' -%}
        {%- set gap = gap_class ~ '{0,' ~ (row[4] | int) ~ '}' -%}
        {%- set parts = [] -%}
        {%- for slot in slots -%}
            {%- if slot not in words -%}
                {{ exceptions.raise_compiler_error(
                    'content_rule_slot_rules: slot ' ~ slot ~ ' of ' ~ row[0] ~ ' has no word in content_rule_slot_words'
                ) }}
            {%- endif -%}
            {%- do parts.append('(?:' ~ words[slot] | join('|') ~ ')') -%}
        {%- endfor -%}
        {%- do slot_rules.append({'slot_rule_id': row[0], 'pattern': parts | join(gap)}) -%}
    {%- endfor -%}
    {{ return(slot_rules) }}
{%- endmacro %}


{#-
    The slot rules' prefilter: the rules' regexes OR-ed, in chunks of at most `max_chars` characters of regex
    each (false when there is none). One alternation of every rule was ~20x slower past ~6,000 characters on
    DuckDB (RE2 runs out of DFA memory and falls back to its NFA: session 6, 34 rules, 174k demo messages:
    one regex 20-28 s, chunks of 3,000 characters 0.25 s); chunks keep each regex on the fast path, and the
    result is the same (a message is a candidate when some rule's regex matches it). Each chunk is one more
    pass over every merchant message, so the chunks are as large as stays safely fast: 10M export, 38 rules,
    the slot model alone: 1,500 characters (11 chunks) 6.4 s, 3,000 (5) 3.9 s, 5,000 (3) 2.2 s, 7,000 (2)
    1.6 s, 9,000 (2, one past the cliff) over 120 s.
-#}
{% macro cr_slot_guard(slot_rules, max_chars=5000) -%}
    {%- if slot_rules | length == 0 -%}
        {{ return('false') }}
    {%- endif -%}
    {%- set chunks = [[]] -%}
    {%- set sizes = [0] -%}
    {%- for slot_rule in slot_rules -%}
        {%- if chunks[-1] | length > 0 and sizes[-1] + slot_rule.pattern | length > max_chars -%}
            {%- do chunks.append([]) -%}
            {%- do sizes.append(0) -%}
        {%- endif -%}
        {%- do chunks[-1].append(slot_rule.pattern) -%}
        {%- do sizes.append(sizes.pop() + slot_rule.pattern | length) -%}
    {%- endfor -%}
    {%- set checks = [] -%}
    {%- for chunk in chunks -%}
        {%- do checks.append(cr_regexp_matches(
            'content_compact', cr_regex_literal('(?:' ~ chunk | join(')|(?:') ~ ')')
        )) -%}
    {%- endfor -%}
    {{ return('(' ~ checks | join('\n        or ') ~ ')') }}
{%- endmacro %}


{#-
    The first match of each slot rule's constant regex in content_compact of `relation`, with its position
    and the text it was found in. Columns: message_id, content_compact, slot_rule_id, matched_text,
    char_position. One pass over `relation` (cr_rule_ids).
-#}
{% macro cr_slot_matches(slot_rules, relation) -%}
    {%- if slot_rules | length == 0 -%}
        {%- set empty -%}
    select
        message_id,
        content_compact,
        cast(null as string) as slot_rule_id,
        cast(null as string) as matched_text,
        cast(null as bigint) as char_position
    from {{ relation }}
    where false
        {%- endset -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set matches -%}
    select
        message_id,
        content_compact,
        slot_rule_id,
        matched_text,
        instr(content_compact, matched_text) as char_position
    from (
        select
            candidates.message_id,
            candidates.content_compact,
            rules.slot_rule_id,
            case rules.slot_rule_id
                {%- for slot_rule in slot_rules %}
                when {{ sql_literal(slot_rule.slot_rule_id) }}
                    then {{ cr_regexp_extract('candidates.content_compact', cr_regex_literal(slot_rule.pattern), '0') }}
                {%- endfor %}
            end as matched_text
        from {{ relation }} as candidates
        cross join {{ cr_rule_ids(slot_rules, 'slot_rule_id') }} as rules
    ) as extracted
    where matched_text <> ''
    {%- endset -%}
    {{ return(matches) }}
{%- endmacro %}
