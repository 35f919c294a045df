{#-
    Nothing disappears: the rows of `model` (a raw source) equal the sum of the rows of `parts`
    (kept + rejected + duplicates). Returns one row, with the counts, when they do not add up.
-#}
{% test rows_reconcile(model, parts) %}
    with
    counts as (
        select
            (select count(*) from {{ model }}) as raw_row_count
            {% for part in parts %}
                , (select count(*) from {{ part }}) as part_{{ loop.index }}_row_count
            {% endfor %}
    )

    select
        *,
        {% for part in parts %}part_{{ loop.index }}_row_count{% if not loop.last %} + {% endif %}{% endfor %}
            as parts_row_count
    from counts
    where raw_row_count <> ({% for part in parts %}part_{{ loop.index }}_row_count{% if not loop.last %} + {% endif %}{% endfor %})
{% endtest %}
