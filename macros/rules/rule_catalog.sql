{#- Reading the rule catalog (seeds/rule_catalog.csv), the same way in models and tests. -#}

{#- whether `value` passes `threshold` under the catalog's `comparator`; null when value is null -#}
{% macro passes_threshold(value, comparator, threshold) -%}
    case {{ comparator }}
        when '>=' then {{ value }} >= {{ threshold }}
        when '>' then {{ value }} > {{ threshold }}
        when '<=' then {{ value }} <= {{ threshold }}
        when '<' then {{ value }} < {{ threshold }}
        when '=' then {{ value }} = {{ threshold }}
    end
{%- endmacro %}

{#- join condition: the catalog row `rule` is in force on the date `on_date` (5.1) -#}
{% macro rule_in_force(rule, on_date) -%}
    {{ on_date }} >= {{ rule }}.effective_from
    and ({{ rule }}.effective_to is null or {{ on_date }} < {{ rule }}.effective_to)
{%- endmacro %}

{#-
    The catalog's metrics, read at compile time (empty while parsing), for the columns the assessment
    pivots into: one dict per metric {metric, clause, is_count, assessment_column}, rules with their own
    verdict columns first, then by clause. A count metric (no_evidence_value set) is a whole number.
-#}
{% macro rule_catalog_metrics() %}
    {% if not execute %}
        {{ return([]) }}
    {% endif %}
    {#- the seed's table itself (a unit test replaces ref('rule_catalog') by its fixture) -#}
    {% set seed = (graph.get('nodes') or {}).get('seed.cs_rules.rule_catalog') %}
    {% set catalog = adapter.get_relation(
        database=seed.database if seed else target.database,
        schema=seed.schema if seed else generate_schema_name('reference', none),
        identifier=seed.alias if seed else 'rule_catalog',
    ) %}
    {#- none yet, or a table seeded by an older version (dbt build seeds it again before any model) -#}
    {% if catalog is none
        or 'no_evidence_value' not in adapter.get_columns_in_relation(catalog) | map(attribute='name') | list %}
        {{ return([]) }}
    {% endif %}
    {% set rows = run_query(
        'select metric, min(clause), max(no_evidence_value) is not null, '
        ~ "coalesce(max(assessment_column), '') from " ~ catalog
        ~ " group by metric order by coalesce(max(assessment_column), '') = '', min(clause)"
    ).rows %}
    {% set metrics = [] %}
    {% for row in rows %}
        {% if not modules.re.match('^[a-z][a-z0-9_]*$', row[0]) %}
            {{ exceptions.raise_compiler_error('rule_catalog: metric ' ~ row[0] ~ ' is not a column name') }}
        {% endif %}
        {% do metrics.append({'metric': row[0], 'clause': row[1], 'is_count': row[2], 'assessment_column': row[3]}) %}
    {% endfor %}
    {{ return(metrics) }}
{% endmacro %}


{#-
    How many further successes (timely replies, satisfied ratings), each adding one to the numerator and
    the denominator, bring successes / total to a `>=` threshold t now: the least whole x >= 0 with
    (successes + x) / (total + x) >= t, i.e. ceil((t * total - successes) / (1 - t)). 0 when already there
    or nothing is assessed; null when it cannot be reached that way (t >= 1 and a miss exists) or the
    comparator is not `>=`. `tolerance` absorbs the binary rounding of t (0.8 * 5 = 4.000000000000001).
-#}
{% macro further_successes_needed(successes, total, comparator, threshold, tolerance) -%}
    case
        when {{ comparator }} <> '>=' or {{ threshold }} is null then null
        when {{ total }} = 0 or {{ successes }} >= {{ threshold }} * {{ total }} - {{ tolerance }} then cast(0 as bigint)
        when {{ threshold }} >= 1 then null
        else cast(greatest(
            ceil(({{ threshold }} * {{ total }} - {{ successes }}) / (1 - {{ threshold }}) - {{ tolerance }}), 0
        ) as bigint)
    end
{%- endmacro %}
