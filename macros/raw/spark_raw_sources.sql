{#-
    Raw registration on Spark: the same contract and behaviour as duckdb__register_raw_sources
    (macros/raw/register_raw_sources.sql), with Spark's means.

    - Files are listed with the binaryFile source (content is never read); a file is recorded as
      `$CS_RAW_DIR/<folder>/<file name>`, the same string DuckDB records, not Spark's `file:` URI.
    - raw.<entity> is a view over `parquet.<folder>/*.parquet` selecting the contract's columns (extra
      columns are ignored; columns are matched by name), with _source_file and
      _source_row_number (0-based, as DuckDB's file_row_number) from the hidden _metadata column.
    - Each file not loaded before is checked on its own (spark__raw_file_problems, below): not Parquet,
      a missing required column (each file's own schema is read: a merged schema would hide it) or a
      column whose type cannot become the contract's exactly. var on_unreadable_file: `stop` stops the
      run listing every problem, `quarantine` leaves the file out of the view (the folder's other files
      are named in a glob), lists it in audit.rejected_files and checks it again next run, as on DuckDB.
    - An empty folder, or one whose files are all quarantined, gives an empty view of the contract's types.
-#}
{% macro spark__register_raw_sources() %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% do validate_vars() %}
    {% set contract = raw_contract() %}
    {% do run_query('create schema if not exists raw') %}
    {% do prepare_raw_file_loads() %}
    {% set all_problems = [] %}
    {% set newest_file_ms = [0] %}
    {% for entity, spec in contract.items() %}
        {% set folder = raw_dir() ~ '/' ~ spec.folder %}
        {% set file_glob = folder ~ '/*.parquet' %}
        {% set listed = run_query(list_raw_files(file_glob) ~ ' order by file_name') %}
        {% for row in listed.rows %}
            {% if row[2] | int > newest_file_ms[0] %}
                {% do newest_file_ms.pop() %}
                {% do newest_file_ms.append(row[2] | int) %}
            {% endif %}
        {% endfor %}
        {% if listed.rows | length == 0 and entity == 'messages' and flags.WHICH in ['build', 'run'] %}
            {{ exceptions.raise_compiler_error(
                'No message file under CS_RAW_DIR: ' ~ file_glob ~ ' matches nothing. Set CS_RAW_DIR to '
                ~ 'the export folder (it holds messages/ and ratings/). Refusing to build an empty warehouse.'
            ) }}
        {% endif %}
        {% if listed.rows | length == 0 %}
            {% do log('cs_rules: no file matches ' ~ file_glob ~ '; raw.' ~ entity ~ ' is empty', info=true) %}
        {% endif %}
        {#- as on DuckDB: files loaded before unchanged were checked then; ratings are checked each run -#}
        {% set loaded = run_query(
            "select file_name, file_size, file_modified_at_ms from audit.raw_file_loads where entity = "
            ~ sql_literal(entity)
        ).rows | map('join', '|') | list %}
        {% set candidates = [] %}
        {% for row in listed.rows %}
            {% if (row[0] ~ '|' ~ row[1] ~ '|' ~ row[2]) not in loaded %}
                {% do candidates.append(row) %}
            {% endif %}
        {% endfor %}
        {% set problems = raw_file_problems(candidates, spec.columns) %}
        {% set problem_files = problems | map(attribute='file_name') | list %}
        {% for problem in problems %}
            {% do problem.update({'entity': entity}) %}
            {% do all_problems.append(problem) %}
        {% endfor %}
        {% set usable = [] %}
        {% for row in listed.rows if row[0] not in problem_files %}
            {% do usable.append(row[0]) %}
        {% endfor %}
        {% if usable | length == 0 %}
            {% set select_list = [] %}
            {% for column_name, column_type in spec.columns.items() %}
                {% do select_list.append('cast(null as ' ~ column_type ~ ') as ' ~ column_name) %}
            {% endfor %}
            {% do select_list.append('cast(null as string) as _source_file') %}
            {% do select_list.append('cast(null as bigint) as _source_row_number') %}
            {% set view_sql = 'select ' ~ select_list | join(', ') ~ ' where false' %}
        {% else %}
            {% set view_sql %}
                select
                    {% for column_name in spec.columns.keys() %}{{ column_name }}, {% endfor %}
                    {{ spark_recorded_file_name(folder, '_metadata.file_path') }} as _source_file,
                    _metadata.row_index as _source_row_number
                from parquet.`{{ spark_files_glob(folder, usable, listed.rows | length) }}`
            {% endset %}
        {% endif %}
        {% do run_query('create or replace view raw.' ~ entity ~ ' as ' ~ view_sql) %}
    {% endfor %}
    {% do record_file_problems(all_problems) %}
    {% do record_export_horizon(newest_file_ms[0]) %}
    {% do track_raw_message_files(raw_dir() ~ '/messages/*.parquet', all_problems) %}
    {% do prepare_incremental_window() %}
    {{ return('') }}
{% endmacro %}


{#-
    A Hadoop glob naming `files` (recorded names, all in `folder`): `folder/*.parquet` when they are all
    the folder's files, else `folder/{a.parquet,b.parquet}` with the glob's special characters escaped.
-#}
{% macro spark_files_glob(folder, files, files_in_folder) %}
    {% if files | length == files_in_folder %}
        {{ return(folder ~ '/*.parquet') }}
    {% endif %}
    {% set names = [] %}
    {% for file_name in files %}
        {% do names.append(file_name[folder | length + 1:] | replace('\\', '\\\\') | replace('{', '\\{')
            | replace('}', '\\}') | replace('[', '\\[') | replace(']', '\\]') | replace('*', '\\*')
            | replace('?', '\\?') | replace(',', '\\,')) %}
    {% endfor %}
    {{ return(folder ~ '/{' ~ names | join(',') ~ '}') }}
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


{#-
    The problems of `files` (rows of file_name, file_size, file_modified_at_ms), each file checked on its
    own, as duckdb__raw_file_problems does:

    - not a Parquet file: fewer than 12 bytes, or no `PAR1` magic at the start and the end (read with the
      binaryFile source, only the files to check). A zero-byte file is the exception: Spark's file
      sources skip empty files, so it is neither listed nor read (it holds no rows; nothing is lost),
      where DuckDB names it as not Parquet;
    - every contract column present in the file's own schema (DESCRIBE QUERY over that file alone: a
      merged schema would hide a missing column), and of a type that becomes the contract type exactly.
      Spark names the file's types after reading its footer: integers (tinyint, smallint, int, bigint, and
      decimal(20,0), Spark's type for UINT_64) and text (string; binary for un-annotated bytes) fit;
      floats, booleans, timestamps, dates and other decimals do not. The reason names Spark's type
      (`TIMESTAMP_NTZ` where DuckDB names the Parquet annotation, `TIMESTAMP_MILLIS`).
-#}
{% macro spark__raw_file_problems(files, columns) %}
    {% set problems = [] %}
    {% if files | length == 0 %}
        {{ return(problems) }}
    {% endif %}
    {% set by_name = {} %}
    {% for row in files %}
        {% do by_name.update({row[0]: row}) %}
    {% endfor %}
    {% set folder = files[0][0].rsplit('/', 1)[0] %}
    {% set magic = run_query(
        'select ' ~ spark_recorded_file_name(folder, 'path') ~ ' as file_name, length >= 12 '
        ~ "and substring(content, 1, 4) = cast('PAR1' as binary) "
        ~ "and substring(content, -4, 4) = cast('PAR1' as binary) as is_parquet "
        ~ 'from binaryFile.`' ~ spark_files_glob(folder, by_name.keys() | list, -1) ~ '`'
    ) %}
    {% set readable = [] %}
    {% for row in magic.rows if row[0] in by_name %}
        {% if row[1] %}
            {% do readable.append(row[0]) %}
        {% else %}
            {% set f = by_name[row[0]] %}
            {% do problems.append({'file_name': f[0], 'file_size': f[1], 'file_modified_at_ms': f[2],
                'reason': 'not_a_parquet_file (empty, truncated or another format)'}) %}
        {% endif %}
    {% endfor %}
    {% for name in readable | sort %}
        {% set found = {} %}
        {% set one_file = spark_files_glob(folder, [name], -1) %}
        {% for r in run_query('describe query select * from parquet.`' ~ one_file ~ '`').rows %}
            {% do found.update({r[0] | lower: r[1] | lower}) %}
        {% endfor %}
        {% set reasons = [] %}
        {% for column_name, column_type in columns.items() %}
            {% set data_type = found.get(column_name) %}
            {% if data_type is none %}
                {% do reasons.append('missing required column "' ~ column_name ~ '"') %}
            {% elif data_type not in ['tinyint', 'smallint', 'int', 'bigint', 'decimal(20,0)', 'string', 'binary'] %}
                {% do reasons.append(
                    'column "' ~ column_name ~ '" is ' ~ (data_type.split('(')[0] | upper)
                    ~ ', which cannot become ' ~ column_type ~ ' exactly'
                ) %}
            {% endif %}
        {% endfor %}
        {% if reasons | length > 0 %}
            {% set f = by_name[name] %}
            {% do problems.append({'file_name': f[0], 'file_size': f[1], 'file_modified_at_ms': f[2],
                'reason': reasons | join('; ')}) %}
        {% endif %}
    {% endfor %}
    {{ return(problems | sort(attribute='file_name')) }}
{% endmacro %}
