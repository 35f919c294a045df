"""The dashboard's entry script: `make dashboard`, or `streamlit run dashboard/app.py` from the repo root."""

from __future__ import annotations

import streamlit as st

from dashboard import db, queries, ui

st.set_page_config(page_title="cs-rules operations", page_icon=":bar_chart:", layout="wide")

PAGES = [
    st.Page("views/month.py", title="Month overview", icon=":material/calendar_month:", url_path="month", default=True),
    st.Page("views/shop.py", title="Shop drill-down", icon=":material/storefront:", url_path="shop"),
    st.Page("views/content_review.py", title="Content-rule review", icon=":material/policy:", url_path="content"),
    st.Page("views/data_health.py", title="Data health", icon=":material/monitor_heart:", url_path="health"),
]

navigation = st.navigation(PAGES)
published = ui.require_published()
ui.month_picker()
info = db.load(queries.publish_info)
if not info.empty:
    st.sidebar.caption(
        f"Published {info['published_at'].iloc[0] or '—'} (build finished {info['built_at'].iloc[0] or '—'}) "
        f"from `{published.path}`. Rates for groups of shops are pooled: sum of numerators / sum of denominators."
    )
navigation.run()
