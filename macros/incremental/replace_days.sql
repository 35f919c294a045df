{#-
    The one incremental strategy of this project: replace whole days (docs/decisions.md
    "Incremental builds"). dbt_project.yml makes it every model's incremental_strategy; a model that
    grows with the messages is configured

        materialized='incremental', partition_column='<activity_date | incident_date | assessment_month>'
        (and partition_grain='month' for a month column)

    and filters its input once with in_incremental_window(). An incremental run then deletes every row
    of the target from the window's first day (or month) on, plus rows with no day at all (a rejected
    row whose time is unusable), and inserts the rows the model computed: exactly the rows a full
    build would hold for those days, including rows that the new data makes disappear.
    The engine-specific statement is dispatched (replace_days_sql); on DuckDB a delete and an insert
    in the model's transaction.
-#}
{% macro get_incremental_replace_days_sql(arg_dict) %}
    {% set column = config.get('partition_column') %}
    {% if not column %}
        {{ exceptions.raise_compiler_error(this ~ ': incremental_strategy replace_days needs config partition_column') }}
    {% endif %}
    {% set in_window = in_incremental_window(column) ~ ' or ' ~ column ~ ' is null' %}
    {#- a model that returns rows before the window would duplicate them: refuse -#}
    {% set outside = run_query(
        'select count(*) from ' ~ arg_dict['temp_relation'] ~ ' where not (' ~ in_window ~ ')'
    ).columns[0].values()[0] %}
    {% if outside > 0 %}
        {{ exceptions.raise_compiler_error(
            this ~ ' computed ' ~ outside ~ ' row(s) before the incremental window: filter its input with '
            ~ 'in_incremental_window() (docs/decisions.md "Incremental builds").'
        ) }}
    {% endif %}
    {{ return(adapter.dispatch('replace_days_sql', 'cs_rules')(
        arg_dict['target_relation'], arg_dict['temp_relation'], arg_dict['dest_columns'], in_window
    )) }}
{% endmacro %}

{% macro default__replace_days_sql(target_relation, temp_relation, dest_columns, in_window) %}
    {%- set columns = get_quoted_csv(dest_columns | map(attribute='name')) -%}
    delete from {{ target_relation }} where {{ in_window }};
    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}
