"""Page 3: content-rule hits for a reviewer: per clause and rule, filterable, with masked evidence."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db, queries, ui
from dashboard.masking import mask_evidence

month = ui.selected_month()
st.title("Content-rule review" + (f" · {ui.month_label(month)}" if month else ""))
if month is None:
    st.info("The published file holds no assessed month yet.")
    st.stop()
    raise SystemExit  # unreachable: st.stop() ends the run

rules = db.load(queries.hit_rules, month)
if rules.empty:
    st.info(f"No content-rule hit in {ui.month_label(month)}.")
    st.stop()

filters = st.columns([1, 2, 1])
clauses: list[str] = filters[0].multiselect("Clause", sorted(set(rules["clause"])), key="review_clauses")
codes = sorted(set(rules[rules["clause"].isin(clauses)]["rule_code"] if clauses else rules["rule_code"]))
rule_codes: list[str] = filters[1].multiselect("Rule", codes, key="review_rules")
shop_id = filters[2].text_input("Shop id", key="review_shop").strip() or None

summary = db.load(queries.hit_summary, month, tuple(clauses), tuple(rule_codes), shop_id)
st.subheader("Hits per clause and rule")
if summary.empty:
    st.write("No hit matches the filter.")
    st.stop()
st.altair_chart(charts.hits_per_rule(summary), width="stretch")
ui.show_table(summary)

total = int(db.load(queries.hit_count, month, tuple(clauses), tuple(rule_codes), shop_id)["hits"].iloc[0])
st.subheader(f"Hits ({total:,}, newest first)")
limit, offset = ui.pager(total, key="review_page")
hits = db.load(queries.hit_page, month, tuple(clauses), tuple(rule_codes), shop_id, limit, offset)
hits["matched_text"] = [mask_evidence(text) for text in hits["matched_text"]]
st.dataframe(hits, hide_index=True)
st.caption(
    "matched_text is the evidence the rule matched, masked: digit runs of 5+ keep their first and last 2 digits, "
    "e-mail addresses the first character of the name. rule: the requirement of the rule version applied (5.1)."
)
