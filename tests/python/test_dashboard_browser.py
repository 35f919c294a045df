"""The dashboard in a real browser: headless Chromium driven over the DevTools protocol.

The app is served on a free 127.0.0.1 port over the published demo; each page is loaded until Streamlit
has finished and every chart has drawn, screenshotted into the test's temp folder, and read back from the
DOM: the shop ids and figures must be those the published file holds, and no page shows an error box.
Skipped only where Chromium is missing outside CI (CI installs it: .ci/run).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest

from dashboard import columns as c
from dashboard.masking import mask_evidence
from dashboard.ui import pct
from tests.python.conftest import Warehouse
from tests.python.dashboard_browser import chromium, dashboard_server, find_chromium


def chromium_or_skip() -> str:
    """Chromium's path; a skip outside CI when it is missing, a failure in CI."""
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs the Debian package `chromium`")
        pytest.skip("chromium is not installed (Debian package `chromium`; .ci/run installs it in CI)")
    return executable


def one(path: Path, sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
    """The first row of `sql` on the published file."""
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(sql, params or []).fetchone()
    assert row is not None
    return row


def test_every_page_renders_the_published_figures_in_chromium(published_demo: Warehouse, tmp_path: Path) -> None:
    executable = chromium_or_skip()
    path = published_demo.config.publish_path
    month, shops, non_compliant, failing_3_1_1, reply_rate, satisfaction = one(
        path,
        f"""
        select assessment_month, list(shop_id order by shop_id), count(*) filter (where not is_compliant),
            count(*) filter (where not reply_rate_passed),
            sum(replied_within_5min_count) / sum(consult_message_count), sum(satisfied_count) / sum(rating_count)
        from {c.ASSESSMENT} group by assessment_month order by sum(consult_message_count) desc limit 1
        """,
    )
    label = f"{month:%Y-%m}"
    shop, shop_rate, shop_consult = one(
        path,
        f"select shop_id, reply_rate_5min, consult_message_count from {c.ASSESSMENT} "
        "where assessment_month = ? order by content_hit_message_count desc, shop_id limit 1",
        [month],
    )
    hits, newest_evidence = one(
        path,
        f"select count(*), arg_max(matched_text, {c.SENT_AT_LOCAL}) from {c.CONTENT_HITS} where {c.HIT_MONTH} = ?",
        [month],
    )
    pairs = one(path, f"select count(*) from {c.REPLY_PAIRS}")[0]
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    shots: dict[str, dict[str, Any]] = {}

    with dashboard_server(path, tmp_path / "server.log") as url, chromium(profile, executable) as browser:
        for name, address in {
            "month": f"/?month={label}",
            "shop": f"/shop?month={label}&shop={shop}",
            "content": f"/content?month={label}",
            "health": "/health",
        }.items():
            page = browser.open(url + address)
            browser.screenshot(tmp_path / f"{name}.png")
            assert (tmp_path / f"{name}.png").stat().st_size > 10_000, f"{name}: blank screenshot?"
            assert page["exceptions"] == [], f"{name} shows an error: {page['exceptions']}"
            assert page["drawn"] == page["charts"], f"{name}: {page['charts'] - page['drawn']} charts not drawn"
            shots[name] = page

    month_page = shots["month"]
    assert month_page["title"] == f"Month overview · {label}"
    assert month_page["charts"] == 2
    assert month_page["metrics"]["Non-compliant"] == f"{non_compliant:,}"
    assert month_page["metrics"]["Failing 3.1.1"] == f"{failing_3_1_1:,}"
    assert month_page["metrics"]["Reply rate, 5 min"] == pct(reply_rate)
    assert month_page["metrics"]["Satisfaction"] == pct(satisfaction)
    shop_grid = month_page["grids"][0]
    assert all(shop_id in shop_grid for shop_id in shops), f"shop ids missing from the shop list: {shop_grid[:300]}"
    clause_rows = {row[0]: row for row in month_page["tables"][0][1:]}
    assert set(clause_rows) >= {"3.1.1", "3.1.2", "2.3"}
    assert clause_rows["3.1.1"][5] == f"{failing_3_1_1:,}"

    shop_page = shots["shop"]
    assert shop_page["title"] == f"Shop {shop} · {label}"
    assert shop_page["charts"] == 3
    assert shop_page["metrics"]["Reply rate, 5 min"] == pct(shop_rate)
    assert shop_page["metrics"]["Assessed messages"] == f"{shop_consult:,}"

    content_page = shots["content"]
    assert f"Hits ({hits:,}, newest first)" in content_page["text"]
    newest = content_page["grids"][-1]
    masked = mask_evidence(newest_evidence)
    assert masked is not None and masked in newest
    assert not re.search(r"\d{5}", newest.split("matched_text", 1)[-1]), "unmasked digits in the hit list"

    health_page = shots["health"]
    counts = {row[0]: row[1] for row in health_page["tables"][0][1:]}
    assert counts["main.consult_reply_pairs"] == f"{pairs:,}"
    assert re.search(r"Quarantined files\s+none", health_page["text"])
