-- Valid raw messages dropped because their message_id was kept from another row: exact re-deliveries
-- and conflicting rows (same id, other values), each pointing at the row that was kept. The duplicate
-- rows of stg_cs_raw__message_deliveries.
{{ config(
    materialized='view',
    partition_column='activity_date',
) }}

{{ select_message_deliveries('duplicate', ['duplicate_kind', 'kept_source_file', 'kept_source_row_number']) }}
