-- MetricFlow's daily time spine: one row per platform-local day from var `min_valid_event_at` to the
-- day before var `max_valid_event_at`. Staging rejects every event outside that range, so the spine
-- covers any day the marts can hold, whatever the export; coarser grains (month) derive from it.
{%- set first_day = modules.datetime.date.fromisoformat(var('min_valid_event_at')) %}
{%- set day_count = (modules.datetime.date.fromisoformat(var('max_valid_event_at')) - first_day).days %}
with

day_numbers as (
    {{ dbt.generate_series(day_count) }}
),

final as (
    select
        cast({{ dbt.dateadd('day', 'generated_number - 1', "cast('" ~ first_day ~ "' as date)") }} as date)
            as date_day
    from day_numbers
)

select * from final
