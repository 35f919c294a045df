{#-
    Integrity (severity error): `passed_column` is exactly what the rule catalog's version of `clause`
    in force in the row's month says of `metric_column`, and null when the metric is null or no
    version is in force.
-#}
{% test passed_flag_agrees_with_rule(model, clause, metric_column, passed_column, month_column='assessment_month') %}
    with

    rules as (
        select
            comparator,
            threshold,
            effective_from,
            effective_to
        from {{ ref('rule_catalog') }}
        where clause = '{{ clause }}'
    ),

    expected as (
        select
            assessed.*,
            {{ passes_threshold('assessed.' ~ metric_column, 'rules.comparator', 'rules.threshold') }}
                as expected_passed
        from {{ model }} as assessed
        left join rules
            on {{ rule_in_force('rules', 'assessed.' ~ month_column) }}
    )

    select *
    from expected
    where {{ passed_column }} is distinct from expected_passed
{% endtest %}
