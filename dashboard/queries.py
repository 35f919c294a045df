"""All the dashboard's SQL: small functions taking a read-only connection to the published file.

Figures come from the marts. A rate for a group of shops is pooled in SQL from the marts' count columns
(sum of numerators / sum of denominators), never an average of rates. The breakdowns no mart has (hour of
day x weekday, per reply account) aggregate `consult_reply_pairs` with the flags the marts count by
(`is_assessed`, `is_replied_within_5min`, `is_pending`) and always filter it by shop and month; lists of
rows are paged (limit / offset). Column names come from `columns`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from dashboard import columns as c


def _df(connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    return connection.execute(sql, list(params)).df()


def _pooled(numerator: str, denominator: str) -> str:
    """A pooled rate over the group's rows: sum of numerators / sum of denominators (null when 0)."""
    return f"sum({numerator}) / nullif(sum({denominator}), 0)"


def _in_month(column: str) -> str:
    """`column` (a date or timestamp) falls in the month starting at the bound parameter."""
    return f"{column} >= cast(? as date) and {column} < cast(? as date) + interval 1 month"


# --------------------------------------------------------------------------------------------------
# months and shops
# --------------------------------------------------------------------------------------------------


def months(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each month of the assessment, newest first: shops, and whether any rate had a denominator."""
    return _df(
        connection,
        f"""
        select {c.ASSESSMENT_MONTH} as month, count(*) as shops,
            coalesce(sum({c.CONSULT_COUNT}), 0) + coalesce(sum({c.RATING_COUNT}), 0) > 0 as has_rates
        from {c.ASSESSMENT} group by {c.ASSESSMENT_MONTH} order by {c.ASSESSMENT_MONTH} desc
        """,
    )


def shop_ids(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """Shops assessed in `month`, the non-compliant first (most failed rules first), then by id."""
    return _df(
        connection,
        f"""
        select {c.SHOP_ID} as shop_id from {c.ASSESSMENT} where {c.ASSESSMENT_MONTH} = ?
        order by coalesce({c.FAILED_RULE_COUNT}, 0) desc, {c.SHOP_ID}
        """,
        [month],
    )


# --------------------------------------------------------------------------------------------------
# page 1: a month
# --------------------------------------------------------------------------------------------------


def month_summary(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """One row: shop counts by verdict and the month's pooled rates (empty month: counts 0, rates null)."""
    return _df(
        connection,
        f"""
        select
            count(*) as shops,
            count(*) filter (where {c.ASSESSED_RULE_COUNT} > 0) as shops_assessed,
            count(*) filter (where {c.IS_COMPLIANT}) as shops_compliant,
            count(*) filter (where not {c.IS_COMPLIANT}) as shops_non_compliant,
            count(*) filter (where not {c.REPLY_RATE_PASSED}) as shops_failing_3_1_1,
            count(*) filter (where not {c.SATISFACTION_PASSED}) as shops_failing_3_1_2,
            count(*) filter (where not {c.CONTENT_RULES_PASSED}) as shops_failing_content_rules,
            coalesce(sum({c.CONSULT_COUNT}), 0) as consult_messages,
            coalesce(sum({c.REPLIED_5MIN_COUNT}), 0) as replied_within_5min,
            {_pooled(c.REPLIED_5MIN_COUNT, c.CONSULT_COUNT)} as reply_rate_5min,
            coalesce(sum({c.RATING_COUNT}), 0) as ratings,
            coalesce(sum({c.SATISFIED_COUNT}), 0) as satisfied,
            {_pooled(c.SATISFIED_COUNT, c.RATING_COUNT)} as satisfaction_rate,
            coalesce(sum({c.PENDING_COUNT}), 0) as pending_messages,
            coalesce(sum({c.CONTENT_HIT_MESSAGES}), 0) as content_hit_messages
        from {c.ASSESSMENT} where {c.ASSESSMENT_MONTH} = ?
        """,
        [month],
    )


def clause_results(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """Per clause: the rule version applied, its threshold, chapter 4's category, shops passing / failing."""
    return _df(
        connection,
        f"""
        select {c.CLAUSE} as clause, {c.RULE_VERSION_ID} as rule_version_id, {c.TITLE_EN} as requirement,
            {c.METRIC} as metric, {c.COMPARATOR} as comparator, {c.THRESHOLD} as threshold,
            count({c.IS_PASSED}) as shops_with_verdict,
            count(*) filter (where {c.IS_PASSED}) as shops_passing,
            count(*) filter (where not {c.IS_PASSED}) as shops_failing,
            {c.CATEGORY_ZH} as chapter_4_category, {c.CATEGORY_EN} as chapter_4_category_en
        from {c.RULE_RESULTS} where {c.ASSESSMENT_MONTH} = ?
        group by all order by {c.CLAUSE}, {c.RULE_VERSION_ID}
        """,
        [month],
    )


def category_counts(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """Chapter 4 categories of the month's failed rules: shops in each, and the clauses behind them."""
    return _df(
        connection,
        f"""
        select {c.CATEGORY_ZH} as chapter_4_category, {c.CATEGORY_EN} as chapter_4_category_en,
            count(distinct {c.SHOP_ID}) as shops,
            string_agg(distinct {c.CLAUSE}, ', ' order by {c.CLAUSE}) as clauses
        from {c.RULE_RESULTS}
        where {c.ASSESSMENT_MONTH} = ? and not {c.IS_PASSED} and {c.CATEGORY_ZH} is not null
        group by all order by shops desc, chapter_4_category
        """,
        [month],
    )


def monthly_trend(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per month: pooled 5-minute reply rate and satisfaction over all shops, with the thresholds in force."""
    return _df(
        connection,
        f"""
        select {c.ASSESSMENT_MONTH} as month,
            {_pooled(c.REPLIED_5MIN_COUNT, c.CONSULT_COUNT)} as reply_rate_5min,
            max({c.REPLY_RATE_THRESHOLD}) as reply_rate_threshold,
            {_pooled(c.SATISFIED_COUNT, c.RATING_COUNT)} as satisfaction_rate,
            max({c.SATISFACTION_THRESHOLD}) as satisfaction_threshold
        from {c.ASSESSMENT} group by {c.ASSESSMENT_MONTH} order by {c.ASSESSMENT_MONTH}
        """,
    )


def shop_table(connection: duckdb.DuckDBPyConnection, month: date, limit: int, offset: int) -> pd.DataFrame:
    """A page of the month's shops, the non-compliant first (most failed rules first)."""
    return _df(
        connection,
        f"""
        select {c.SHOP_ID} as shop_id, {c.IS_COMPLIANT} as compliant, {c.FAILED_CLAUSES} as failed_clauses,
            {c.VIOLATION_CATEGORIES} as chapter_4_categories,
            {c.REPLY_RATE} as reply_rate_5min, {c.CONSULT_COUNT} as consult_messages,
            {c.SATISFACTION_RATE} as satisfaction_rate, {c.RATING_COUNT} as ratings,
            {c.CONTENT_HIT_MESSAGES} as content_hit_messages, {c.PENDING_COUNT} as pending_messages
        from {c.ASSESSMENT} where {c.ASSESSMENT_MONTH} = ?
        order by coalesce({c.FAILED_RULE_COUNT}, 0) desc, {c.SHOP_ID}
        limit ? offset ?
        """,
        [month, limit, offset],
    )


# --------------------------------------------------------------------------------------------------
# page 2: one shop
# --------------------------------------------------------------------------------------------------


def shop_month(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date) -> pd.DataFrame:
    """The shop's row of shop_monthly_assessment for the month (none when it had no activity)."""
    return _df(
        connection,
        f"select * from {c.ASSESSMENT} where {c.SHOP_ID} = ? and {c.ASSESSMENT_MONTH} = ?",
        [shop_id, month],
    )


def shop_history(connection: duckdb.DuckDBPyConnection, shop_id: str) -> pd.DataFrame:
    """The shop's months: rates and verdicts, newest first."""
    return _df(
        connection,
        f"""
        select strftime({c.ASSESSMENT_MONTH}, '%Y-%m') as month, {c.REPLY_RATE} as reply_rate_5min,
            {c.SATISFACTION_RATE} as satisfaction_rate, {c.CONTENT_HIT_MESSAGES} as content_hit_messages,
            {c.IS_COMPLIANT} as compliant, {c.FAILED_CLAUSES} as failed_clauses,
            {c.VIOLATION_CATEGORIES} as chapter_4_categories
        from {c.ASSESSMENT} where {c.SHOP_ID} = ? order by {c.ASSESSMENT_MONTH} desc
        """,
        [shop_id],
    )


def shop_daily(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date) -> pd.DataFrame:
    """The shop's days of the month from shop_daily_reply_rate."""
    return _df(
        connection,
        f"""
        select {c.ACTIVITY_DATE} as day, {c.REPLY_RATE} as reply_rate_5min,
            {c.CONSULT_COUNT} as consult_messages, {c.REPLIED_5MIN_COUNT} as replied_within_5min,
            {c.PENDING_COUNT} as pending_messages
        from {c.DAILY_REPLY_RATE} where {c.SHOP_ID} = ? and {_in_month(c.ACTIVITY_DATE)}
        order by {c.ACTIVITY_DATE}
        """,
        [shop_id, month, month],
    )


def miss_heatmap(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date) -> pd.DataFrame:
    """Assessed messages and 5-minute misses by weekday (1 = Monday) and local hour, from consult_reply_pairs."""
    return _df(
        connection,
        f"""
        select isodow({c.SENT_AT_LOCAL}) as weekday, dayname({c.SENT_AT_LOCAL}) as weekday_name,
            hour({c.SENT_AT_LOCAL}) as hour,
            count(*) as assessed,
            count(*) filter (where not {c.IS_REPLIED_5MIN}) as missed,
            count(*) filter (where {c.IS_REPLIED_5MIN}) / count(*) as reply_rate_5min
        from {c.REPLY_PAIRS}
        where {c.SHOP_ID} = ? and {c.ASSESSMENT_MONTH} = ? and {c.IS_ASSESSED}
        group by all order by weekday, hour
        """,
        [shop_id, month],
    )


def account_speed(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date) -> pd.DataFrame:
    """Per replying account (main or sub-account): assessed messages it answered and how fast."""
    return _df(
        connection,
        f"""
        select {c.REPLY_ACCOUNT_ID} as account,
            count(*) as replied,
            count(*) filter (where {c.IS_REPLIED_5MIN}) as replied_within_5min,
            count(*) filter (where {c.IS_REPLIED_5MIN}) / count(*) as share_within_5min,
            round(median({c.REPLY_LATENCY_SECONDS}) :: double, 1) as median_latency_seconds,
            round(quantile_cont({c.REPLY_LATENCY_SECONDS}, 0.9) :: double, 1) as p90_latency_seconds
        from {c.REPLY_PAIRS}
        where {c.SHOP_ID} = ? and {c.ASSESSMENT_MONTH} = ? and {c.IS_ASSESSED} and {c.IS_REPLIED}
        group by all order by replied desc, account
        """,
        [shop_id, month],
    )


def pending_messages(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date, limit: int) -> pd.DataFrame:
    """The shop's latest messages still pending at the data edge (their 5 minutes had not run out)."""
    return _df(
        connection,
        f"""
        select {c.MESSAGE_ID} as message_id, {c.CONVERSATION_ID} as conversation_id,
            {c.SENT_AT_LOCAL} as sent_at_local
        from {c.REPLY_PAIRS} where {c.SHOP_ID} = ? and {c.ASSESSMENT_MONTH} = ? and {c.IS_PENDING}
        order by {c.SENT_AT_LOCAL} desc limit ?
        """,
        [shop_id, month, limit],
    )


# --------------------------------------------------------------------------------------------------
# content-rule hits (pages 2 and 3)
# --------------------------------------------------------------------------------------------------


def _hit_filter(
    month: date, clauses: Sequence[str], rule_codes: Sequence[str], shop_id: str | None
) -> tuple[str, list[Any]]:
    """Where clause and parameters selecting a month's hits, optionally by clause, rule and shop."""
    conditions: list[str] = [f"h.{c.HIT_MONTH} = ?"]
    params: list[Any] = [month]
    if clauses:
        conditions.append(f"list_contains(?, h.{c.CLAUSE})")
        params.append(list(clauses))
    if rule_codes:
        conditions.append(f"list_contains(?, h.{c.RULE_CODE})")
        params.append(list(rule_codes))
    if shop_id:
        conditions.append(f"h.{c.SHOP_ID} = ?")
        params.append(shop_id)
    return " and ".join(conditions), params


def hit_rules(connection: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """The clauses and rule codes that have hits in the month (filter choices)."""
    return _df(
        connection,
        f"""
        select distinct {c.CLAUSE} as clause, {c.RULE_CODE} as rule_code from {c.CONTENT_HITS}
        where {c.HIT_MONTH} = ? order by clause, rule_code
        """,
        [month],
    )


def hit_summary(
    connection: duckdb.DuckDBPyConnection,
    month: date,
    clauses: Sequence[str] = (),
    rule_codes: Sequence[str] = (),
    shop_id: str | None = None,
) -> pd.DataFrame:
    """Hits per clause and rule (and detector): hits, distinct messages and shops."""
    where, params = _hit_filter(month, clauses, rule_codes, shop_id)
    return _df(
        connection,
        f"""
        select h.{c.CLAUSE} as clause, h.{c.RULE_CODE} as rule_code, h.{c.DETECTOR} as detector,
            count(*) as hits, count(distinct h.{c.MESSAGE_ID}) as messages, count(distinct h.{c.SHOP_ID}) as shops,
            any_value(h.{c.VIOLATION_CATEGORY}) as chapter_4_category
        from {c.CONTENT_HITS} h where {where}
        group by all order by clause, hits desc, rule_code
        """,
        params,
    )


def hit_count(
    connection: duckdb.DuckDBPyConnection,
    month: date,
    clauses: Sequence[str] = (),
    rule_codes: Sequence[str] = (),
    shop_id: str | None = None,
) -> pd.DataFrame:
    """One row, one column `hits`: how many hits the filter selects."""
    where, params = _hit_filter(month, clauses, rule_codes, shop_id)
    return _df(connection, f"select count(*) as hits from {c.CONTENT_HITS} h where {where}", params)


def hit_page(
    connection: duckdb.DuckDBPyConnection,
    month: date,
    clauses: Sequence[str],
    rule_codes: Sequence[str],
    shop_id: str | None,
    limit: int,
    offset: int,
) -> pd.DataFrame:
    """A page of hits (newest first) with the rule matched; `matched_text` is unmasked: mask it to show."""
    where, params = _hit_filter(month, clauses, rule_codes, shop_id)
    return _df(
        connection,
        f"""
        select h.{c.SENT_AT_LOCAL} as sent_at_local, h.{c.SHOP_ID} as shop_id, h.{c.CLAUSE} as clause,
            h.{c.RULE_CODE} as rule_code, h.{c.DETECTOR} as detector, h.{c.MATCHED_TEXT} as matched_text,
            r.{c.TITLE_EN} as rule, h.{c.RULE_VERSION_ID} as rule_version_id,
            h.{c.VIOLATION_CATEGORY} as chapter_4_category, h.{c.SENDER_ACCOUNT_ID} as account,
            h.{c.MESSAGE_ID} as message_id, h.{c.CONVERSATION_ID} as conversation_id
        from {c.CONTENT_HITS} h
        left join {c.RULE_CATALOG} r on r.{c.RULE_VERSION_ID} = h.{c.RULE_VERSION_ID}
        where {where}
        order by h.{c.SENT_AT_LOCAL} desc, h.{c.HIT_ID}
        limit ? offset ?
        """,
        [*params, limit, offset],
    )


# --------------------------------------------------------------------------------------------------
# page 4: data health
# --------------------------------------------------------------------------------------------------


def publish_info(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row: when the published build was built and published."""
    return _df(
        connection, f"select max({c.BUILT_AT}) as built_at, max({c.PUBLISHED_AT}) as published_at from {c.MANIFEST}"
    )


def manifest(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """main.publish_manifest: one row per published table with the build it came from."""
    return _df(
        connection,
        f"""
        select {c.TABLE_SCHEMA} || '.' || {c.TABLE_NAME} as "table", {c.ROW_COUNT} as rows,
            {c.INVOCATION_ID} as dbt_invocation_id, {c.DBT_VERSION} as dbt_version,
            {c.BUILD_STARTED_AT} as build_started_at, {c.BUILT_AT} as built_at, {c.PUBLISHED_AT} as published_at,
            {c.RULE_VERSIONS_IN_FORCE} as rule_versions_in_force, {c.RULE_VERSIONS_APPLIED} as rule_versions_applied
        from {c.MANIFEST}
        """,
    )


def audit_tables(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tables of the audit schema with their columns (as a list)."""
    return _df(
        connection,
        """
        select table_name, list(column_name order by ordinal_position) as columns
        from information_schema.columns
        where table_catalog = current_database() and table_schema = ?
        group by table_name order by table_name
        """,
        [c.AUDIT_SCHEMA],
    )


def _audit_table(table: str) -> str:
    return f'"{c.AUDIT_SCHEMA}"."{table.replace(chr(34), chr(34) * 2)}"'


def audit_counts(connection: duckdb.DuckDBPyConnection, table: str, reason_column: str | None) -> pd.DataFrame:
    """Rows of an audit table by reason (`reason_column`), or all its rows as one group when it has none."""
    reason = f'"{reason_column}"' if reason_column else "'(all)'"
    return _df(
        connection,
        f"select {reason} as reason, count(*) as rows from {_audit_table(table)} group by all order by rows desc",
    )


def audit_rows(connection: duckdb.DuckDBPyConnection, table: str, limit: int) -> pd.DataFrame:
    """The first rows of an audit table (for quarantined files)."""
    return _df(connection, f"select * from {_audit_table(table)} limit ?", [limit])


def shop_ratings(connection: duckdb.DuckDBPyConnection, shop_id: str, month: date) -> pd.DataFrame:
    """The shop-month's effective ratings by source and by verdict, long format (from the assessment mart)."""
    parts = [
        ("source", "user_initiated", c.USER_INITIATED_COUNT),
        ("source", "merchant_invited", c.MERCHANT_INVITED_COUNT),
        ("source", "system_pushed", c.SYSTEM_PUSHED_COUNT),
        ("rating", "satisfied", c.SATISFIED_COUNT),
        ("rating", "neutral", c.NEUTRAL_COUNT),
        ("rating", "disappointed", c.DISAPPOINTED_COUNT),
    ]
    selects = " union all ".join(
        f"select '{breakdown}' as breakdown, '{label}' as label, {ordinal} as ordinal, {column} as ratings "
        f"from {c.ASSESSMENT} where {c.SHOP_ID} = ? and {c.ASSESSMENT_MONTH} = ?"
        for ordinal, (breakdown, label, column) in enumerate(parts)
    )
    return _df(connection, f"select * from ({selects}) order by ordinal", [shop_id, month] * len(parts))
