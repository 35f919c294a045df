"""The raw data contract the generator writes: the Arrow schemas, the Parquet options, and the label
tables behind the code arrays (the clean labels first, then the dirty variants)."""

from __future__ import annotations

from typing import Any, Final

import pyarrow as pa

MESSAGES_SCHEMA: Final = pa.schema([
    ("message_id", pa.string()),
    ("conversation_id", pa.string()),
    ("shop_id", pa.string()),
    ("user_id", pa.string()),
    ("sender_role", pa.string()),
    ("sender_account_id", pa.string()),
    ("msg_type", pa.string()),
    ("content", pa.string()),
    ("sent_at_ms", pa.int64()),
])
RATINGS_SCHEMA: Final = pa.schema([
    ("rating_id", pa.string()),
    ("shop_id", pa.string()),
    ("user_id", pa.string()),
    ("conversation_id", pa.string()),
    ("rating", pa.string()),
    ("source", pa.string()),
    ("rated_at_ms", pa.int64()),
])
PARQUET_OPTIONS: Final[dict[str, Any]] = {
    "compression": "zstd",
    "compression_level": 3,
    "version": "2.6",
    "data_page_version": "1.0",
    "use_dictionary": True,
    "write_statistics": True,
}

# Role labels: 0-3 are the clean ones; the rest are dirty variants (unknown, Chinese, messy case).
ROLE_LABELS: Final = (
    "user", "merchant", "robot", "system",
    "bot",
    "买家", "客服", "机器人", "系统",
    " User", " Merchant ", "ROBOT ", "System ",
)
ROLE_USER, ROLE_MERCHANT, ROLE_ROBOT, ROLE_SYSTEM = 0, 1, 2, 3
ROLE_UNKNOWN: Final = 4
ROLE_CHINESE_OFFSET: Final = 5
ROLE_MESSY_OFFSET: Final = 9

MSG_TYPES: Final = ("text", "image", "emoji", "product_card", "order_card", "system_notice")
T_TEXT, T_IMAGE, T_EMOJI, T_PRODUCT, T_ORDER, T_SYSTEM = range(6)

RATING_LABELS: Final = ("satisfied", "neutral", "disappointed", "great", "满意", "一般", "失望")
RATING_UNKNOWN: Final = 3
RATING_CHINESE_OFFSET: Final = 4
SOURCE_LABELS: Final = ("user_initiated", "merchant_invited", "system_pushed", "sms_pushed")
SOURCE_UNKNOWN: Final = 3

MESSAGE_DIRTY_KINDS: Final = (
    "exact_duplicate_same_file",
    "exact_duplicate_next_file",
    "conflicting_message_id",
    "null_message_id",
    "null_shop_id",
    "null_user_id",
    "null_sent_at_ms",
    "unknown_sender_role",
    "chinese_sender_role",
    "messy_sender_role",
)
RATING_DIRTY_KINDS: Final = ("unknown_rating", "unknown_source", "chinese_rating")
