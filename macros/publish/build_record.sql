{#-
    on-run-start / on-run-end hooks: record each dbt invocation that may change relations (build, run,
    seed, snapshot, test, retry, clone) in build_meta.dbt_invocations, started when it begins and finished when it
    ends. `python -m cs_tools.publish` publishes only if the database's latest invocation is the one
    target/run_results.json describes and it finished: a build killed half-way never reaches
    on-run-end, so its half-written database is never published (docs/decisions.md, "Publishing").
    Times are dbt's own UTC clock, not the engine's, so the SQL is plain.
-#}
{% macro build_record_commands() %}
    {{ return(['build', 'run', 'seed', 'snapshot', 'test', 'retry', 'clone']) }}
{% endmacro %}


{% macro record_invocation_start() %}
    {% if not execute or flags.WHICH not in build_record_commands() %}
        {{ return('') }}
    {% endif %}
    {% do run_query('create schema if not exists build_meta') %}
    {% do run_query(
        'create table if not exists build_meta.dbt_invocations ('
        ~ 'invocation_id string, command string, started_at timestamp, finished_at timestamp)'
    ) %}
    {% do run_query(
        "insert into build_meta.dbt_invocations (invocation_id, command, started_at, finished_at) values ('"
        ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', cast('"
        ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp), null)"
    ) %}
    {{ return('') }}
{% endmacro %}


{% macro record_invocation_end() %}
    {% if not execute or flags.WHICH not in build_record_commands() %}
        {{ return('') }}
    {% endif %}
    {% set finished_at = modules.datetime.datetime.now(modules.pytz.utc) %}
    {#- delete + insert rather than update: Spark's Parquet tables have no UPDATE -#}
    {% do delete_rows('build_meta.dbt_invocations', "invocation_id = '" ~ invocation_id ~ "'") %}
    {% do run_query(
        "insert into build_meta.dbt_invocations (invocation_id, command, started_at, finished_at) values ('"
        ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', cast('"
        ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp), cast('"
        ~ finished_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp))"
    ) %}
    {{ return('') }}
{% endmacro %}
