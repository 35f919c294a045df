"""Page 1: a month's assessment: shops by verdict and clause, chapter 4's categories, trend, shop list."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db, queries, ui

month = ui.selected_month()
if month is None:
    st.title("Month overview")
    st.info("The published file holds no assessed month yet.")
    st.stop()
    raise SystemExit  # unreachable: st.stop() ends the run

label = ui.month_label(month)
st.title(f"Month overview · {label}")
summary = db.load(queries.month_summary, month).iloc[0]
if summary["shops"] == 0:
    st.info(f"No shop has a message or a rating in {label}.")

first = st.columns(6)
first[0].metric("Shops assessed", ui.count(summary["shops_assessed"]), help="Shops with a verdict on any rule")
first[1].metric("Compliant", ui.count(summary["shops_compliant"]))
first[2].metric("Non-compliant", ui.count(summary["shops_non_compliant"]))
first[3].metric("Failing 3.1.1", ui.count(summary["shops_failing_3_1_1"]), help="5-minute reply rate below threshold")
first[4].metric("Failing 3.1.2", ui.count(summary["shops_failing_3_1_2"]), help="Satisfaction below threshold")
first[5].metric("Failing 2.3–2.9", ui.count(summary["shops_failing_content_rules"]), help="Any hit of 2.3-2.9")
second = st.columns(6)
second[0].metric("Reply rate, 5 min", ui.pct(summary["reply_rate_5min"]), help="Pooled over the shops (3.1.1)")
second[1].metric("Assessed messages", ui.count(summary["consult_messages"]))
second[2].metric("Satisfaction", ui.pct(summary["satisfaction_rate"]), help="Pooled over the shops (3.1.2)")
second[3].metric("Effective ratings", ui.count(summary["ratings"]))
second[4].metric("Content-hit messages", ui.count(summary["content_hit_messages"]))
second[5].metric(
    "Pending messages",
    ui.count(summary["pending_messages"]),
    help="Not counted yet: their 5 minutes had not run out at the data edge",
)

st.subheader("Verdicts per clause")
clauses = db.load(queries.clause_results, month)
if clauses.empty:
    st.write("No rule version had a verdict this month.")
else:
    thresholds = [
        ui.threshold_text(comparator, threshold, metric)
        for comparator, threshold, metric in zip(
            clauses["comparator"], clauses["threshold"], clauses["metric"], strict=True
        )
    ]
    ui.show_table(
        clauses.assign(threshold=thresholds)[
            [
                "clause",
                "requirement",
                "rule_version_id",
                "threshold",
                "shops_with_verdict",
                "shops_failing",
                "chapter_4_category",
            ]
        ]
    )

left, right = st.columns(2)
with left:
    st.subheader("Shops failing per clause")
    if clauses.empty:
        st.write("None.")
    else:
        st.altair_chart(charts.failing_by_clause(clauses), width="stretch")
with right:
    st.subheader("Chapter 4 categories")
    categories = db.load(queries.category_counts, month)
    if categories.empty:
        st.write("None: no failed rule maps to a chapter 4 category this month.")
    else:
        ui.show_table(categories)
    st.caption("Failures of 3.1.2, 2.7 and 2.8 map to no chapter 4 category (the rules name none).")

st.subheader("Trend: pooled rates per month")
st.altair_chart(charts.monthly_trend(db.load(queries.monthly_trend)), width="stretch")
st.caption("Pooled over all shops (sum of numerators / sum of denominators); dashed red: the thresholds in force.")

st.subheader("Shops")
limit, offset = ui.pager(int(summary["shops"]), key="month_shops_page")
shops = db.load(queries.shop_table, month, limit, offset)
shops["details"] = [f"shop?shop={shop}&month={label}" for shop in shops["shop_id"]]
st.dataframe(
    shops,
    hide_index=True,
    column_config={
        "reply_rate_5min": st.column_config.NumberColumn("reply rate", format="percent"),
        "satisfaction_rate": st.column_config.NumberColumn("satisfaction", format="percent"),
        "details": st.column_config.LinkColumn("details", display_text="drill down"),
    },
)
