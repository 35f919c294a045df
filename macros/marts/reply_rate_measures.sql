{#-
    The 5-minute reply-rate measures over rows of consult_reply_pairs (3.1.1.1), shared by the daily
    and monthly marts so that both count the same way.
-#}
{% macro reply_rate_measures() %}
    count(*) filter (where is_assessed) as consult_message_count,
    count(*) filter (where is_assessed and is_replied_within_5min) as replied_within_5min_count,
    {{ safe_rate(
        'count(*) filter (where is_assessed and is_replied_within_5min)',
        'count(*) filter (where is_assessed)',
    ) }} as reply_rate_5min,
    count(*) filter (where is_counted_unit and is_in_assessment_window and is_pending) as pending_message_count,
    count(*) as user_message_count,
    count(*) filter (where not is_in_assessment_window) as outside_window_message_count,
    {{ percentile_cont('cast(reply_latency_seconds as double)', 0.5) }} filter (where is_assessed and is_replied)
        as median_reply_latency_seconds,
    {{ percentile_cont('cast(reply_latency_seconds as double)', 0.9) }} filter (where is_assessed and is_replied)
        as p90_reply_latency_seconds
{% endmacro %}
