"""Widgets and formatting shared by the pages."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import db, queries

MONTH_KEY = "month"
PAGE_SIZE = 50
MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>|~#]|^[-+](?=\s)")  # what Markdown would not show as typed
COMPARATORS = {">=": "≥", "<=": "≤", "<>": "≠", "!=": "≠"}  # st.table renders cells as Markdown


def missing(value: Any) -> bool:
    """None, NaN or pandas' NA (how a SQL null reaches a DataFrame)."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def number(value: Any) -> float | None:
    """A SQL number as a float, None for null."""
    return None if missing(value) else float(value)


def flag(value: Any) -> bool | None:
    """A SQL boolean as a bool, None for null."""
    return None if missing(value) else bool(value)


def text(value: Any) -> str:
    """A SQL string, `—` for null."""
    return "—" if missing(value) else str(value)


def markdown_literal(value: Any) -> Any:
    """A cell for st.table (which renders strings as Markdown): strings escaped, null as `—`."""
    if missing(value):
        return "—"
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return f"{int(value):,}"
    return MARKDOWN_SPECIAL.sub(r"\\\g<0>", value) if isinstance(value, str) else value


def utc_text(value: Any) -> str:
    """An ISO UTC timestamp string (`2026-11-29T07:19:04.807Z`) to the minute: `2026-11-29 07:19 UTC`."""
    return "—" if missing(value) else f"{str(value)[:16].replace('T', ' ')} UTC"


def pct(value: Any, digits: int = 2) -> str:
    """A rate in [0, 1] as a percentage (`83.11%`); `—` when there is none."""
    return "—" if missing(value) else f"{float(value) * 100:.{digits}f}%"


def count(value: Any) -> str:
    """A count with thousands separators; `—` when there is none."""
    return "—" if missing(value) else f"{int(value):,}"


def month_label(month: date) -> str:
    """`2026-09`."""
    return f"{month:%Y-%m}"


def require_published() -> db.Published:
    """The published file, or a warning saying how to get one (and the page stops)."""
    try:
        return db.current()
    except db.NotPublished as reason:
        st.warning(str(reason))
        st.stop()
        raise  # unreachable: st.stop() ends the run


def month_picker() -> date | None:
    """Sidebar choice of month (shared by the pages, kept in the URL as ?month=YYYY-MM).

    The default is the latest month with any assessed message or rating; None when nothing is assessed."""
    months = db.load(queries.months)
    if months.empty:
        return None
    options: list[date] = [pd.Timestamp(value).date() for value in months["month"]]
    with_rates = [month for month, has in zip(options, months["has_rates"], strict=True) if bool(has)]
    default = with_rates[0] if with_rates else options[0]
    wanted = st.query_params.get(MONTH_KEY)
    by_label = {month_label(month): month for month in options}
    if MONTH_KEY not in st.session_state:
        st.session_state[MONTH_KEY] = by_label.get(wanted or "", default)
    elif st.session_state[MONTH_KEY] not in options:
        st.session_state[MONTH_KEY] = default
    chosen: date = st.sidebar.selectbox("Month", options, format_func=month_label, key=MONTH_KEY)
    st.query_params[MONTH_KEY] = month_label(chosen)
    return chosen


def pager(total: int, key: str, page_size: int = PAGE_SIZE) -> tuple[int, int]:
    """A page number input when `total` rows need more than one page; returns (limit, offset)."""
    pages = max(1, math.ceil(total / page_size))
    if pages == 1:
        return page_size, 0
    page = st.number_input(f"Page (of {pages}, {page_size} rows each)", 1, pages, 1, key=key)
    return page_size, (int(page) - 1) * page_size


def show_table(frame: pd.DataFrame, rates: tuple[str, ...] = ()) -> None:
    """A small result as a static HTML table (readable on any screen, and by the browser test):
    rates as percentages, missing values as `—`."""
    shown = frame.astype(object)
    for column in shown.columns:
        format_cell = pct if column in rates else markdown_literal
        shown[column] = [format_cell(value) for value in shown[column]]
    st.table(shown, hide_index=True)


def selected_month() -> date | None:
    """The month chosen in the sidebar (None when the published file has no month)."""
    month: date | None = st.session_state.get(MONTH_KEY)
    return month


def threshold_text(comparator: str, threshold: float, metric: str) -> str:
    """`≥ 80%` for a rate, `≤ 0 hits` for a hit count."""
    shown = pct(threshold, 0) if "rate" in metric else f"{threshold:g} hits"
    return f"{COMPARATORS.get(comparator, comparator)} {shown}"
