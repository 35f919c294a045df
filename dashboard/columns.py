"""Every published table and column name the dashboard reads, in one place.

A rename in the published marts is a change here only: SQL in `queries` is written with these names.
"""

from __future__ import annotations

from typing import Final

# --- tables (schema-qualified, as published) ------------------------------------------------------

ASSESSMENT: Final = "main.shop_monthly_assessment"
RULE_RESULTS: Final = "main.shop_monthly_rule_results"
DAILY_REPLY_RATE: Final = "main.shop_daily_reply_rate"
REPLY_PAIRS: Final = "main.consult_reply_pairs"
CONTENT_HITS: Final = "main.content_rule_hits"
RULE_CATALOG: Final = "reference.rule_catalog"
MANIFEST: Final = "main.publish_manifest"
AUDIT_SCHEMA: Final = "audit"
REJECTED_PREFIX: Final = "rejected_"
DUPLICATE_PREFIX: Final = "duplicate_"
QUARANTINED_FILES_TABLE: Final = "rejected_files"  # audit.rejected_files, when the project publishes it

# --- columns shared by several marts --------------------------------------------------------------

SHOP_ID: Final = "shop_id"
ASSESSMENT_MONTH: Final = "assessment_month"
CONSULT_COUNT: Final = "consult_message_count"
REPLIED_5MIN_COUNT: Final = "replied_within_5min_count"
REPLY_RATE: Final = "reply_rate_5min"
PENDING_COUNT: Final = "pending_message_count"
CLAUSE: Final = "clause"
RULE_VERSION_ID: Final = "rule_version_id"
TITLE_EN: Final = "title_en"
TITLE_ZH: Final = "title_zh"

# --- main.shop_monthly_assessment -----------------------------------------------------------------

REPLY_RATE_THRESHOLD: Final = "reply_rate_threshold"
REPLY_RATE_PASSED: Final = "reply_rate_passed"
RATING_COUNT: Final = "rating_count"
SATISFIED_COUNT: Final = "satisfied_count"
NEUTRAL_COUNT: Final = "neutral_count"
DISAPPOINTED_COUNT: Final = "disappointed_count"
USER_INITIATED_COUNT: Final = "user_initiated_rating_count"
MERCHANT_INVITED_COUNT: Final = "merchant_invited_rating_count"
SYSTEM_PUSHED_COUNT: Final = "system_pushed_rating_count"
SATISFACTION_RATE: Final = "satisfaction_rate"
SATISFACTION_THRESHOLD: Final = "satisfaction_threshold"
SATISFACTION_PASSED: Final = "satisfaction_passed"
HIT_COUNTS: Final = {
    "2.3": "hit_count_2_3",
    "2.4": "hit_count_2_4",
    "2.5": "hit_count_2_5",
    "2.7": "hit_count_2_7",
    "2.8": "hit_count_2_8",
    "2.9": "hit_count_2_9",
}
CONTENT_HIT_MESSAGES: Final = "content_hit_message_count"
CONTENT_RULES_PASSED: Final = "content_rules_passed"
ASSESSED_RULE_COUNT: Final = "assessed_rule_count"
FAILED_RULE_COUNT: Final = "failed_rule_count"
FAILED_CLAUSES: Final = "failed_clauses"
VIOLATION_CATEGORIES: Final = "violation_categories"
IS_COMPLIANT: Final = "is_compliant"
RULE_VERSION_IDS: Final = "rule_version_ids"

# --- main.shop_monthly_rule_results ---------------------------------------------------------------

METRIC: Final = "metric"
COMPARATOR: Final = "comparator"
THRESHOLD: Final = "threshold"
IS_PASSED: Final = "is_passed"
CATEGORY_ZH: Final = "violation_category_zh"
CATEGORY_EN: Final = "violation_category_en"

# --- main.shop_daily_reply_rate -------------------------------------------------------------------

ACTIVITY_DATE: Final = "activity_date"

# --- main.consult_reply_pairs ---------------------------------------------------------------------

MESSAGE_ID: Final = "message_id"
CONVERSATION_ID: Final = "conversation_id"
SENT_AT_LOCAL: Final = "sent_at_local"
IS_ASSESSED: Final = "is_assessed"
IS_REPLIED: Final = "is_replied"
IS_REPLIED_5MIN: Final = "is_replied_within_5min"
IS_PENDING: Final = "is_pending"
REPLY_ACCOUNT_ID: Final = "reply_account_id"
REPLY_LATENCY_SECONDS: Final = "reply_latency_seconds"

# --- main.content_rule_hits -----------------------------------------------------------------------

HIT_ID: Final = "hit_id"
HIT_ACTIVITY_DATE: Final = "activity_date"
HIT_MONTH: Final = "assessment_month"
SENDER_ACCOUNT_ID: Final = "sender_account_id"
RULE_CODE: Final = "rule_code"
MATCHED_TEXT: Final = "matched_text"
DETECTOR: Final = "detector"
VIOLATION_CATEGORY: Final = "violation_category"

# --- main.publish_manifest ------------------------------------------------------------------------

TABLE_SCHEMA: Final = "table_schema"
TABLE_NAME: Final = "table_name"
ROW_COUNT: Final = "row_count"
INVOCATION_ID: Final = "dbt_invocation_id"
DBT_VERSION: Final = "dbt_version"
BUILD_STARTED_AT: Final = "build_started_at"
BUILT_AT: Final = "built_at"
PUBLISHED_AT: Final = "published_at"
RULE_VERSIONS_IN_FORCE: Final = "rule_versions_in_force"
RULE_VERSIONS_APPLIED: Final = "rule_versions_applied"

# --- audit tables ---------------------------------------------------------------------------------

REJECT_REASON: Final = "reject_reason"
DUPLICATE_KIND: Final = "duplicate_kind"
