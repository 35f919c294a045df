"""The evidence masking in Python (the dashboard) and in DuckDB SQL (the publish step) agree."""

from __future__ import annotations

import re

import duckdb
import pytest

from cs_tools.masking import mask_evidence, mask_evidence_sql
from cs_tools.sql import sql_identifier, sql_string

CASES: list[str | None] = [
    "13812345678",
    "6222022290392758657",
    "kf108497",
    "加我 vip402454 详聊",
    "１３８１２３４５６７８",  # full-width digits
    "٣٤٥٦٧٨٩",  # Arabic-Indic digits are digits too
    "shop343@163.com",
    "KF8869＠qq.com",
    "kf4339 at gmail dot com",
    "kf4339 AT gmail DOT com",
    "kf4339 at gmail dotcom",  # "dot" glued to the next word is no separator
    "mail x.y (at) foo.com",
    "a [at] b点cn",
    "name\u3000@\u3000qq.com",  # ideographic spaces
    "12345",
    "1234",
    "weixin点com",
    "我是平台客服",
    "look at this",
    "7 shop messages in a day with no user message in between",
    "call 13812345678 or 13987654321",
    "a@b.cn, cc@d.cn 6222022290392758657",
    "12345678@qq.com 加微信 wx_12345678",
    "line one 123456\nline two ab@cd.ef",
    "it's 'quoted' 99999",
    "s***@163.com 13*******78",  # already masked: unchanged
    "",
    None,
]


@pytest.fixture(scope="module")
def connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.mark.parametrize("text", CASES)
def test_sql_masks_exactly_like_python(connection: duckdb.DuckDBPyConnection, text: str | None) -> None:
    row = connection.execute(f"select {mask_evidence_sql('$text')}", {"text": text}).fetchone()
    assert row is not None
    assert row[0] == mask_evidence(text)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812345678", "13*******78"),
        ("kf4339 AT gmail DOT com", "k*** AT gmail DOT com"),
        ("kf4339 at gmail dotcom", "kf4339 at gmail dotcom"),
        ("a [at] b点cn", "a*** [at] b点cn"),
        ("٣٤٥٦٧٨٩", "٣٤***٨٩"),
        ("s***@163.com 13*******78", "s***@163.com 13*******78"),
    ],
)
def test_masking_rules(text: str, masked: str) -> None:
    assert mask_evidence(text) == masked


def test_no_long_digit_run_or_e_mail_name_survives(connection: duckdb.DuckDBPyConnection) -> None:
    for text in CASES:
        (masked,) = connection.execute(f"select {mask_evidence_sql('$text')}", {"text": text}).fetchone() or (None,)
        assert masked is None or not re.search(r"\d{5}|[A-Za-z0-9]{2,}[@＠]", masked), text


def test_sql_string_doubles_quotes(connection: duckdb.DuckDBPyConnection) -> None:
    for value in ["it's here", "''", "a\\b", "路径/it's"]:
        assert connection.execute(f"select {sql_string(value)}").fetchone() == (value,)
    with pytest.raises(ValueError, match="NUL"):
        sql_string("a\x00b")


def test_sql_identifier_doubles_double_quotes(connection: duckdb.DuckDBPyConnection) -> None:
    for name in ['we"ird', "it's", "plain"]:
        assert connection.execute(f"select 1 as {sql_identifier(name)}").description[0][0] == name
