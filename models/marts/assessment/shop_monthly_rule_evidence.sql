-- Every rule module's evidence per shop, platform-local month and clause, in one shape: the metric a
-- rule of the catalog is judged on, with its numerator and denominator (docs/decisions.md "Rule
-- modules"). The modules are listed in var rule_evidence_models: a new clause is a new module
-- ending in a `*_rule_evidence` model, its name there, and rows in seeds/rule_catalog.csv.
with

{% for model_name in var('rule_evidence_models') %}
    {{ model_name }} as (
        select
            shop_id,
            assessment_month,
            clause,
            metric,
            numerator_count,
            denominator_count,
            metric_value
        from {{ ref(model_name) }}
    ),
{% endfor %}

evidence as (
    {% for model_name in var('rule_evidence_models') %}
        select
            shop_id,
            assessment_month,
            clause,
            metric,
            cast(numerator_count as bigint) as numerator_count,
            cast(denominator_count as bigint) as denominator_count,
            cast(metric_value as double) as metric_value
        from {{ model_name }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        shop_id,
        assessment_month,
        clause,
        metric,
        numerator_count,
        denominator_count,
        metric_value
    from evidence
)

select * from final
