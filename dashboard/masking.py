"""Mask personal data in content-rule evidence before it is shown.

The publish step already masks `content_rule_hits.matched_text` (unless it published raw personal
data, `CS_PUBLISH_PERSONAL_DATA=1`); the dashboard masks whatever it shows once more, with the same
rules (`cs_tools.masking`, one definition for the publish SQL and this Python):
- an e-mail address keeps the first character of its local part, then `***`
  (`shop343@163.com` -> `s***@163.com`), also when written `name at domain` or with a full-width `＠`;
- every run of 5 or more digits keeps its first 2 and last 2 digits, the others become `*`
  (`13812345678` -> `13*******78`, WeChat id `kf108497` -> `kf10**97`).
"""

from __future__ import annotations

from cs_tools.masking import mask_evidence

__all__ = ["mask_evidence"]
