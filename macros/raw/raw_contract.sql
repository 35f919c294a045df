{#-
    The raw data contract (README "Raw data contract"): required columns and the type each one has
    when a folder holds no file yet. One place, read by register_raw_sources() and the source docs.
-#}
{% macro raw_contract() %}
    {{ return({
        'messages': {
            'folder': 'messages',
            'columns': {
                'message_id': 'string',
                'conversation_id': 'string',
                'shop_id': 'string',
                'user_id': 'string',
                'sender_role': 'string',
                'sender_account_id': 'string',
                'msg_type': 'string',
                'content': 'string',
                'sent_at_ms': 'bigint',
            },
        },
        'ratings': {
            'folder': 'ratings',
            'columns': {
                'rating_id': 'string',
                'shop_id': 'string',
                'user_id': 'string',
                'conversation_id': 'string',
                'rating': 'string',
                'source': 'string',
                'rated_at_ms': 'bigint',
            },
        },
    }) }}
{% endmacro %}


{% macro raw_dir() %}
    {{ return(env_var('CS_RAW_DIR', 'data/demo') | replace('\\', '/')) }}
{% endmacro %}
