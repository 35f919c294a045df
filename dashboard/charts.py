"""Altair (Vega-Lite) charts of query results; thresholds drawn as dashed red lines. Nothing is computed here."""

from __future__ import annotations

import altair as alt
import pandas as pd

THRESHOLD_COLOR = "#d62728"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
RATE_AXIS = alt.Axis(format="%")
Chart = alt.Chart | alt.LayerChart | alt.FacetChart  # what st.altair_chart draws


def monthly_trend(trend: pd.DataFrame) -> Chart:
    """Pooled reply rate and satisfaction per month, each with its threshold (dashed)."""
    base = alt.Chart(trend).encode(x=alt.X("yearmonth(month):O", title="month"))
    rates = (
        base.transform_fold(["reply_rate_5min", "satisfaction_rate"], as_=["metric", "rate"])
        .mark_line(point=True)
        .encode(
            y=alt.Y("rate:Q", title="pooled rate", axis=RATE_AXIS, scale=alt.Scale(zero=False)),
            color=alt.Color("metric:N", title=None),
            tooltip=[alt.Tooltip("yearmonth(month):O", title="month"), "metric:N", alt.Tooltip("rate:Q", format=".2%")],
        )
    )
    thresholds = (
        base.transform_fold(["reply_rate_threshold", "satisfaction_threshold"], as_=["threshold_of", "threshold"])
        .mark_line(color=THRESHOLD_COLOR, strokeDash=[6, 4])
        .encode(y="threshold:Q", detail="threshold_of:N", tooltip=["threshold_of:N", "threshold:Q"])
    )
    chart: Chart = alt.layer(rates, thresholds).properties(height=280)
    return chart


def failing_by_clause(clauses: pd.DataFrame) -> Chart:
    """Shops failing each clause this month."""
    chart: Chart = (
        alt.Chart(clauses)
        .mark_bar(color=THRESHOLD_COLOR)
        .encode(
            x=alt.X("shops_failing:Q", title="shops failing", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("clause:N", sort=None, title="clause"),
            tooltip=["clause:N", "requirement:N", "shops_failing:Q", "shops_with_verdict:Q", "chapter_4_category:N"],
        )
        .properties(height=alt.Step(22))
    )
    return chart


def daily_reply_rate(daily: pd.DataFrame, threshold: float | None) -> Chart:
    """The shop's daily 5-minute reply rate with the threshold of the month."""
    line: alt.Chart = (
        alt.Chart(daily)
        .mark_line(point=True)
        .encode(
            x=alt.X("day:T", title="day", axis=alt.Axis(format="%b %d", tickCount="day")),
            y=alt.Y("reply_rate_5min:Q", title="5-minute reply rate", axis=RATE_AXIS),
            tooltip=["day:T", alt.Tooltip("reply_rate_5min:Q", format=".2%"), "consult_messages:Q"],
        )
        .properties(height=260)
    )
    if threshold is None:
        return line
    rule = alt.Chart(pd.DataFrame({"threshold": [threshold]})).mark_rule(color=THRESHOLD_COLOR, strokeDash=[6, 4])
    layered: Chart = alt.layer(line, rule.encode(y="threshold:Q"))
    return layered


def miss_heatmap(cells: pd.DataFrame) -> Chart:
    """Missed 5-minute replies by local hour and weekday."""
    chart: Chart = (
        alt.Chart(cells)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="hour of day (platform time)"),
            y=alt.Y("weekday_name:N", sort=WEEKDAYS, title=None),
            color=alt.Color("missed:Q", title="missed", scale=alt.Scale(scheme="orangered")),
            tooltip=[
                "weekday_name:N",
                "hour:O",
                "assessed:Q",
                "missed:Q",
                alt.Tooltip("reply_rate_5min:Q", format=".1%"),
            ],
        )
        .properties(height=220)
    )
    return chart


def ratings(breakdown: pd.DataFrame) -> Chart:
    """Effective ratings by source and by verdict (two facets of one bar chart)."""
    chart: Chart = (
        alt.Chart(breakdown)
        .mark_bar()
        .encode(
            x=alt.X("ratings:Q", title="ratings", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("label:N", sort=None, title=None),
            color=alt.Color("breakdown:N", legend=None),
            row=alt.Row("breakdown:N", title=None, sort=["source", "rating"]),
            tooltip=["breakdown:N", "label:N", "ratings:Q"],
        )
        .resolve_scale(y="independent")
        .properties(height=80)
    )
    return chart


def hits_per_rule(summary: pd.DataFrame) -> Chart:
    """Content-rule hits per rule, coloured by clause."""
    chart: Chart = (
        alt.Chart(summary)
        .mark_bar()
        .encode(
            x=alt.X("hits:Q", title="hits", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("rule_code:N", title="rule", sort=alt.SortField("clause"), axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("clause:N", title="clause"),
            tooltip=["clause:N", "rule_code:N", "detector:N", "hits:Q", "messages:Q", "shops:Q"],
        )
        .properties(height=alt.Step(20))
    )
    return chart
