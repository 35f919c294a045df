{#-
    Which raw message files are new, changed or gone since the last successful run
    (docs/decisions.md "Incremental builds"). Engine-neutral SQL, except the file listing, which is
    dispatched (list_raw_files).

    audit.raw_file_loads   one row per message file a successful run loaded: its name, size and
                           modification time (epoch ms), and the first valid event time it held.
    raw.pending_files      this run's files on disk that are not recorded exactly (new or rewritten),
                           with the first valid event each holds.
    raw.withdrawn_files    recorded files that are no longer on disk as recorded (rewritten or
                           deleted), with the first event they held when loaded: their old rows go.
    The on-run-end hook records the pending files once every incremental model succeeded.
-#}

{#- A query listing the files matching `file_glob`: file_name, file_size, file_modified_at_ms. -#}
{% macro list_raw_files(file_glob) %}
    {{ return(adapter.dispatch('list_raw_files', 'cs_rules')(file_glob)) }}
{% endmacro %}

{% macro duckdb__list_raw_files(file_glob) %}
    select
        filename as file_name,
        size as file_size,
        epoch_ms(last_modified) as file_modified_at_ms
    from read_blob({{ sql_literal(file_glob) }})
{% endmacro %}


{#- audit.raw_file_loads, created once (anew on a full refresh: every file is loaded again) -#}
{% macro prepare_raw_file_loads() %}
    {% do run_query('create schema if not exists audit') %}
    {% if flags.FULL_REFRESH %}
        {% do run_query('drop table if exists audit.raw_file_loads') %}
    {% endif %}
    {% do run_query(
        'create table if not exists audit.raw_file_loads (entity string, file_name string, file_size bigint, '
        ~ 'file_modified_at_ms bigint, first_event_at_ms bigint, loaded_at timestamp)'
    ) %}
    {{ assert_columns(
        'audit', 'raw_file_loads', ['file_modified_at_ms', 'first_event_at_ms'],
        'it was made by an older version of this project'
    ) }}
{% endmacro %}


{#- raw.message_files, raw.pending_files (quarantined files are not pending: they are not loaded), raw.withdrawn_files -#}
{% macro track_raw_message_files(file_glob, problems) %}
    {% set quarantined = [] %}
    {% for p in problems if p.entity == 'messages' %}
        {% do quarantined.append(sql_literal(p.file_name)) %}
    {% endfor %}
    {% set files_on_disk %}
        select
            file_name,
            file_size,
            file_modified_at_ms
        from ({{ list_raw_files(file_glob) }}) as listed
        {% if quarantined | length > 0 %}
            where file_name not in ({{ quarantined | join(', ') }})
        {% endif %}
    {% endset %}
    {% do create_or_replace_table('raw.message_files', files_on_disk) %}

    {% set pending_sql %}
        with

        new_files as (
            select
                files.file_name,
                files.file_size,
                files.file_modified_at_ms
            from raw.message_files as files
            left join audit.raw_file_loads as loads
                on loads.entity = 'messages'
                and files.file_name = loads.file_name
                and files.file_size = loads.file_size
                and files.file_modified_at_ms = loads.file_modified_at_ms
            where loads.file_name is null
        ),

        first_events as (
            select
                messages._source_file as file_name,
                min(try_cast(messages.sent_at_ms as bigint)) as first_event_at_ms
            from raw.messages as messages
            inner join new_files
                on messages._source_file = new_files.file_name
            where
                try_cast(messages.sent_at_ms as bigint) >= {{ date_to_epoch_ms(var('min_valid_event_at')) }}
                and try_cast(messages.sent_at_ms as bigint) < {{ date_to_epoch_ms(var('max_valid_event_at')) }}
            group by messages._source_file
        )

        select
            'messages' as entity,
            new_files.file_name,
            new_files.file_size,
            new_files.file_modified_at_ms,
            first_events.first_event_at_ms
        from new_files
        left join first_events
            on new_files.file_name = first_events.file_name
    {% endset %}
    {% do create_or_replace_table('raw.pending_files', pending_sql) %}

    {% set withdrawn_sql %}
        select
            loads.file_name,
            loads.first_event_at_ms
        from audit.raw_file_loads as loads
        left join raw.message_files as files
            on loads.file_name = files.file_name
            and loads.file_size = files.file_size
            and loads.file_modified_at_ms = files.file_modified_at_ms
        where loads.entity = 'messages' and files.file_name is null
    {% endset %}
    {% do create_or_replace_table('raw.withdrawn_files', withdrawn_sql) %}
{% endmacro %}


{#- on-run-end: record the pending files (and forget the withdrawn ones) when every incremental model succeeded. -#}
{% macro record_raw_file_loads(results) %}
    {% if not execute or flags.WHICH not in ['build', 'run'] %}
        {{ return('') }}
    {% endif %}
    {% set required = [] %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and node.config.materialized == 'incremental' and node.config.enabled %}
            {% do required.append(node.unique_id) %}
        {% endif %}
    {% endfor %}
    {% set succeeded = [] %}
    {% for result in results %}
        {% if result.node.unique_id in required and result.status == 'success' and result.node.unique_id not in succeeded %}
            {% do succeeded.append(result.node.unique_id) %}
        {% endif %}
    {% endfor %}
    {% if required | length > 0 and succeeded | length == required | length %}
        {% do delete_rows(
            'audit.raw_file_loads',
            "entity = 'messages' and ("
            ~ "file_name in (select file_name from raw.pending_files) "
            ~ "or file_name in (select file_name from raw.withdrawn_files))"
        ) %}
        {% do run_query(
            'insert into audit.raw_file_loads (entity, file_name, file_size, file_modified_at_ms, '
            ~ 'first_event_at_ms, loaded_at) select entity, file_name, file_size, file_modified_at_ms, '
            ~ "first_event_at_ms, cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp) "
            ~ 'from raw.pending_files'
        ) %}
        {% do delete_rows('audit.incremental_settings', 'true') %}
        {% do run_query(
            'insert into audit.incremental_settings (fingerprint, recorded_at) '
            ~ "select settings_fingerprint, cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S')
            ~ "' as timestamp) from raw.incremental_window"
        ) %}
    {% endif %}
    {{ return('') }}
{% endmacro %}


{#-
    Stop with a clear message when a table kept across runs lacks columns this version needs.
    (A plain query, not adapter.get_columns_in_relation, which opens a transaction in the hook that
    dbt later rolls back.)
-#}
{% macro assert_columns(schema, identifier, columns, why) %}
    {% set relation = adapter.get_relation(database=target.database, schema=schema, identifier=identifier) %}
    {% if relation is none %}
        {{ return('') }}
    {% endif %}
    {% set present = run_query('select * from ' ~ relation ~ ' where 1 = 0').column_names | map('lower') | list %}
    {% for column in columns %}
        {% if column not in present %}
            {{ exceptions.raise_compiler_error(
                relation ~ ' has no column ' ~ column ~ ' (' ~ why ~ '). Run `dbt build --full-refresh` once.'
            ) }}
        {% endif %}
    {% endfor %}
{% endmacro %}
