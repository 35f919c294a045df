{#-
    The incremental window: the platform-local day from which this run recomputes every model that
    grows with the messages (docs/decisions.md "Incremental builds"). Written once per run by the
    on-run-start hook to raw.incremental_window (one row), read by the models through
    in_incremental_window() and by the replace_days strategy. Engine-neutral SQL.

    The window opens at the platform-local midnight on or before the earliest of
      - the first valid event of every pending (new or rewritten) message file,
      - the first event a withdrawn (rewritten or deleted) file held when it was loaded,
      - the previous watermark less the reply window (messages pending then are judged again),
    less var reply_horizon_hours (a message up to that long before new data may get its reply from it)
    and var incremental_lookback_days. When the settings fingerprint changed since the last successful
    run, or on a full refresh, a first build, or when an incremental model's table is missing, the
    window opens at min_valid_event_at: the whole history is recomputed (a full build is the window
    that holds everything, so a model never needs to know which kind of run it is in).
    Nothing new and nothing withdrawn: the window opens after the previous watermark's day, so the
    run replaces nothing.
-#}
{% macro prepare_incremental_window() %}
    {% set staged = adapter.get_relation(database=target.database, schema='staging', identifier='stg_cs_raw__messages') %}
    {% set fingerprint = incremental_settings_fingerprint() %}
    {% do run_query('create table if not exists audit.incremental_settings (fingerprint string, recorded_at timestamp)') %}
    {% set previous_fingerprints = run_query('select fingerprint from audit.incremental_settings').columns[0].values() %}
    {% set settings_changed = staged is not none and not flags.FULL_REFRESH and fingerprint not in previous_fingerprints %}
    {% if settings_changed %}
        {{ log('Settings changed since the last incremental build (vars, seeds or models): '
            ~ 'this run recomputes the whole history.', info=true) }}
    {% endif %}
    {#- an incremental model whose table is missing is built from the whole history: so are all the others -#}
    {% set missing_tables = [] %}
    {% for node in graph.nodes.values() %}
        {% if node.resource_type == 'model' and node.config.materialized == 'incremental' %}
            {% if adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias) is none %}
                {% do missing_tables.append(node.name) %}
            {% endif %}
        {% endif %}
    {% endfor %}
    {% set recompute_all = flags.FULL_REFRESH or staged is none or settings_changed or missing_tables | length > 0 %}
    {% set reply_window_ms = validated_int('reply_window_seconds', 1) * 1000 %}
    {% set horizon_ms = validated_int('reply_horizon_hours', 1) * 3600000 %}
    {% set lookback_days = validated_int('incremental_lookback_days', 0) %}
    {% if reply_window_ms > horizon_ms %}
        {{ exceptions.raise_compiler_error(
            'var reply_horizon_hours (' ~ var('reply_horizon_hours') ~ ' h) must be at least the reply window ('
            ~ var('reply_window_seconds') ~ ' s)'
        ) }}
    {% endif %}
    {% set window_sql %}
        with

        changes as (
            select
                count(*) as pending_file_count,
                min(first_event_at_ms) as first_event_at_ms
            from raw.pending_files
        ),

        withdrawn as (
            select
                count(*) as withdrawn_file_count,
                min(first_event_at_ms) as first_event_at_ms
            from raw.withdrawn_files
        ),

        previous as (
            {% if staged is not none %}
                select max(sent_at_ms) as watermark_at_ms from {{ staged }}
            {% else %}
                select cast(null as bigint) as watermark_at_ms
            {% endif %}
        ),

        earliest as (
            select
                changes.pending_file_count,
                withdrawn.withdrawn_file_count,
                previous.watermark_at_ms as previous_watermark_at_ms,
                case
                    when changes.first_event_at_ms is null and withdrawn.first_event_at_ms is null then null
                    when withdrawn.first_event_at_ms is null then changes.first_event_at_ms
                    when changes.first_event_at_ms is null then withdrawn.first_event_at_ms
                    when changes.first_event_at_ms < withdrawn.first_event_at_ms then changes.first_event_at_ms
                    else withdrawn.first_event_at_ms
                end as first_changed_event_at_ms
            from changes
            cross join withdrawn
            cross join previous
        ),

        opened as (
            select
                pending_file_count,
                withdrawn_file_count,
                previous_watermark_at_ms,
                first_changed_event_at_ms,
                case
                    when first_changed_event_at_ms is null
                        then previous_watermark_at_ms + 86400000 * 2
                    when previous_watermark_at_ms is null
                        or first_changed_event_at_ms < previous_watermark_at_ms - {{ reply_window_ms }}
                        then first_changed_event_at_ms - {{ horizon_ms }}
                    else previous_watermark_at_ms - {{ reply_window_ms }} - {{ horizon_ms }}
                end as opens_at_ms
            from earliest
        ),

        dated as (
            select
                pending_file_count,
                withdrawn_file_count,
                previous_watermark_at_ms,
                first_changed_event_at_ms,
                {% if recompute_all %}
                    cast('{{ var('min_valid_event_at') }}' as date) as reprocess_from_date
                {% else %}
                    date_add(
                        cast({{ utc_to_local(epoch_ms_to_timestamp('opens_at_ms')) }} as date),
                        -{{ lookback_days }}
                    ) as reprocess_from_date
                {% endif %}
            from opened
        )

        select
            pending_file_count,
            withdrawn_file_count,
            previous_watermark_at_ms,
            first_changed_event_at_ms,
            reprocess_from_date,
            {{ local_to_epoch_ms('cast(reprocess_from_date as timestamp)') }} as reprocess_from_ms,
            {{ settings_changed }} as is_settings_change,
            {{ recompute_all }} as is_full_recompute,
            {{ sql_literal(fingerprint) }} as settings_fingerprint
        from dated
    {% endset %}
    {% do create_or_replace_table('raw.incremental_window', window_sql) %}
{% endmacro %}


{#- A var that must be a whole number >= minimum, at compile time (also while parsing, before the
    on-run-start hook's validate_vars); the error names the var the same way. -#}
{% macro validated_int(name, minimum=0) %}
    {% set value = var(name) %}
    {% if value is boolean or (value is not number and not (value is string and value.strip().isdigit())) %}
        {{ exceptions.raise_compiler_error('Invalid var(s) (dbt_project.yml or --vars):\n  ' ~ name ~ ' must be a whole number, not ' ~ tojson(value)) }}
    {% endif %}
    {% if value | int < minimum %}
        {{ exceptions.raise_compiler_error('Invalid var(s) (dbt_project.yml or --vars):\n  ' ~ name ~ ' must be at least ' ~ minimum ~ ', not ' ~ value) }}
    {% endif %}
    {{ return(value | int) }}
{% endmacro %}


{#- whether the on-run-start hook wrote raw.incremental_window (not while linting an empty database) -#}
{% macro incremental_window_exists() %}
    {{ return(adapter.get_relation(database=target.database, schema='raw', identifier='incremental_window') is not none) }}
{% endmacro %}


{#- The window's first day as an SQL date literal (the beginning when there is no window: a full build). -#}
{% macro incremental_window_start_date() %}
    {% if not execute or not incremental_window_exists() %}
        {{ return("date '" ~ var('min_valid_event_at') ~ "'") }}
    {% endif %}
    {% set value = run_query('select reprocess_from_date from raw.incremental_window').columns[0].values()[0] %}
    {{ return("date '" ~ value ~ "'") }}
{% endmacro %}


{#- The window's first instant in epoch ms (UTC), as an SQL number. -#}
{% macro incremental_window_start_ms() %}
    {% if not execute or not incremental_window_exists() %}
        {{ return(date_to_epoch_ms(var('min_valid_event_at'))) }}
    {% endif %}
    {% set value = run_query('select reprocess_from_ms from raw.incremental_window').columns[0].values()[0] %}
    {{ return(value | int) }}
{% endmacro %}


{#-
    The one filter a business model puts on its input: true in a full build; in an incremental run,
    `column` is in the window. `kind` is the column's kind: `day` (a platform-local date), `month`
    (the first day of a platform-local month) or `epoch_ms`. Defaults: the model's partition_column
    and partition_grain configs.
-#}
{% macro in_incremental_window(column=none, kind=none) %}
    {% if not is_incremental() %}
        {{ return('true') }}
    {% endif %}
    {% set column = column or config.get('partition_column') %}
    {% set kind = kind or config.get('partition_grain', 'day') %}
    {% if kind == 'epoch_ms' %}
        {{ return(column ~ ' >= ' ~ incremental_window_start_ms()) }}
    {% elif kind == 'month' %}
        {{ return(column ~ ' >= ' ~ month_start(incremental_window_start_date())) }}
    {% elif kind == 'day' %}
        {{ return(column ~ ' >= ' ~ incremental_window_start_date()) }}
    {% endif %}
    {{ exceptions.raise_compiler_error("in_incremental_window: kind must be day, month or epoch_ms, not " ~ kind) }}
{% endmacro %}


{#-
    The results depend on the vars, the seeds and the models' own SQL: their fingerprint, one md5.
    dbt offers no way to list the vars, so they are named here; tests/python/test_incremental.py fails
    when a var of dbt_project.yml is neither here nor in the exempt list.
-#}
{% macro fingerprinted_vars() %}
    {{ return([
        'platform_timezone', 'min_valid_event_at', 'max_valid_event_at',
        'reply_sender_roles', 'excluded_consult_msg_types', 'assessment_window_start', 'assessment_window_end',
        'reply_window_seconds', 'reply_horizon_hours', 'reply_rate_count_unit', 'as_of', 'rerating_policy',
        'harassment_unsolicited_message_threshold', 'harassment_reply_allowance_per_user_message',
        'harassment_stop_request_grace_minutes', 'content_rules_negation_window_chars',
        'content_rules_guard_chunk_size', 'content_rules_guard_max_terms', 'content_rules_pinyin_one_character_clauses',
        'rule_evidence_models',
        'future_event_tolerance_hours', 'content_rules_max_scan_chars',
        'automation_min_replies', 'automation_max_human_chars_per_second', 'automation_fast_reply_share',
        'automation_max_latency_cv', 'automation_template_min_users', 'automation_template_window_minutes',
        'automation_min_active_hours', 'automation_min_signals', 'cold_outreach_silence_days',
        'cold_outreach_bulk_min_users',
    ]) }}
{% endmacro %}

{#-
    vars that cannot change a result: a margin only; which files a run reads is tracked per file; which
    rows the data tests read
-#}
{% macro incremental_exempt_vars() %}
    {{ return(['incremental_lookback_days', 'on_unreadable_file', 'incremental_test_scope']) }}
{% endmacro %}

{% macro incremental_settings_fingerprint() %}
    {% set parts = [] %}
    {% for name in fingerprinted_vars() %}
        {% do parts.append('var:' ~ name ~ '=' ~ tojson(var(name, none))) %}
    {% endfor %}
    {% for node in graph.nodes.values() | sort(attribute='unique_id') %}
        {% if node.resource_type in ['seed', 'model'] %}
            {% do parts.append(node.unique_id ~ '=' ~ node.checksum.checksum) %}
        {% endif %}
    {% endfor %}
    {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}
