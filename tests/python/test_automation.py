"""2.11 suspected automation on the demo export: the generator's bot-operated account is flagged every day,
and no human account is, the fast shop's own accounts included (issue 15)."""

from __future__ import annotations

import json

from tests.python.conftest import Warehouse
from tests.python.dbt_helpers import query


def test_bot_operated_account_is_flagged_and_fast_humans_are_not(published_demo: Warehouse) -> None:
    truth = json.loads((published_demo.raw_dir / "manifest.json").read_text(encoding="utf-8"))
    bot, shop = truth["automation"]["account_id"], truth["automation"]["shop_id"]
    humans = truth["automation"]["human_accounts_of_the_shop"]
    assert truth["shops"][shop]["reply_profile"] == "fast"
    db = published_demo.db_path

    bot_days = query(
        db,
        "select count(*), count(*) filter (where is_suspected_automation), min(signal_count), "
        "count(*) filter (where has_fast_reply_signal and has_templated_text_signal and has_around_the_clock_signal) "
        f"from main.suspected_automation where account_id = '{bot}'",
    )
    (days, flagged, fewest_signals, all_but_latency), = bot_days
    assert days >= 9 and flagged == days and fewest_signals >= 3 and all_but_latency == days

    # the same shop's people answer fast (a median of well under a minute) and are never suspected
    fast_humans = query(
        db,
        "select account_id, median(median_reply_latency_seconds), count(*) filter (where is_suspected_automation), "
        "max(signal_count) from main.suspected_automation "
        f"where shop_id = '{shop}' and account_id <> '{bot}' group by account_id order by account_id",
    )
    assert [row[0] for row in fast_humans] == sorted(humans)
    for account, median_latency, suspected, most_signals in fast_humans:
        assert median_latency < 60 and suspected == 0 and most_signals <= 1, account

    assert query(
        db, f"select count(*) from main.suspected_automation where is_suspected_automation and account_id <> '{bot}'"
    ) == [(0,)]
    # robots are the platform's auto-reply, not an account
    assert query(db, "select count(*) from main.suspected_automation where account_id like '%-robot'") == [(0,)]


def test_suspected_automation_is_published_with_pseudonymous_accounts(published_demo: Warehouse) -> None:
    published = published_demo.config.publish_path
    rows = query(published, "select count(*), count(*) filter (where account_id like 'a\\_%' escape '\\') "
                            "from main.suspected_automation")
    assert rows[0][0] > 0 and rows[0][0] == rows[0][1]
    # not an assessed rule: the catalog has no 2.11 row and the assessment no 2.11 column
    assert query(published, "select count(*) from reference.rule_catalog where clause = '2.11'") == [(0,)]
    columns = [row[0] for row in query(published, "describe main.shop_monthly_assessment")]
    assert not [c for c in columns if "2_11" in c]


def test_bot_broadcasts_are_bulk_cold_outreach_and_ordinary_shops_are_not(published_demo: Warehouse) -> None:
    """2.6: the bot's daily broadcast to users who never wrote to the shop makes its shop-months bulk cold
    outreach; no other shop reaches the threshold (its cold messages are the 2.5 harassment episodes)."""
    shop = json.loads((published_demo.raw_dir / "manifest.json").read_text(encoding="utf-8"))["automation"]["shop_id"]
    rows = query(
        published_demo.db_path,
        "select shop_id = ?, bool_and(is_bulk_cold_outreach), bool_or(is_bulk_cold_outreach), "
        "sum(cold_outreach_user_count) from main.shop_monthly_cold_outreach group by 1 order by 1".replace(
            "?", f"'{shop}'"
        ),
    )
    assert rows[0][:3] == (False, False, False)
    assert rows[1][:3] == (True, True, True) and rows[1][3] >= 20
