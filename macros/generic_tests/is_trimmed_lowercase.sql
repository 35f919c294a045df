{#- Fails on every value that changes under trim + lowercase (seed keys are matched in that form). -#}
{% test is_trimmed_lowercase(model, column_name) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} <> lower(trim({{ column_name }}))
{% endtest %}
