{#-
    on-run-start hook: expose $CS_RAW_DIR/<entity>/*.parquet as views raw.<entity>, so that
    source('cs_raw', ...) is a real relation (dbt unit tests can mock it) and every model reads the
    files through one definition.

    - Extra columns in the files are ignored: the view selects the contract's columns only.
    - A file that lacks a required column stops the run at once with the file and column named.
    - A folder with no file yet gives an empty view of the contract's columns.
    - Files whose column types differ are unified by name (union_by_name); staging try-casts.
-#}
{% macro register_raw_sources() %}
    {{ return(adapter.dispatch('register_raw_sources', 'cs_rules')()) }}
{% endmacro %}

{#- DuckDB; Spark's is spark__register_raw_sources (macros/raw/spark_raw_sources.sql) -#}
{% macro duckdb__register_raw_sources() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set contract = raw_contract() %}
    {% do run_query('create schema if not exists raw') %}
    {% for entity, spec in contract.items() %}
        {% set file_glob = raw_dir() ~ '/' ~ spec.folder ~ '/*.parquet' %}
        {% set file_count = run_query('select count(*) from (' ~ list_raw_files(file_glob) ~ ') as files').columns[0].values()[0] %}
        {% if file_count == 0 %}
            {% do log('cs_rules: no file matches ' ~ file_glob ~ '; raw.' ~ entity ~ ' is empty', info=true) %}
            {% set select_list = [] %}
            {% for column_name, column_type in spec.columns.items() %}
                {% do select_list.append('cast(null as ' ~ column_type ~ ') as ' ~ column_name) %}
            {% endfor %}
            {% do select_list.append('cast(null as varchar) as _source_file') %}
            {% do select_list.append('cast(null as bigint) as _source_row_number') %}
            {% set view_sql = 'select ' ~ select_list | join(', ') ~ ' where false' %}
        {% else %}
            {{ assert_raw_columns_present(file_glob, spec.columns.keys() | list) }}
            {% set view_sql %}
                select
                    {% for column_name in spec.columns.keys() %}{{ column_name }}, {% endfor %}
                    _source_file,
                    file_row_number as _source_row_number
                from read_parquet(
                    {{ sql_literal(file_glob) }},
                    union_by_name = true,
                    filename = '_source_file',
                    file_row_number = true
                )
            {% endset %}
        {% endif %}
        {% do run_query('create or replace view raw.' ~ entity ~ ' as ' ~ view_sql) %}
        {% if entity == 'messages' %}
            {% do track_raw_message_files(file_glob, file_count) %}
        {% endif %}
    {% endfor %}
    {% do prepare_incremental_window() %}
    {{ return('') }}
{% endmacro %}


{% macro assert_raw_columns_present(file_glob, required_columns) %}
    {% set check_sql %}
        with
        files as (
            select file as file_name from glob({{ sql_literal(file_glob) }})
        ),

        required as (
            select unnest({{ required_columns | tojson | replace('"', "'") }}::varchar[]) as column_name
        ),

        present as (
            select distinct
                file_name,
                lower(name) as column_name
            from parquet_schema({{ sql_literal(file_glob) }})
        )

        select
            files.file_name,
            required.column_name
        from files
        cross join required
        anti join present
            on files.file_name = present.file_name
            and required.column_name = present.column_name
        order by 1, 2
        limit 20
    {% endset %}
    {% set missing = run_query(check_sql) %}
    {% if missing.rows | length > 0 %}
        {% set lines = [] %}
        {% for row in missing.rows %}
            {% do lines.append('  ' ~ row[0] ~ ': missing required column "' ~ row[1] ~ '"') %}
        {% endfor %}
        {{ exceptions.raise_compiler_error(
            'Raw export does not match the data contract (README "Raw data contract"):\n'
            ~ lines | join('\n')
        ) }}
    {% endif %}
{% endmacro %}
