{#-
    Raw registration on Spark: the same contract and behaviour as duckdb__register_raw_sources
    (macros/raw/register_raw_sources.sql), with Spark's means.

    - Files are listed with the binaryFile source (content is never read); a file is recorded as
      `$CS_RAW_DIR/<folder>/<file name>`, the same string DuckDB records, not Spark's `file:` URI.
    - raw.<entity> is a view over `parquet.<folder>/*.parquet` selecting the contract's columns (extra
      columns are ignored; columns are matched by name), with _source_file and
      _source_row_number (0-based, as DuckDB's file_row_number) from the hidden _metadata column.
    - A file that lacks a required column stops the run naming the file and the column (each file's
      own schema is read: a merged schema would hide it).
    - An empty folder gives an empty view of the contract's types.
-#}
{% macro spark__register_raw_sources() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% do validate_vars() %}
    {% set contract = raw_contract() %}
    {% do run_query('create schema if not exists raw') %}
    {% do prepare_raw_file_loads() %}
    {% set newest_file_ms = [0] %}
    {% for entity, spec in contract.items() %}
        {% set folder = raw_dir() ~ '/' ~ spec.folder %}
        {% set file_glob = folder ~ '/*.parquet' %}
        {% set listed = run_query(list_raw_files(file_glob) ~ ' order by file_name') %}
        {% set files = listed.columns[0].values() %}
        {% for row in listed.rows %}
            {% if row[2] | int > newest_file_ms[0] %}
                {% do newest_file_ms.pop() %}
                {% do newest_file_ms.append(row[2] | int) %}
            {% endif %}
        {% endfor %}
        {% if files | length == 0 and entity == 'messages' and flags.WHICH in ['build', 'run'] %}
            {{ exceptions.raise_compiler_error(
                'No message file under CS_RAW_DIR: ' ~ file_glob ~ ' matches nothing. Set CS_RAW_DIR to '
                ~ 'the export folder (it holds messages/ and ratings/). Refusing to build an empty warehouse.'
            ) }}
        {% endif %}
        {% if files | length == 0 %}
            {% do log('cs_rules: no file matches ' ~ file_glob ~ '; raw.' ~ entity ~ ' is empty', info=true) %}
            {% set select_list = [] %}
            {% for column_name, column_type in spec.columns.items() %}
                {% do select_list.append('cast(null as ' ~ column_type ~ ') as ' ~ column_name) %}
            {% endfor %}
            {% do select_list.append('cast(null as string) as _source_file') %}
            {% do select_list.append('cast(null as bigint) as _source_row_number') %}
            {% set view_sql = 'select ' ~ select_list | join(', ') ~ ' where false' %}
        {% else %}
            {{ spark_assert_raw_columns_present(files, spec.columns.keys() | list) }}
            {% set view_sql %}
                select
                    {% for column_name in spec.columns.keys() %}{{ column_name }}, {% endfor %}
                    {{ spark_recorded_file_name(folder, '_metadata.file_path') }} as _source_file,
                    _metadata.row_index as _source_row_number
                from parquet.`{{ file_glob }}`
            {% endset %}
        {% endif %}
        {% do run_query('create or replace view raw.' ~ entity ~ ' as ' ~ view_sql) %}
    {% endfor %}
    {#- per-file type checks and quarantine are DuckDB-only so far: on Spark a bad file stops the run -#}
    {% do record_file_problems([]) %}
    {% do record_export_horizon(newest_file_ms[0]) %}
    {% do track_raw_message_files(raw_dir() ~ '/messages/*.parquet', []) %}
    {% do prepare_incremental_window() %}
    {{ return('') }}
{% endmacro %}


{#- the path DuckDB records for a file Spark names by URI: the raw folder as configured + the file name -#}
{% macro spark_recorded_file_name(folder, uri_column) -%}
    concat({{ sql_literal(folder ~ '/') }}, url_decode(regexp_extract({{ uri_column }}, '[^/]*$', 0)))
{%- endmacro %}


{% macro spark__list_raw_files(file_glob) %}
    {% set folder, pattern = file_glob.rsplit('/', 1) %}
    select
        {{ spark_recorded_file_name(folder, 'path') }} as file_name,
        length as file_size,
        unix_millis(modificationTime) as file_modified_at_ms
    from binaryFile.`{{ folder }}`
    where path like {{ sql_literal('%' ~ pattern.replace('*', '')) }}
{% endmacro %}


{% macro spark_assert_raw_columns_present(files, required_columns) %}
    {% set lines = [] %}
    {% for file_name in files %}
        {% set present = run_query('select * from parquet.`' ~ file_name ~ '` limit 0').column_names | map('lower') | list %}
        {% for column_name in required_columns %}
            {% if column_name not in present and lines | length < 20 %}
                {% do lines.append('  ' ~ file_name ~ ': missing required column "' ~ column_name ~ '"') %}
            {% endif %}
        {% endfor %}
    {% endfor %}
    {% if lines | length > 0 %}
        {{ exceptions.raise_compiler_error(
            'Raw export does not match the data contract (README "Raw data contract"):\n'
            ~ lines | join('\n')
        ) }}
    {% endif %}
{% endmacro %}
