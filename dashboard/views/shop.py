"""Page 2: one shop's month: reply rate by day, where the misses are, reply speed per account,
satisfaction by source, content-rule hits with masked evidence, pending messages, and its history."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, db, queries, ui
from dashboard import columns as c
from dashboard.masking import mask_evidence

SHOP_KEY = "shop"
PENDING_SHOWN = 20

month = ui.selected_month()
if month is None:
    st.title("Shop drill-down")
    st.info("The published file holds no assessed month yet.")
    st.stop()
    raise SystemExit  # unreachable: st.stop() ends the run
label = ui.month_label(month)
shops = db.load(queries.shop_ids, month)["shop_id"].tolist()
if not shops:
    st.title("Shop drill-down")
    st.info(f"No shop has a message or a rating in {label}.")
    st.stop()

wanted = st.session_state.get(SHOP_KEY) or st.query_params.get(SHOP_KEY)
if wanted not in shops:
    wanted = shops[0]  # the most failed rules first
st.session_state[SHOP_KEY] = wanted
shop_id: str = st.sidebar.selectbox("Shop", shops, key=SHOP_KEY, help="Shops of the month, most failed rules first")
st.query_params[SHOP_KEY] = shop_id
row = db.load(queries.shop_month, shop_id, month).iloc[0]

st.title(f"Shop {shop_id} · {label}")
verdict = ui.flag(row[c.IS_COMPLIANT])
if verdict is None:
    st.markdown("**No verdict** this month (no rule had a value).")
elif verdict:
    st.markdown(":green[**Compliant**]: every rule in force passed.")
else:
    st.markdown(
        f":red[**Non-compliant**]: failed {row[c.FAILED_CLAUSES]}; chapter 4: {ui.text(row[c.VIOLATION_CATEGORIES])}."
    )
st.caption(f"Rule versions applied: {ui.text(row[c.RULE_VERSION_IDS])}")

metrics = st.columns(6)
metrics[0].metric(
    "Reply rate, 5 min",
    ui.pct(row[c.REPLY_RATE]),
    help=f"threshold {ui.pct(row[c.REPLY_RATE_THRESHOLD], 0)} (3.1.1)",
)
metrics[1].metric("Assessed messages", ui.count(row[c.CONSULT_COUNT]))
metrics[2].metric(
    "Satisfaction",
    ui.pct(row[c.SATISFACTION_RATE]),
    help=f"threshold {ui.pct(row[c.SATISFACTION_THRESHOLD], 0)} (3.1.2)",
)
metrics[3].metric("Effective ratings", ui.count(row[c.RATING_COUNT]))
metrics[4].metric("Content-hit messages", ui.count(row[c.CONTENT_HIT_MESSAGES]))
metrics[5].metric("Pending messages", ui.count(row[c.PENDING_COUNT]))

st.subheader("Daily 5-minute reply rate")
daily = db.load(queries.shop_daily, shop_id, month)
threshold = ui.number(row[c.REPLY_RATE_THRESHOLD])
if daily["reply_rate_5min"].notna().any():
    st.altair_chart(charts.daily_reply_rate(daily, threshold), width="stretch")
else:
    st.write("No assessed message this month.")

left, right = st.columns(2)
with left:
    st.subheader("Where the misses are")
    cells = db.load(queries.miss_heatmap, shop_id, month)
    if cells.empty:
        st.write("No assessed message this month.")
    else:
        st.altair_chart(charts.miss_heatmap(cells), width="stretch")
    st.caption(
        "Assessed messages not replied within 5 minutes, by weekday and hour they were sent (platform time): "
        "aggregated here from consult_reply_pairs (is_assessed, is_replied_within_5min), as no mart has this breakdown."
    )
with right:
    st.subheader("Satisfaction by source")
    ratings = db.load(queries.shop_ratings, shop_id, month)
    if not ui.number(row[c.RATING_COUNT]):
        st.write("No effective rating this month.")
    else:
        st.altair_chart(charts.ratings(ratings), width="stretch")
    st.caption(
        "Effective ratings by source and by verdict, from shop_monthly_assessment; satisfaction is pooled over "
        "all three sources (3.1.2.2): the marts publish no rate per source."
    )

st.subheader("Reply speed per account")
accounts = db.load(queries.account_speed, shop_id, month)
if accounts.empty:
    st.write("No assessed message was replied this month.")
else:
    ui.show_table(accounts, rates=("share_within_5min",))
st.caption(
    "Assessed messages each account (main or sub-account) answered: aggregated here from consult_reply_pairs "
    "(is_assessed, is_replied, is_replied_within_5min, reply_account_id). Unanswered messages have no account. "
    "Account ids are pseudonyms (a_...) unless the warehouse was published with CS_PUBLISH_PERSONAL_DATA=1: "
    "the holder of the pseudonym key can match them to account ids (cs_tools.publish.pseudonym)."
)

st.subheader("Content-rule hits")
st.markdown(" · ".join(f"**{clause}**: {ui.count(row[column])}" for clause, column in c.HIT_COUNTS.items()))
total_hits = int(db.load(queries.hit_count, month, (), (), shop_id)["hits"].iloc[0])
if total_hits == 0:
    st.write("No content-rule hit this month.")
else:
    limit, offset = ui.pager(total_hits, key="shop_hits_page")
    hits = db.load(queries.hit_page, month, (), (), shop_id, limit, offset)
    hits["matched_text"] = [mask_evidence(text) for text in hits["matched_text"]]
    st.dataframe(hits.drop(columns=["shop_id"]), hide_index=True)
    st.caption("Evidence is masked: digit runs keep their first and last 2 digits, e-mails the first character.")

st.subheader("Pending messages at the data edge")
pending = int(ui.number(row[c.PENDING_COUNT]) or 0)
if pending == 0:
    st.write("None: every assessed message's 5 minutes had run out when the data ends.")
else:
    st.write(f"{pending:,} messages were still inside their 5 minutes when the data ends (not counted yet).")
    st.dataframe(db.load(queries.pending_messages, shop_id, month, PENDING_SHOWN), hide_index=True)

st.subheader("History")
ui.show_table(db.load(queries.shop_history, shop_id), rates=("reply_rate_5min", "satisfaction_rate"))
