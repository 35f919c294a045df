{#-
    Daily counts summed over each month equal the monthly model's counts, key by key. Returns the
    (key, month) rows where any count differs, or exists on one side only.
-#}
{% test daily_counts_add_up(model, monthly_model, date_column, month_column, key_columns, count_columns) %}
    with

    daily as (
        select
            {% for key in key_columns %}{{ key }}, {% endfor %}
            {{ month_start(date_column) }} as month_value,
            {% for column in count_columns %}
                sum({{ column }}) as {{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ model }}
        group by {% for key in key_columns %}{{ key }}, {% endfor %}{{ month_start(date_column) }}
    ),

    monthly as (
        select
            {% for key in key_columns %}{{ key }}, {% endfor %}
            {{ month_column }} as month_value,
            {% for column in count_columns %}
                {{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from {{ monthly_model }}
    )

    select
        {% for key in key_columns %}coalesce(daily.{{ key }}, monthly.{{ key }}) as {{ key }}, {% endfor %}
        coalesce(daily.month_value, monthly.month_value) as month_value
    from daily
    full outer join monthly
        on {% for key in key_columns %}daily.{{ key }} = monthly.{{ key }} and {% endfor %}daily.month_value = monthly.month_value
    where daily.month_value is null
        or monthly.month_value is null
        {% for column in count_columns %}
            or daily.{{ column }} is distinct from monthly.{{ column }}
        {% endfor %}
{% endtest %}
