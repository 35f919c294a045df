"""Page 4: data health: the publish manifest, rejected and duplicate rows by reason, quarantined files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import columns as c
from dashboard import db, queries, ui

QUARANTINE_ROWS = 100

st.title("Data health")
published = db.current()
manifest = db.load(queries.manifest)
if manifest.empty:
    st.warning("The published file has no publish manifest.")
else:
    first = manifest.iloc[0]
    top = st.columns(4)
    top[0].metric("Build finished", ui.utc_text(first["built_at"]))
    top[1].metric("Published", ui.utc_text(first["published_at"]))
    top[2].metric("dbt", ui.text(first["dbt_version"]))
    top[3].metric("Tables published", ui.count(len(manifest)))
    st.caption(f"dbt invocation {ui.text(first['dbt_invocation_id'])}; file `{published.path}`.")
    st.markdown(f"**Rule versions in force** at build time: {ui.text(first['rule_versions_in_force'])}")
    st.markdown(f"**Rule versions applied** by the assessment: {ui.text(first['rule_versions_applied'])}")
    st.subheader("Row counts")
    ui.show_table(manifest[["table", "rows"]])

audit = db.load(queries.audit_tables)
tables = dict(zip(audit["table_name"], audit["columns"], strict=True)) if not audit.empty else {}

st.subheader("Rejected and duplicate rows")
groups: list[pd.DataFrame] = []
for table, table_columns in tables.items():
    if table == c.QUARANTINED_FILES_TABLE or not table.startswith((c.REJECTED_PREFIX, c.DUPLICATE_PREFIX)):
        continue
    reason = next((name for name in (c.REJECT_REASON, c.DUPLICATE_KIND) if name in list(table_columns)), None)
    counts = db.load(queries.audit_counts, table, reason)
    if counts.empty:
        counts = pd.DataFrame({"reason": ["—"], "rows": [0]})
    groups.append(counts.assign(table=f"{c.AUDIT_SCHEMA}.{table}")[["table", "reason", "rows"]])
if not groups:
    st.write("None: the published file has no rejected or duplicate rows table.")
else:
    reasons = pd.concat(groups, ignore_index=True)
    ui.show_table(reasons)
    st.caption("Rejected: rows that could not be used (reject_reason). Duplicates: rows whose id was already kept.")

st.subheader("Quarantined files")
quarantined = (
    db.load(queries.audit_rows, c.QUARANTINED_FILES_TABLE, QUARANTINE_ROWS)
    if c.QUARANTINED_FILES_TABLE in tables
    else None
)
if quarantined is None or quarantined.empty:
    st.write("none")
else:
    st.write(f"First {QUARANTINE_ROWS} rows of {c.AUDIT_SCHEMA}.{c.QUARANTINED_FILES_TABLE}:")
    st.dataframe(quarantined, hide_index=True)
