{#-
    Threshold rule from the rule catalog (severity warn, failures stored): returns every row of
    `model` whose `metric_column` does not meet the version of `clause` in force in its month. With
    store_failures the returned rows are the list of non-compliant shop-months, a table BI can read.
    Rows whose metric is null (nothing to assess) or with no version in force are not returned.
-#}
{% test meets_rule_threshold(model, clause, metric_column, month_column='assessment_month', key_columns=['shop_id']) %}
    with

    rules as (
        select
            rule_version_id,
            comparator,
            threshold,
            violation_category_zh,
            effective_from,
            effective_to
        from {{ ref('rule_catalog') }}
        where clause = '{{ clause }}'
    ),

    judged as (
        select
            {% for key in key_columns %}assessed.{{ key }}, {% endfor %}
            assessed.{{ month_column }},
            '{{ clause }}' as clause,
            rules.rule_version_id,
            assessed.{{ metric_column }} as metric_value,
            rules.comparator,
            rules.threshold,
            rules.violation_category_zh,
            {{ passes_threshold('assessed.' ~ metric_column, 'rules.comparator', 'rules.threshold') }} as is_passed
        from {{ model }} as assessed
        inner join rules
            on {{ rule_in_force('rules', 'assessed.' ~ month_column) }}
    )

    select
        {% for key in key_columns %}{{ key }}, {% endfor %}
        {{ month_column }},
        clause,
        rule_version_id,
        metric_value,
        comparator,
        threshold,
        violation_category_zh
    from judged
    where not is_passed
{% endtest %}
