"""Masking of content-rule evidence before the dashboard shows it (dashboard.masking)."""

from __future__ import annotations

import re

import pytest

from dashboard.masking import mask_evidence


@pytest.mark.parametrize(
    ("evidence", "shown"),
    [
        ("13812345678", "13*******78"),  # phone number
        ("6222022290392758657", "62***************57"),  # bank card
        ("kf108497", "kf10**97"),  # WeChat id: its digit run
        ("加我 vip402454 详聊", "加我 vip40**54 详聊"),
        ("１３８１２３４５６７８", "１３*******７８"),  # full-width digits are digits too
        ("shop343@163.com", "s***@163.com"),
        ("KF8869＠qq.com", "K***＠qq.com"),
        ("kf4339 at gmail dot com", "k*** at gmail dot com"),
        ("mail x.y (at) foo.com", "mail x*** (at) foo.com"),
        ("12345", "12*45"),  # 5 digits: the shortest run masked
        ("1234", "1234"),  # 4 digits are kept (times, years, short codes)
        ("weixin点com", "weixin点com"),
        ("我是平台客服", "我是平台客服"),
        ("look at this", "look at this"),  # "at" not before a domain is no e-mail
        ("7 shop messages in a day with no user message in between", None),
        ("", ""),
    ],
)
def test_mask_evidence(evidence: str, shown: str | None) -> None:
    assert mask_evidence(evidence) == (evidence if shown is None else shown)


def test_none_stays_none() -> None:
    assert mask_evidence(None) is None


@pytest.mark.parametrize("evidence", ["call 13812345678 or 13987654321", "a@b.cn, cc@d.cn 6222022290392758657"])
def test_no_run_of_five_digits_or_e_mail_name_survives(evidence: str) -> None:
    masked = mask_evidence(evidence)
    assert masked is not None
    assert not re.search(r"\d{5}", masked)
    assert not re.search(r"[A-Za-z0-9]{2,}@", masked)
