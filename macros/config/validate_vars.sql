{#-
    Every var of dbt_project.yml checked once, at the start of the run (the on-run-start hook), with a
    message that names the var and what it accepts. Vars reach SQL only as validated numbers or through
    sql_literal / sql_string_list (docs/reliability.md). A new var gets a line here; a test fails when a
    var of dbt_project.yml is not checked.
-#}
{% macro validate_vars() %}
    {% set re = modules.re %}
    {% set errors = [] %}

    {#- whole numbers -#}
    {% for name, minimum in [
        ('reply_window_seconds', 1), ('reply_horizon_hours', 1), ('incremental_lookback_days', 0),
        ('harassment_unsolicited_message_threshold', 1), ('harassment_reply_allowance_per_user_message', 0),
        ('harassment_stop_request_grace_minutes', 0), ('content_rules_negation_window_chars', 0),
        ('content_rules_guard_chunk_size', 1), ('content_rules_guard_max_terms', 1),
        ('content_rules_max_scan_chars', 10), ('future_event_tolerance_hours', 0),
        ('automation_min_replies', 2), ('automation_template_min_users', 2),
        ('automation_template_window_minutes', 1), ('automation_min_active_hours', 1), ('automation_min_signals', 1),
        ('cold_outreach_silence_days', 2), ('cold_outreach_bulk_min_users', 1),
    ] %}
        {% set value = var(name) %}
        {% if value is boolean or not (value is number and value == value | int or (value is string and re.match('^[0-9]+$', value))) %}
            {% do errors.append(name ~ ' must be a whole number, not ' ~ tojson(value)) %}
        {% elif value | int < minimum %}
            {% do errors.append(name ~ ' must be at least ' ~ minimum ~ ', not ' ~ value) %}
        {% endif %}
    {% endfor %}

    {#- whole numbers with an upper bound -#}
    {% for name, maximum in [('automation_min_active_hours', 24), ('automation_min_signals', 4)] %}
        {% set value = var(name) %}
        {% if value is number and value | int > maximum %}
            {% do errors.append(name ~ ' must be at most ' ~ maximum ~ ', not ' ~ value) %}
        {% endif %}
    {% endfor %}

    {#- decimal numbers in a range (lowest, highest; none = unbounded) -#}
    {% for name, lowest, highest in [
        ('automation_max_human_chars_per_second', 0.1, none), ('automation_fast_reply_share', 0.01, 1),
        ('automation_max_latency_cv', 0, none),
    ] %}
        {% set value = var(name) %}
        {% if value is boolean or value is not number %}
            {% do errors.append(name ~ ' must be a number, not ' ~ tojson(value)) %}
        {% elif value < lowest or (highest is not none and value > highest) %}
            {% do errors.append(name ~ ' must be between ' ~ lowest ~ ' and ' ~ (highest if highest is not none else 'any') ~ ', not ' ~ value) %}
        {% endif %}
    {% endfor %}

    {#- one of a few words -#}
    {% for name, allowed in [
        ('reply_rate_count_unit', ['message', 'turn']), ('rerating_policy', ['latest', 'all']),
        ('on_unreadable_file', ['stop', 'quarantine']), ('incremental_test_scope', ['window', 'all']),
    ] %}
        {% if var(name) not in allowed %}
            {% do errors.append(name ~ ' must be one of ' ~ allowed | join(', ') ~ ', not ' ~ tojson(var(name))) %}
        {% endif %}
    {% endfor %}

    {#- lists -#}
    {% set roles = var('reply_sender_roles') %}
    {% if roles is string or roles is not iterable or roles | length == 0
        or roles | reject('in', ['merchant', 'robot', 'system']) | list | length > 0 %}
        {% do errors.append('reply_sender_roles must be a non-empty list of merchant, robot, system, not ' ~ tojson(roles)) %}
    {% endif %}
    {% set types = var('excluded_consult_msg_types') %}
    {% if types is string or types is not iterable or types | reject('string') | list | length > 0 %}
        {% do errors.append('excluded_consult_msg_types must be a list of message types (strings), not ' ~ tojson(types)) %}
    {% endif %}
    {% set pinyin_clauses = var('content_rules_pinyin_one_character_clauses') %}
    {% if pinyin_clauses is string or pinyin_clauses is not iterable
        or pinyin_clauses | reject('in', ['2.3', '2.4', '2.5', '2.7', '2.8', '2.9']) | list | length > 0 %}
        {% do errors.append('content_rules_pinyin_one_character_clauses must be a list of content clauses (2.3, 2.4, 2.5, 2.7, 2.8, 2.9), possibly empty, not ' ~ tojson(pinyin_clauses)) %}
    {% endif %}
    {% set models = var('rule_evidence_models') %}
    {% set bad_names = [] %}
    {% if models is not string and models is iterable %}
        {% for name in models %}
            {% if name is not string or not re.match('^[a-z][a-z0-9_]*$', name) %}
                {% do bad_names.append(name) %}
            {% endif %}
        {% endfor %}
    {% endif %}
    {% if models is string or models is not iterable or models | length == 0 or bad_names | length > 0 %}
        {% do errors.append('rule_evidence_models must be a non-empty list of model names, not ' ~ tojson(models)) %}
    {% endif %}

    {#- formats -#}
    {% if not re.match('^[A-Za-z][A-Za-z0-9_+/-]*$', var('platform_timezone') | string) %}
        {% do errors.append('platform_timezone must be an IANA zone name such as Asia/Shanghai, not ' ~ tojson(var('platform_timezone'))) %}
    {% endif %}
    {% for name in ['min_valid_event_at', 'max_valid_event_at'] %}
        {% if not re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', var(name) | string) %}
            {% do errors.append(name ~ ' must be a date YYYY-MM-DD, not ' ~ tojson(var(name) | string)) %}
        {% endif %}
    {% endfor %}
    {% for name in ['assessment_window_start', 'assessment_window_end'] %}
        {% set clock = var(name) | string %}
        {% if not re.match('^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$|^24:00(:00)?$', clock) %}
            {% do errors.append(name ~ ' must be a clock HH:MM between 00:00 and 24:00, not ' ~ tojson(clock)) %}
        {% endif %}
    {% endfor %}
    {% if var('as_of') is not none
        and not re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?)?$', var('as_of') | string) %}
        {% do errors.append('as_of must be null or a platform-local time YYYY-MM-DD HH:MM:SS, not ' ~ tojson(var('as_of') | string)) %}
    {% endif %}

    {% if errors | length > 0 %}
        {{ exceptions.raise_compiler_error('Invalid var(s) (dbt_project.yml or --vars):\n  ' ~ errors | join('\n  ')) }}
    {% endif %}
{% endmacro %}
