-- Raw messages that cannot be used, as delivered, with every reason (reject_reason): the rejected rows
-- of stg_cs_raw__message_deliveries.
{{ config(
    materialized='view',
    partition_column='activity_date',
) }}

{{ select_message_deliveries('rejected', ['reject_reason']) }}
