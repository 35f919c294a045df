"""Deterministic, vectorised demo-data generator for the merchant customer-service assessment.

It writes the raw chat log and the satisfaction ratings of a cross-border e-commerce platform, one
Parquet file per platform-local day (Asia/Shanghai, a fixed UTC+08:00, no daylight saving):

    OUT/messages/YYYY-MM-DD.parquet   message_id, conversation_id, shop_id, user_id, sender_role,
                                      sender_account_id, msg_type, content, sent_at_ms (epoch ms, UTC)
    OUT/ratings/YYYY-MM-DD.parquet    rating_id, shop_id, user_id, conversation_id, rating, source,
                                      rated_at_ms (epoch ms, UTC)
    OUT/manifest.json                 seed, arguments, row counts, per-shop profile truth, dirty-row and
                                      breach counts

A message file holds the conversations *started* on that local day, so a reply to a message sent at
23:59 can carry the next day's timestamp (and, on the last day, a timestamp after the window). A rating
file holds the ratings given on that local day.

Each shop gets a reply-speed profile and a satisfaction profile (see ``REPLY_PROFILES`` and
``SATISFACTION_PROFILES``) so that the marts tell a story: some shops pass the 80 % rules, some fail.
Conversations are simulated as rounds (a burst of user messages, maybe a robot auto-reply, then one or
more merchant messages from one of the shop's sub-accounts) entirely with numpy array operations; the
only Python loops are over days, shops and phrase templates. Same arguments and seed give
byte-identical files: every random draw comes from ``numpy.random.Generator(PCG64)`` streams derived
from the seed, and the Parquet files are written with fixed options and no varying metadata.

Modules, in dependency order: ``timeline`` (clock, traffic shape, days), ``schema`` (the raw contract:
Arrow schemas, labels), ``profiles`` (simulation parameters, reply / satisfaction profiles), ``arrays``
(numpy segment helpers), ``world`` (shops and accounts), ``content`` (phrases, Luhn, content pool),
``rows`` (code-array batches), ``simulate`` (one day of traffic), ``ratings``, ``dirty`` (dirty-row
injection), ``tables`` (Arrow tables, Parquet writing), ``run`` (``generate``, the manifest), ``cli``.

Usage::

    python -m cs_devtools.demo_data --out DIR [--seed 42] [--shops 30] [--days 61]
        [--start 2026-09-01] [--messages N] [--dirty-rate 0.002] [--force]
"""

from cs_devtools.demo_data.cli import main, parse_args
from cs_devtools.demo_data.content import luhn_complete, luhn_valid
from cs_devtools.demo_data.run import Summary, generate
from cs_devtools.demo_data.schema import MESSAGES_SCHEMA, RATINGS_SCHEMA

__all__ = [
    "MESSAGES_SCHEMA",
    "RATINGS_SCHEMA",
    "Summary",
    "generate",
    "luhn_complete",
    "luhn_valid",
    "main",
    "parse_args",
]
