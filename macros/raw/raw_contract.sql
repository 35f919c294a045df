{#-
    The raw data contract (README "Raw data contract"): required columns and the type each one has
    when a folder holds no file yet. One place, read by register_raw_sources() and the source docs.
-#}
{% macro raw_contract() %}
    {{ return({
        'messages': {
            'folder': 'messages',
            'columns': {
                'message_id': 'varchar',
                'conversation_id': 'varchar',
                'shop_id': 'varchar',
                'user_id': 'varchar',
                'sender_role': 'varchar',
                'sender_account_id': 'varchar',
                'msg_type': 'varchar',
                'content': 'varchar',
                'sent_at_ms': 'bigint',
            },
        },
        'ratings': {
            'folder': 'ratings',
            'columns': {
                'rating_id': 'varchar',
                'shop_id': 'varchar',
                'user_id': 'varchar',
                'conversation_id': 'varchar',
                'rating': 'varchar',
                'source': 'varchar',
                'rated_at_ms': 'bigint',
            },
        },
    }) }}
{% endmacro %}


{% macro raw_dir() %}
    {{ return(env_var('CS_RAW_DIR', 'data/demo') | replace('\\', '/')) }}
{% endmacro %}
