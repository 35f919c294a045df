{#-
    on-run-start hook: expose $CS_RAW_DIR/<entity>/*.parquet as views raw.<entity>, so that
    source('cs_raw', ...) is a real relation (dbt unit tests can mock it) and every model reads the
    files through one definition (docs/reliability.md).

    - Every var is validated first (validate_vars), so a bad value stops the run naming the var.
    - No message file at all stops a build or run naming CS_RAW_DIR (an empty file for a quiet day is
      fine; a ratings folder may be empty; `dbt seed`, `compile` or `docs` do not need raw files).
    - Each file not loaded before is checked on its own before the union: a zero-byte or non-Parquet
      file, a missing required column, or a column whose type cannot become the contract's type exactly
      (e.g. a TIMESTAMP sent_at_ms) is a file problem. var on_unreadable_file: `stop` (default) stops
      the run listing every problem; `quarantine` leaves the file out of this run, lists it in
      raw.file_problems (the audit.rejected_files model) and checks it again next run.
    - Extra columns are ignored: the view selects the contract's columns.
    - raw.export_horizon: the newest file's modification time plus var future_event_tolerance_hours;
      staging rejects later events (export_horizon_ms()).
    - A folder with no usable file gives an empty view of the contract's columns.
-#}
{% macro register_raw_sources() %}
    {{ return(adapter.dispatch('register_raw_sources', 'cs_rules')()) }}
{% endmacro %}

{#- DuckDB; Spark's is spark__register_raw_sources (macros/raw/spark_raw_sources.sql) -#}
{% macro duckdb__register_raw_sources() %}
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
        {% set file_glob = raw_dir() ~ '/' ~ spec.folder ~ '/*.parquet' %}
        {% set files = run_query(list_raw_files(file_glob) ~ ' order by 1') %}
        {% for row in files.rows %}
            {% if row[2] | int > newest_file_ms[0] %}
                {% do newest_file_ms.pop() %}
                {% do newest_file_ms.append(row[2] | int) %}
            {% endif %}
        {% endfor %}
        {% if files.rows | length == 0 %}
            {% if entity == 'messages' and flags.WHICH in ['build', 'run'] %}
                {{ exceptions.raise_compiler_error(
                    'No message file under CS_RAW_DIR: ' ~ file_glob ~ ' matches nothing. Set CS_RAW_DIR to '
                    ~ 'the export folder (it holds messages/ and ratings/). Refusing to build an empty warehouse.'
                ) }}
            {% endif %}
            {% do log('cs_rules: no file matches ' ~ file_glob ~ '; raw.' ~ entity ~ ' is empty', info=true) %}
        {% endif %}
        {#- files loaded before unchanged were checked then; ratings are rebuilt in full, so checked each run -#}
        {% set candidates = [] %}
        {% set loaded = run_query(
            "select file_name, file_size, file_modified_at_ms from audit.raw_file_loads where entity = "
            ~ sql_literal(entity)
        ).rows | map('join', '|') | list %}
        {% for row in files.rows %}
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
        {% for row in files.rows %}
            {% if row[0] not in problem_files %}
                {% do usable.append(row[0]) %}
            {% endif %}
        {% endfor %}
        {% do run_query('create or replace view raw.' ~ entity ~ ' as ' ~ raw_view_sql(usable, spec.columns)) %}
    {% endfor %}
    {% do record_file_problems(all_problems) %}
    {#- the export's own horizon: an event after it is rejected, not taken as the new watermark -#}
    {% do record_export_horizon(newest_file_ms[0]) %}
    {% do track_raw_message_files(raw_dir() ~ '/messages/*.parquet', all_problems) %}
    {% do prepare_incremental_window() %}
    {{ return('') }}
{% endmacro %}


{#- raw.export_horizon: the newest raw file's modification time plus var future_event_tolerance_hours -#}
{% macro record_export_horizon(newest_file_ms) %}
    {% do create_or_replace_table(
        'raw.export_horizon',
        'select cast(' ~ (newest_file_ms | int + (var('future_event_tolerance_hours') | int) * 3600000)
        ~ ' as bigint) as horizon_at_ms'
    ) %}
{% endmacro %}


{#- raw.file_problems: this run's unusable files (read by audit.rejected_files); stop unless quarantining -#}
{% macro record_file_problems(problems) %}
    {% if problems | length > 0 and var('on_unreadable_file') != 'quarantine' %}
        {% set lines = [] %}
        {% for p in problems %}
            {% do lines.append('  ' ~ p.file_name ~ ': ' ~ p.reason) %}
        {% endfor %}
        {{ exceptions.raise_compiler_error(
            'Raw export does not match the data contract (README "Raw data contract"):\n' ~ lines | join('\n')
            ~ '\nFix or remove the file(s), or set var on_unreadable_file: quarantine to build without them '
            ~ '(they are then listed in audit.rejected_files and checked again in the next run).'
        ) }}
    {% endif %}
    {% set rows = [] %}
    {% for p in problems %}
        {% do rows.append(
            'select ' ~ sql_literal(p.entity) ~ ' as entity, ' ~ sql_literal(p.file_name) ~ ' as file_name, '
            ~ (p.file_size | int) ~ ' as file_size, ' ~ (p.file_modified_at_ms | int) ~ ' as file_modified_at_ms, '
            ~ sql_literal(p.reason) ~ ' as reject_reason'
        ) %}
    {% endfor %}
    {% if rows | length == 0 %}
        {% do rows.append(
            'select cast(null as string) as entity, cast(null as string) as file_name, cast(null as bigint) as file_size, '
            ~ 'cast(null as bigint) as file_modified_at_ms, cast(null as string) as reject_reason where 1 = 0'
        ) %}
    {% endif %}
    {% do create_or_replace_table('raw.file_problems', rows | join(' union all ')) %}
    {% if problems | length > 0 %}
        {% do log('cs_rules: ' ~ problems | length ~ ' raw file(s) quarantined this run: see audit.rejected_files', info=true) %}
    {% endif %}
{% endmacro %}


{#-
    The problems of `files` (rows of file_name, file_size, file_modified_at_ms), each file checked on its
    own: a list of {file_name, file_size, file_modified_at_ms, reason}. Dispatched (reads Parquet metadata).
-#}
{% macro raw_file_problems(files, columns) %}
    {{ return(adapter.dispatch('raw_file_problems', 'cs_rules')(files, columns)) }}
{% endmacro %}

{#- dbt resolves every dispatch while parsing, for the adapter in use: the other engines get this one -#}
{% macro default__raw_file_problems(files, columns) %}
    {{ exceptions.raise_compiler_error('raw_file_problems has no version for ' ~ adapter.type()) }}
{% endmacro %}

{% macro duckdb__raw_file_problems(files, columns) %}
    {% set problems = [] %}
    {% if files | length == 0 %}
        {{ return(problems) }}
    {% endif %}
    {% set readable = [] %}
    {% set by_name = {} %}
    {% for row in files %}
        {% do by_name.update({row[0]: row}) %}
    {% endfor %}
    {#- a Parquet file starts and ends with PAR1; only the files to check are read -#}
    {% set names_sql = [] %}
    {% for row in files %}
        {% do names_sql.append(sql_literal(row[0])) %}
    {% endfor %}
    {% set magic = run_query(
        "select filename, size >= 12 and content[1:4] = 'PAR1'::blob and content[-4:] = 'PAR1'::blob as is_parquet "
        ~ 'from read_blob([' ~ names_sql | join(', ') ~ '])'
    ) %}
    {% for row in magic.rows %}
        {% if row[1] %}
            {% do readable.append(row[0]) %}
        {% else %}
            {% set f = by_name[row[0]] %}
            {% do problems.append({'file_name': f[0], 'file_size': f[1], 'file_modified_at_ms': f[2],
                'reason': 'not_a_parquet_file (empty, truncated or another format)'}) %}
        {% endif %}
    {% endfor %}
    {% if readable | length == 0 %}
        {{ return(problems) }}
    {% endif %}
    {% set readable_sql = [] %}
    {% for name in readable %}
        {% do readable_sql.append(sql_literal(name)) %}
    {% endfor %}
    {#- every contract column: present, and of a Parquet type that becomes the contract type exactly -#}
    {% set schema_rows = run_query(
        'select file_name, lower(name), type, coalesce(converted_type, \'\'), coalesce(logical_type, \'\') '
        ~ 'from parquet_schema([' ~ readable_sql | join(', ') ~ ']) where num_children is null'
    ).rows %}
    {% set found = {} %}
    {% for r in schema_rows %}
        {% do found.update({r[0] ~ '|' ~ r[1]: r}) %}
    {% endfor %}
    {% for name in readable %}
        {% set reasons = [] %}
        {% for column_name, column_type in columns.items() %}
            {% set r = found.get(name ~ '|' ~ column_name) %}
            {% if r is none %}
                {% do reasons.append('missing required column "' ~ column_name ~ '"') %}
            {% elif not raw_parquet_type_fits(r[2], r[3], r[4], column_type) %}
                {% do reasons.append(
                    'column "' ~ column_name ~ '" is ' ~ (r[3] or r[2]) ~ ', which cannot become ' ~ column_type ~ ' exactly'
                ) %}
            {% endif %}
        {% endfor %}
        {% if reasons | length > 0 %}
            {% set f = by_name[name] %}
            {% do problems.append({'file_name': f[0], 'file_size': f[1], 'file_modified_at_ms': f[2],
                'reason': reasons | join('; ')}) %}
        {% endif %}
    {% endfor %}
    {{ return(problems) }}
{% endmacro %}


{#-
    Whether a Parquet leaf column (physical type, converted type, logical type) converts exactly to the
    contract type: integers (no time, date or decimal annotation) and text go to bigint (text is checked
    row by row in staging); integers and text (or untyped bytes) go to varchar. Floats, booleans,
    timestamps, dates, decimals and INT96 do not.
-#}
{% macro raw_parquet_type_fits(physical, converted, logical, contract_type) %}
    {% set is_integer = physical in ['INT32', 'INT64'] and converted in ['', 'INT_8', 'INT_16', 'INT_32', 'INT_64',
        'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64'] and (logical == '' or logical.startswith('IntType')) %}
    {% set is_text = physical == 'BYTE_ARRAY' and converted in ['', 'UTF8', 'ENUM', 'JSON'] %}
    {{ return(is_integer or is_text) }}
{% endmacro %}


{#- The view over the usable files, contract columns cast to the contract types (or empty, typed). -#}
{% macro raw_view_sql(files, columns) %}
    {{ return(adapter.dispatch('raw_view_sql', 'cs_rules')(files, columns)) }}
{% endmacro %}

{% macro default__raw_view_sql(files, columns) %}
    {{ exceptions.raise_compiler_error('raw_view_sql has no version for ' ~ adapter.type()) }}
{% endmacro %}

{% macro duckdb__raw_view_sql(files, columns) %}
    {% set select_list = [] %}
    {% if files | length == 0 %}
        {% for column_name, column_type in columns.items() %}
            {% do select_list.append('cast(null as ' ~ column_type ~ ') as ' ~ column_name) %}
        {% endfor %}
        {{ return('select ' ~ select_list | join(', ')
            ~ ', cast(null as varchar) as _source_file, cast(null as bigint) as _source_row_number where 1 = 0') }}
    {% endif %}
    {% set names_sql = [] %}
    {% for name in files %}
        {% do names_sql.append(sql_literal(name)) %}
    {% endfor %}
    {#- as delivered (staging types them row by row and tells a missing value from an invalid one) -#}
    {% for column_name in columns.keys() %}
        {% do select_list.append(column_name) %}
    {% endfor %}
    {{ return(
        'select ' ~ select_list | join(', ') ~ ', _source_file, file_row_number as _source_row_number '
        ~ 'from read_parquet([' ~ names_sql | join(', ') ~ "], union_by_name = true, filename = '_source_file', "
        ~ 'file_row_number = true)'
    ) }}
{% endmacro %}
