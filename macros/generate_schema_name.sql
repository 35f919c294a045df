{#- Custom schemas are used as named (staging, intermediate, reference, ...), not prefixed with the
    target schema: BI tools and analysts read `main.shop_monthly_assessment`, `staging.stg_...`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
