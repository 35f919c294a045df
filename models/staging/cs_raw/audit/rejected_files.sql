-- Raw files left out of this run (var on_unreadable_file: quarantine): not Parquet, a required column
-- missing, or a column that cannot become the contract's type exactly; one row per file with every
-- reason. The file stays where it is and is checked again in the next run, so nothing is lost.
with

file_problems as (
    select
        entity,
        file_name,
        file_size,
        file_modified_at_ms,
        reject_reason
    from {{ source('cs_raw', 'file_problems') }}
),

final as (
    select
        entity,
        file_name,
        file_size,
        {{ epoch_ms_to_timestamp('file_modified_at_ms') }} as file_modified_at,
        reject_reason
    from file_problems
)

select * from final
