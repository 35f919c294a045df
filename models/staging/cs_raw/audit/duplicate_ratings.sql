-- Valid raw ratings dropped because their rating_id was kept from another row: exact re-deliveries
-- and conflicting rows (same id, other values), each pointing at the row that was kept.
{{ select_duplicate_rows(
    'base_cs_raw__ratings',
    'rating_id',
    'rated_at_ms',
    ['rating_id', 'shop_id', 'user_id', 'conversation_id', 'rating', 'source', 'rated_at_ms'],
    kept_model='stg_cs_raw__ratings',
    kept_columns=['rating_id', 'shop_id', 'user_id', 'conversation_id', 'rating', 'rating_source', 'rated_at_ms'],
) }}
