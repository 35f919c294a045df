"""Print a short, readable summary of a built assessment database (the end of `make build`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

RECONCILIATION_SQL = """
select
    'messages' as source,
    (select count(*) from raw.messages) as raw_rows,
    (select count(*) from staging.stg_cs_raw__messages) as kept_rows,
    (select count(*) from audit.rejected_messages) as rejected_rows,
    (select count(*) from audit.duplicate_messages) as duplicate_rows
union all
select
    'ratings',
    (select count(*) from raw.ratings),
    (select count(*) from staging.stg_cs_raw__ratings),
    (select count(*) from audit.rejected_ratings),
    (select count(*) from audit.duplicate_ratings)
"""

MONTHLY_SQL = """
select
    strftime(assessment_month, '%Y-%m') as month,
    count(*) as shops,
    sum(consult_message_count) as consult_messages,
    round(sum(replied_within_5min_count) / nullif(sum(consult_message_count), 0), 4) as reply_rate_5min,
    count(*) filter (where reply_rate_passed = false) as failing_3_1_1,
    round(sum(satisfied_count) / nullif(sum(rating_count), 0), 4) as satisfaction,
    count(*) filter (where satisfaction_passed = false) as failing_3_1_2,
    sum(content_hit_message_count) as content_hit_messages,
    count(*) filter (where is_compliant = false) as non_compliant_shops
from main.shop_monthly_assessment
group by all
order by month
"""

FAILING_SQL = """
select
    shop_id,
    strftime(assessment_month, '%Y-%m') as month,
    round(reply_rate_5min, 4) as reply_rate_5min,
    round(satisfaction_rate, 4) as satisfaction,
    failed_clauses,
    coalesce(violation_categories, '') as violation_categories
from main.shop_monthly_assessment
where is_compliant = false
order by assessment_month, failed_rule_count desc, shop_id
limit ?
"""


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Render rows as a plain, aligned text table."""
    cells = [[("" if value is None else str(value)) for value in row] for row in rows]
    widths = [max([len(header), *(len(row[i]) for row in cells)]) for i, header in enumerate(headers)]
    lines = ["  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    lines.extend("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(lines)


def summarise(db_path: Path, *, failing_limit: int = 15) -> str:
    """The summary text of the database at `db_path`."""
    with duckdb.connect(str(db_path), read_only=True) as connection:
        sections = []
        for title, sql, parameters in (
            ("Input reconciliation (raw = kept + rejected + duplicates)", RECONCILIATION_SQL, []),
            ("Monthly assessment (shops; rates pooled over shops)", MONTHLY_SQL, []),
            (f"Non-compliant shop-months (first {failing_limit})", FAILING_SQL, [failing_limit]),
        ):
            result = connection.execute(sql, parameters)
            headers = [column[0] for column in result.description]
            sections.append(f"{title}\n{format_table(headers, result.fetchall())}")
    return "\n\n".join(sections)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the DuckDB file dbt built")
    parser.add_argument("--failing", type=int, default=15, help="how many non-compliant shop-months to list")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"no database at {args.db}: run `make build` first", file=sys.stderr)
        return 1
    print(summarise(args.db, failing_limit=args.failing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
