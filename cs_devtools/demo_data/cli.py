"""Deterministic, vectorised demo-data generator for the merchant customer-service assessment.

Command line of ``python -m cs_devtools.demo_data`` (see the package docstring for what it writes)::

    python -m cs_devtools.demo_data --out DIR [--seed 42] [--shops 30] [--days 61]
        [--start 2026-09-01] [--messages N] [--dirty-rate 0.002] [--force]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cs_devtools.demo_data.profiles import DEFAULT_MESSAGES_PER_SHOP_DAY
from cs_devtools.demo_data.run import generate


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m cs_devtools.demo_data", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, required=True, help="output directory")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--shops", type=int, default=30)
    p.add_argument("--days", type=int, default=61)
    p.add_argument("--start", type=date.fromisoformat, default=date(2026, 9, 1), help="first local day (YYYY-MM-DD)")
    p.add_argument("--messages", type=int, default=None,
                   help=f"approximate total messages (default {DEFAULT_MESSAGES_PER_SHOP_DAY} per shop per day)")
    p.add_argument("--dirty-rate", type=float, default=0.002, help="share of deliberately dirty rows")
    p.add_argument("--force", action="store_true", help="regenerate even if OUT already has data")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    a = parse_args(argv)
    summary = generate(a.out, seed=a.seed, shops=a.shops, days=a.days, start=a.start, messages=a.messages,
                       dirty_rate=a.dirty_rate, force=a.force)
    print(summary.describe())
    return 0
