{#-
    The 5-minute reply-rate measures over rows of consult_reply_pairs (3.1.1.1), shared by the daily
    and monthly marts so that both count the same way. Counted units in the assessment window are
    assessed, pending or exempt (an assessment exemption, issue 15), each counted once.
-#}
{% macro reply_rate_measures() %}
    count(*) filter (where is_assessed) as consult_message_count,
    count(*) filter (where is_assessed and is_replied_within_5min) as replied_within_5min_count,
    {{ safe_rate(
        'count(*) filter (where is_assessed and is_replied_within_5min)',
        'count(*) filter (where is_assessed)',
    ) }} as reply_rate_5min,
    count(*) filter (where is_counted_unit and is_in_assessment_window and is_pending and not is_exempt)
        as pending_message_count,
    count(*) filter (where is_counted_unit and is_in_assessment_window and is_exempt) as exempt_message_count,
    count(*) as user_message_count,
    count(*) filter (where not is_in_assessment_window) as outside_window_message_count,
    {{ percentile_cont('cast(reply_latency_seconds as double)', 0.5) }} filter (where is_assessed and is_replied)
        as median_reply_latency_seconds,
    {{ percentile_cont('cast(reply_latency_seconds as double)', 0.9) }} filter (where is_assessed and is_replied)
        as p90_reply_latency_seconds
{% endmacro %}


{#-
    The whole reply-rate rollup of consult_reply_pairs by shop and `period_column` (activity_date or
    assessment_month), shared by the daily and monthly marts. A message belongs to the period in which
    the user sent it, whenever the reply came, so replacing the window's periods is exact.
-#}
{% macro select_reply_rate_rollup(period_column) %}
    with

    pairs as (
        select
            shop_id,
            {{ period_column }},
            is_counted_unit,
            is_in_assessment_window,
            is_assessed,
            is_replied,
            is_replied_within_5min,
            is_pending,
            is_exempt,
            reply_latency_seconds
        from {{ ref('consult_reply_pairs') }}
        where {{ in_incremental_window() }}
    ),

    final as (
        select
            shop_id,
            {{ period_column }},
            {{ reply_rate_measures() }}
        from pairs
        group by shop_id, {{ period_column }}
    )

    select * from final
{% endmacro %}
