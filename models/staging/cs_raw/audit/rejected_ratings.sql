-- Raw ratings that cannot be used, as delivered, with every reason (reject_reason).
{{ select_rejected_rows(
    'base_cs_raw__ratings',
    ['rating_id', 'shop_id', 'user_id', 'conversation_id', 'rating', 'source', 'rated_at_ms'],
    'rated_at_ms',
) }}
