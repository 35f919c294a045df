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
