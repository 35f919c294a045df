{#-
    Statements the hooks run on their bookkeeping tables, one per engine. Spark's plain Parquet
    tables have no CREATE OR REPLACE (v1 sources), DELETE or UPDATE: a table is rebuilt instead.
-#}

{#- (re)create `relation` (schema.name) from a query -#}
{% macro create_or_replace_table(relation, select_sql) %}
    {{ return(adapter.dispatch('create_or_replace_table', 'cs_rules')(relation, select_sql)) }}
{% endmacro %}

{% macro default__create_or_replace_table(relation, select_sql) %}
    {% do run_query('create or replace table ' ~ relation ~ ' as ' ~ select_sql) %}
{% endmacro %}

{% macro spark__create_or_replace_table(relation, select_sql) %}
    {#- the query may read the table it replaces: materialise it first -#}
    {% do run_query('drop table if exists ' ~ relation ~ '__next') %}
    {% do run_query('create table ' ~ relation ~ '__next using parquet as ' ~ select_sql) %}
    {% do run_query('drop table if exists ' ~ relation) %}
    {% do run_query('alter table ' ~ relation ~ '__next rename to ' ~ relation) %}
{% endmacro %}


{#- delete the rows of `relation` where `condition` holds (a null condition keeps the row, as DELETE does) -#}
{% macro delete_rows(relation, condition) %}
    {{ return(adapter.dispatch('delete_rows', 'cs_rules')(relation, condition)) }}
{% endmacro %}

{% macro default__delete_rows(relation, condition) %}
    {% do run_query('delete from ' ~ relation ~ ' where ' ~ condition) %}
{% endmacro %}

{% macro spark__delete_rows(relation, condition) %}
    {% do create_or_replace_table(relation, 'select * from ' ~ relation ~ ' where not coalesce((' ~ condition ~ '), false)') %}
{% endmacro %}
