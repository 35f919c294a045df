{#-
    replace_days on Spark (docs/decisions.md "Incremental builds"). Plain Parquet tables have no DELETE
    or MERGE, so a model's table is partitioned by its partition_column and an incremental run replaces
    whole partitions: every partition from the window's first day (or month) on, and the null partition
    (rows with no usable day), is dropped, then the rows the model computed are inserted with a dynamic
    `insert overwrite`. A day that lost all its rows goes too, which dynamic overwrite alone would keep.

    dbt-spark's incremental materialization accepts only its own strategy names; the two macros below
    are the one place that teaches it replace_days (root-project macros take precedence over the
    adapter's of the same name). Everything else is dbt-spark's materialization, unchanged.
-#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {% if raw_strategy == 'replace_days' %}
        {% if file_format not in ['parquet', 'orc', 'csv', 'json', 'text', 'hive'] and file_format is not none %}
            {{ exceptions.raise_compiler_error(
                'replace_days on Spark replaces partitions of file-format tables, not ' ~ file_format
            ) }}
        {% endif %}
        {% do return(raw_strategy) %}
    {% endif %}
    {% do return(dbt.dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format)) %}
{% endmacro %}

{% macro dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates) %}
    {% if strategy == 'replace_days' %}
        {{ return(get_incremental_replace_days_sql({
            'target_relation': target,
            'temp_relation': source,
            'dest_columns': adapter.get_columns_in_relation(target),
            'unique_key': unique_key,
            'incremental_predicates': incremental_predicates,
        })) }}
    {% endif %}
    {{ return(dbt.dbt_spark_get_incremental_sql(strategy, source, target, existing, unique_key, incremental_predicates)) }}
{% endmacro %}

{#- A replace_days model's table is partitioned by its partition_column (unless it sets partition_by). -#}
{% macro spark__partition_cols(label, required=false) %}
    {%- set cols = config.get('partition_by', validator=validation.any[list, basestring]) -%}
    {%- if cols is none and config.get('materialized') == 'incremental' -%}
        {%- set cols = config.get('partition_column') -%}
    {%- endif -%}
    {%- if cols is not none %}
        {%- if cols is string -%}
            {%- set cols = [cols] -%}
        {%- endif -%}
        {{ label }} ({{ cols | join(', ') }})
    {%- endif %}
{%- endmacro %}

{% macro spark__replace_days_sql(target_relation, temp_relation, dest_columns, in_window) %}
    {%- set column = config.get('partition_column') -%}
    {#- drop the target's partitions in the window (and the null one): a day with no new row goes too -#}
    {% set partitions = run_query('show partitions ' ~ target_relation) %}
    {% set values = [] %}
    {% for row in partitions.rows %}
        {% for part in row[0].split('/') %}
            {% set kv = part.split('=', 1) %}
            {% if kv[0] | lower == column | lower %}
                {% do values.append(kv[1]) %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% if values | length > 0 %}
        {% set values_sql = [] %}
        {% for value in values %}
            {% do values_sql.append("(" ~ (sql_literal(value) if value != '__HIVE_DEFAULT_PARTITION__' else 'null') ~ ")") %}
        {% endfor %}
        {% set doomed = run_query(
            'select cast(v as string) from (values ' ~ values_sql | join(', ') ~ ') as t(v) '
            ~ 'where ' ~ in_window | replace(column, 'cast(v as date)')
        ).columns[0].values() %}
        {% set specs = [] %}
        {% for value in doomed %}
            {% do specs.append('partition (' ~ column ~ ' = ' ~ (sql_literal(value) if value is not none else "'__HIVE_DEFAULT_PARTITION__'") ~ ')') %}
        {% endfor %}
        {% if specs | length > 0 %}
            {% do run_query('alter table ' ~ target_relation ~ ' drop if exists ' ~ specs | join(', ')) %}
        {% endif %}
    {% endif %}
    {%- set columns = dest_columns | map(attribute='name') | join(', ') -%}
    insert overwrite table {{ target_relation }} {{ partition_cols(label='partition') }}
    select {{ columns }} from {{ temp_relation }}
{% endmacro %}
