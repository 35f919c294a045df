{#-
    Incremental daily builds (docs/decisions.md "Incremental builds").

    The on-run-start hook compares the message files on disk with audit.raw_file_loads (name, size,
    modification time) and writes, for this run:
      raw.pending_files       files new or changed since they were last loaded
      raw.incremental_window  one row: reprocess_from_ms, the platform-local midnight from which the
                              incremental models recompute. It is the earlier of the pending files'
                              first valid event and the previous watermark less the reply window (so
                              messages pending at it are judged again), minus var
                              incremental_lookback_days; reprocess_from_date is that midnight's date.
                              Also is_settings_change and settings_fingerprint (below).
    Models whose rows are keyed by message or shop-period use delete+insert; the content-rule models
    replace the window's rows (delete_incremental_window() as a pre_hook, then append).
    The on-run-end hook marks the pending files loaded only when every model tagged
    `incremental_messages` succeeded in this run, so a partial or failed run is simply redone.
    Ratings are small (a few % of messages) and are rebuilt in full each run.

    The results also depend on the settings: the vars, the seeds (lexicon, rule catalog, ...) and the
    incremental models' own SQL. Their fingerprint (incremental_settings_fingerprint()) is kept in
    audit.incremental_settings (one row: fingerprint, recorded_at) by every run that records its files; when it
    differs from the last successful run's (or is unknown), the window opens at the first valid event
    and the run recomputes the whole history in place, as a full refresh would.
-#}

{% macro prepare_incremental_state(messages_glob, messages_file_count) %}
    {% do run_query('create schema if not exists audit') %}
    {% do run_query(
        'create table if not exists audit.raw_file_loads ('
        ~ 'entity varchar, file_name varchar, file_size bigint, file_modified_at timestamptz, loaded_at timestamp)'
    ) %}
    {% if flags.FULL_REFRESH %}
        {#- everything is rebuilt: every file on disk is loaded anew -#}
        {% do run_query("delete from audit.raw_file_loads where entity = 'messages'") %}
    {% else %}
        {{ assert_loaded_files_still_present(messages_glob, messages_file_count) }}
    {% endif %}
    {% set pending_sql %}
        create or replace table raw.pending_files as
        {% if messages_file_count > 0 %}
            select
                'messages' as entity,
                files.filename as file_name,
                files.size as file_size,
                files.last_modified as file_modified_at
            from read_blob('{{ messages_glob }}') as files
            where not exists (
                select 1
                from audit.raw_file_loads as loads
                where loads.entity = 'messages'
                    and loads.file_name = files.filename
                    and loads.file_size = files.size
                    and loads.file_modified_at = files.last_modified
            )
        {% else %}
            select
                'messages' as entity,
                cast(null as varchar) as file_name,
                cast(null as bigint) as file_size,
                cast(null as timestamptz) as file_modified_at
            where false
        {% endif %}
    {% endset %}
    {% do run_query(pending_sql) %}

    {% set staged = adapter.get_relation(database=target.database, schema='staging', identifier='stg_cs_raw__messages') %}
    {% set fingerprint = incremental_settings_fingerprint() %}
    {% do run_query(
        'create table if not exists audit.incremental_settings (fingerprint varchar, recorded_at timestamp)'
    ) %}
    {% set previous_fingerprints = run_query('select fingerprint from audit.incremental_settings').columns[0].values() %}
    {% set settings_changed = staged is not none and not flags.FULL_REFRESH and fingerprint not in previous_fingerprints %}
    {% if settings_changed %}
        {{ log('Settings changed since the last incremental build (vars, seeds or incremental models): '
            ~ 'this run recomputes the whole history.', info=true) }}
    {% endif %}
    {% set pending_files = run_query('select file_name from raw.pending_files order by 1').columns[0].values() %}
    {% set window_sql %}
        create or replace table raw.incremental_window as
        with

        pending_events as (
            {% if staged is not none and pending_files | length > 0 %}
                select min(try_cast(sent_at_ms as bigint)) as pending_min_event_ms
                from raw.messages
                where _source_file in ({% for f in pending_files %}'{{ f | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor %})
                    and try_cast(sent_at_ms as bigint) >= {{ date_to_epoch_ms(var('min_valid_event_at')) }}
                    and try_cast(sent_at_ms as bigint) < {{ date_to_epoch_ms(var('max_valid_event_at')) }}
            {% else %}
                select cast(null as bigint) as pending_min_event_ms
            {% endif %}
        ),

        previous as (
            {% if staged is not none %}
                select max(sent_at_ms) as previous_max_event_ms from {{ staged }}
            {% else %}
                select cast(null as bigint) as previous_max_event_ms
            {% endif %}
        ),

        window_start as (
            select
                pending_events.pending_min_event_ms,
                previous.previous_max_event_ms,
                {% if settings_changed %}
                cast('{{ var('min_valid_event_at') }}' as date) as reprocess_from_date
                {% else %}
                cast({{ utc_to_local(epoch_ms_to_timestamp(
                    'least(pending_events.pending_min_event_ms, coalesce(previous.previous_max_event_ms - '
                    ~ (var('reply_window_seconds') * 1000) ~ ', pending_events.pending_min_event_ms))'
                )) }} as date) - {{ var('incremental_lookback_days') | int }} as reprocess_from_date
                {% endif %}
            from pending_events
            cross join previous
        )

        select
            {{ pending_files | length }} as pending_file_count,
            pending_min_event_ms,
            previous_max_event_ms,
            reprocess_from_date,
            {{ local_to_epoch_ms('cast(reprocess_from_date as timestamp)') }} as reprocess_from_ms,
            {{ settings_changed }} as is_settings_change,
            '{{ fingerprint }}' as settings_fingerprint
        from window_start
    {% endset %}
    {% do run_query(window_sql) %}
{% endmacro %}


{#-
    Incremental models keep what they loaded. A loaded file that is gone from $CS_RAW_DIR (deleted,
    renamed, or another export folder) would leave its rows behind, so the run stops and says so.
-#}
{% macro assert_loaded_files_still_present(messages_glob, messages_file_count) %}
    {% set missing_sql %}
        select loads.file_name
        from audit.raw_file_loads as loads
        where loads.entity = 'messages'
        {% if messages_file_count > 0 %}
            and loads.file_name not in (select files.file from glob('{{ messages_glob }}') as files)
        {% endif %}
        order by 1
    {% endset %}
    {% set missing = run_query(missing_sql).columns[0].values() %}
    {% if missing | length > 0 %}
        {{ exceptions.raise_compiler_error(
            missing | length ~ ' message file(s) loaded by earlier runs are no longer under CS_RAW_DIR ('
            ~ raw_dir() ~ '), e.g. ' ~ missing[0] ~ '. The incremental models still hold their rows. '
            ~ 'Run `dbt build --full-refresh` to rebuild from the files now present, or point '
            ~ 'CS_DUCKDB_PATH at another database file.'
        ) }}
    {% endif %}
{% endmacro %}


{#- The epoch ms from which incremental models recompute in this run, as SQL ('null': nothing new). -#}
{% macro incremental_from_ms() %}
    {% set value = run_query('select reprocess_from_ms from raw.incremental_window').columns[0].values()[0] %}
    {{ return('null' if value is none else (value | int)) }}
{% endmacro %}


{#- In an incremental run, incremental_from_ms(); in a full build, the earliest valid event time. -#}
{% macro incremental_lower_bound_ms() %}
    {{ return(incremental_from_ms() if is_incremental() else date_to_epoch_ms(var('min_valid_event_at'))) }}
{% endmacro %}


{#- The message files pending in this run, as an SQL list of string literals ('(null)' when none). -#}
{% macro pending_message_files_sql() %}
    {% set files = run_query("select file_name from raw.pending_files where entity = 'messages'").columns[0].values() %}
    {{ return(sql_string_list(files)) }}
{% endmacro %}


{#- on-run-end: mark the pending files loaded when every incremental_messages model succeeded. -#}
{% macro record_raw_file_loads(results) %}
    {% if not execute %}
        {{ return('') }}
    {% endif %}
    {% set required = [] %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and 'incremental_messages' in node.tags and node.config.enabled %}
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
        {% do run_query(
            "delete from audit.raw_file_loads where entity = 'messages' "
            ~ "and file_name in (select file_name from raw.pending_files where entity = 'messages')"
        ) %}
        {% do run_query(
            'insert into audit.raw_file_loads '
            ~ 'select entity, file_name, file_size, file_modified_at, current_localtimestamp() from raw.pending_files'
        ) %}
        {% do run_query('delete from audit.incremental_settings') %}
        {% do run_query(
            'insert into audit.incremental_settings '
            ~ 'select settings_fingerprint, current_localtimestamp() from raw.incremental_window'
        ) %}
    {% endif %}
    {{ return('') }}
{% endmacro %}


{#- The platform-local date from which incremental models recompute in this run, as SQL ('null': nothing new). -#}
{% macro incremental_from_date() %}
    {% set value = run_query('select reprocess_from_date from raw.incremental_window').columns[0].values()[0] %}
    {{ return('null' if value is none else "date '" ~ value ~ "'") }}
{% endmacro %}


{#-
    pre_hook of the models that replace a time window (materialized='incremental', strategy 'append'):
    in an incremental run, delete the rows from this run's window on; the model then inserts them again.
    Unlike delete+insert on a key, a row that the new data makes disappear (an incident broken up by a
    late user message, a hit of a message whose kept text changed) is deleted too.
    `kind` is the type of `column`: epoch_ms, date (platform-local) or month (its first day).
    The pre_hook runs inside the model's transaction, so a failed insert leaves the table as it was.
-#}
{% macro delete_incremental_window(column, kind='epoch_ms') %}
    {% if not is_incremental() %}
        {{ return('') }}
    {% endif %}
    {% set existing_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list %}
    {% if column | lower not in existing_columns %}
        {{ exceptions.raise_compiler_error(
            this ~ ' has no column ' ~ column ~ ': the model changed since the table was built. '
            ~ 'Run `dbt build --full-refresh` (or `--full-refresh --select ' ~ this.identifier ~ '+`).'
        ) }}
    {% endif %}
    {% if kind == 'epoch_ms' %}
        {% set lower_bound = incremental_from_ms() %}
    {% elif kind == 'date' %}
        {% set lower_bound = incremental_from_date() %}
    {% elif kind == 'month' %}
        {% set lower_bound = month_start(incremental_from_date()) %}
    {% else %}
        {{ exceptions.raise_compiler_error("delete_incremental_window: unknown kind '" ~ kind ~ "'") }}
    {% endif %}
    {{ return('delete from ' ~ this ~ ' where ' ~ column ~ ' >= ' ~ lower_bound) }}
{% endmacro %}


{#-
    The vars that change what the incremental models compute (listed, since dbt gives no way to enumerate
    vars; tests/python/test_incremental.py checks that every var in dbt_project.yml is listed here or in
    the exempt list), the seeds' checksums and the incremental models' SQL checksums, as one md5.
-#}
{% macro incremental_settings_fingerprint() %}
    {% set result_vars = [
        'platform_timezone', 'min_valid_event_at', 'max_valid_event_at',
        'reply_sender_roles', 'excluded_consult_msg_types', 'assessment_window_start', 'assessment_window_end',
        'reply_window_seconds', 'reply_rate_count_unit', 'as_of',
        'harassment_unsolicited_message_threshold', 'harassment_reply_allowance_per_user_message',
        'harassment_stop_request_grace_minutes', 'content_rules_negation_window_chars',
        'content_rules_guard_chunk_size', 'content_rules_guard_max_terms',
    ] %}
    {% set parts = [] %}
    {% for name in result_vars %}
        {% do parts.append('var:' ~ name ~ '=' ~ tojson(var(name, none))) %}
    {% endfor %}
    {% for node in graph.nodes.values() | sort(attribute='unique_id') %}
        {% if node.resource_type == 'seed' or (node.resource_type == 'model' and 'incremental_messages' in node.tags) %}
            {% do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) %}
        {% endif %}
    {% endfor %}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}
