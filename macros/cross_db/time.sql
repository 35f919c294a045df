{#-
    Engine-specific time handling, dispatched so the models stay portable (DuckDB now, Spark later).

    Every timestamp in this project is a naive TIMESTAMP holding a wall clock: `*_at` columns hold
    UTC, `*_at_local` columns the platform's wall clock. No model depends on the session time zone.
-#}

{#- epoch milliseconds (UTC) -> naive UTC timestamp, millisecond exact -#}
{% macro epoch_ms_to_timestamp(epoch_ms) -%}
    {{ return(adapter.dispatch('epoch_ms_to_timestamp', 'cs_rules')(epoch_ms)) }}
{%- endmacro %}

{% macro default__epoch_ms_to_timestamp(epoch_ms) -%}
    timestamp_millis({{ epoch_ms }})
{%- endmacro %}

{% macro duckdb__epoch_ms_to_timestamp(epoch_ms) -%}
    epoch_ms({{ epoch_ms }})
{%- endmacro %}


{#- naive UTC timestamp -> naive wall clock in time zone `tz`, whatever the session time zone -#}
{% macro utc_to_local(utc_timestamp, tz=none) -%}
    {{ return(adapter.dispatch('utc_to_local', 'cs_rules')(utc_timestamp, tz or var('platform_timezone'))) }}
{%- endmacro %}

{% macro default__utc_to_local(utc_timestamp, tz) -%}
    from_utc_timestamp({{ utc_timestamp }}, '{{ tz }}')
{%- endmacro %}

{% macro duckdb__utc_to_local(utc_timestamp, tz) -%}
    timezone('{{ tz }}', timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}


{#- naive timestamp -> milliseconds since its own midnight (time of day, exact) -#}
{% macro ms_of_day(naive_timestamp) -%}
    {{ return(adapter.dispatch('ms_of_day', 'cs_rules')(naive_timestamp)) }}
{%- endmacro %}

{% macro default__ms_of_day(naive_timestamp) -%}
    (unix_millis({{ naive_timestamp }}) - unix_millis(date_trunc('DAY', {{ naive_timestamp }})))
{%- endmacro %}

{% macro duckdb__ms_of_day(naive_timestamp) -%}
    (epoch_ms({{ naive_timestamp }}) % 86400000)
{%- endmacro %}


{#- a date or naive timestamp -> first day of its month, as a date -#}
{% macro month_start(value) -%}
    {{ return(adapter.dispatch('month_start', 'cs_rules')(value)) }}
{%- endmacro %}

{% macro default__month_start(value) -%}
    cast(date_trunc('MONTH', {{ value }}) as date)
{%- endmacro %}


{#- 'HH:MM' or 'HH:MM:SS' (up to 24:00) -> milliseconds since midnight, at compile time -#}
{% macro clock_to_ms(clock) -%}
    {%- if not modules.re.match('^[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?$', clock | string) -%}
        {{ exceptions.raise_compiler_error(
            'Invalid var(s) (dbt_project.yml or --vars):\n  a clock must be HH:MM between 00:00 and 24:00, not ' ~ tojson(clock | string)
            ~ ' (assessment_window_start / assessment_window_end)'
        ) }}
    {%- endif -%}
    {%- set parts = (clock ~ '').split(':') -%}
    {%- set ms = (parts[0] | int) * 3600000 + (parts[1] | int) * 60000 + ((parts[2] | int) if parts | length > 2 else 0) * 1000 -%}
    {%- if ms < 0 or ms > 86400000 -%}
        {{ exceptions.raise_compiler_error('Clock value ' ~ clock ~ ' is outside 00:00-24:00') }}
    {%- endif -%}
    {{ return(ms) }}
{%- endmacro %}


{#- 'YYYY-MM-DD' (UTC) -> epoch milliseconds, at compile time -#}
{% macro date_to_epoch_ms(iso_date) -%}
    {%- set d = modules.datetime.datetime.strptime(iso_date ~ '', '%Y-%m-%d') -%}
    {%- set epoch = modules.datetime.datetime(1970, 1, 1) -%}
    {{ return(((d - epoch).days * 86400000) | int) }}
{%- endmacro %}


{#- a naive platform-local wall-clock timestamp expression -> epoch milliseconds (UTC) -#}
{% macro local_to_epoch_ms(local_timestamp, tz=none) -%}
    {{ return(adapter.dispatch('local_to_epoch_ms', 'cs_rules')(local_timestamp, tz or var('platform_timezone'))) }}
{%- endmacro %}

{% macro default__local_to_epoch_ms(local_timestamp, tz) -%}
    unix_millis(to_utc_timestamp({{ local_timestamp }}, '{{ tz }}'))
{%- endmacro %}

{% macro duckdb__local_to_epoch_ms(local_timestamp, tz) -%}
    epoch_ms(timezone('{{ tz }}', {{ local_timestamp }}))
{%- endmacro %}


{#- var as_of ('YYYY-MM-DD HH:MM:SS', platform-local) as epoch ms, or none when unset -#}
{% macro as_of_epoch_ms() -%}
    {%- if var('as_of') is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(local_to_epoch_ms("timestamp '" ~ (var('as_of') | string | replace("'", "")) ~ "'")) }}
{%- endmacro %}


{#- a date or naive timestamp -> ISO weekday, 1 = Monday ... 7 = Sunday -#}
{% macro iso_weekday(value) -%}
    {{ return(adapter.dispatch('iso_weekday', 'cs_rules')(value)) }}
{%- endmacro %}

{% macro default__iso_weekday(value) -%}
    ((dayofweek({{ value }}) + 5) % 7 + 1)
{%- endmacro %}

{% macro duckdb__iso_weekday(value) -%}
    isodow({{ value }})
{%- endmacro %}
