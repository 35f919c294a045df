-- The benchmark floor: the monthly 5-minute reply rate (3.1.1) and satisfaction (3.1.2) per shop,
-- hand-written in one DuckDB script, straight from the raw Parquet files. Nothing else: no audit
-- tables, no content rules, no tests, no daily grain, no percentiles. `make bench` times it next to
-- the full `dbt build`; tests/python/test_bench.py checks that it agrees with
-- main.shop_monthly_assessment. It re-implements docs/decisions.md independently of the models:
--
--   * valid row: id, shop_id, user_id present after trim; role / rating / source label known after
--     trim + lowercase (seeds/value_mappings.csv); event time in [2000-01-01, 2100-01-01) UTC
--   * same id twice: keep the earliest event, then the earliest file name, then the earliest row
--   * thread = (shop_id, user_id); the reply is the first merchant message sent strictly later
--   * assessed: user message sent 08:00-24:00 Asia/Shanghai; hit when latency <= 300 000 ms;
--     pending (no reply and the 5 minutes not over at the watermark = latest valid message): excluded
--   * ratings: a later rating of the same (shop, user, conversation) replaces the earlier ones and
--     counts in its own month; ratings without a conversation id count one by one
--
-- Parameters (DuckDB variables, set before the script runs):
--   SET VARIABLE raw_dir = '/path/to/export';                    -- holds messages/ and ratings/
--   SET VARIABLE value_mappings_csv = 'seeds/value_mappings.csv';
-- e.g. duckdb -c "set variable raw_dir='data/demo'; set variable value_mappings_csv='seeds/value_mappings.csv'; .read cs_devtools/bench/floor.sql"
--
-- Asia/Shanghai has been UTC+08:00 without daylight saving since 1991, so platform-local time is
-- plain integer arithmetic on the epoch milliseconds (valid for every accepted time, 2000-2100).

-- ---------------------------------------------------------------------------------------------
-- Labels: export label (trimmed, lowercase) -> canonical value
-- ---------------------------------------------------------------------------------------------
create or replace temp table floor_labels as
select field, raw_value, canonical_value
from read_csv(getvariable('value_mappings_csv'), header = true, all_varchar = true);

-- ---------------------------------------------------------------------------------------------
-- Messages: valid user and merchant messages, one row per message id (earliest delivery)
-- ---------------------------------------------------------------------------------------------
create or replace temp table floor_messages as
with
raw as (
    select
        nullif(trim(message_id), '') as message_id,
        nullif(trim(shop_id), '') as shop_id,
        nullif(trim(user_id), '') as user_id,
        lower(trim(sender_role)) as role_label,
        try_cast(sent_at_ms as bigint) as sent_at_ms,
        filename as source_file,
        file_row_number as source_row,
    from read_parquet(getvariable('raw_dir') || '/messages/*.parquet', filename = true, file_row_number = true)
),

valid as (
    select raw.*, labels.canonical_value as sender_role
    from raw
    inner join floor_labels as labels
        on labels.field = 'sender_role' and labels.raw_value = raw.role_label
    where raw.message_id is not null
        and raw.shop_id is not null
        and raw.user_id is not null
        and raw.sent_at_ms >= 946684800000      -- 2000-01-01 00:00 UTC
        and raw.sent_at_ms < 4102444800000      -- 2100-01-01 00:00 UTC
),

-- one row per id: its earliest delivery (event time, then file name, then row). Almost every id is
-- delivered once, so only the repeated ids are ordered: cheaper than a window over every row.
repeated_ids as (
    select message_id
    from valid
    group by message_id
    having count(*) > 1
)

select message_id, shop_id, user_id, sender_role, sent_at_ms
from valid
anti join repeated_ids using (message_id)
union all
select message_id, shop_id, user_id, sender_role, sent_at_ms
from valid
semi join repeated_ids using (message_id)
qualify row_number() over (partition by message_id order by sent_at_ms, source_file, source_row) = 1;

-- ---------------------------------------------------------------------------------------------
-- 3.1.1: each user message with the time of the first merchant message of its thread sent
-- strictly later (ASOF: the smallest merchant time > the user message's time)
-- ---------------------------------------------------------------------------------------------
create or replace temp table floor_reply_rate as
with
watermark as (
    select max(sent_at_ms) as watermark_ms from floor_messages          -- every valid message counts
),

user_messages as (
    select shop_id, user_id, sent_at_ms
    from floor_messages
    where sender_role = 'user'
),

merchant_messages as (
    select shop_id, user_id, sent_at_ms as replied_at_ms
    from floor_messages
    where sender_role = 'merchant'
),

paired as (
    select
        user_messages.shop_id,
        user_messages.sent_at_ms,
        merchant_messages.replied_at_ms,
        user_messages.sent_at_ms + 8 * 3600000 as sent_local_ms,          -- Asia/Shanghai wall clock
    from user_messages
    asof left join merchant_messages
        on user_messages.shop_id = merchant_messages.shop_id
        and user_messages.user_id = merchant_messages.user_id
        and merchant_messages.replied_at_ms > user_messages.sent_at_ms
),

assessed as (
    select
        paired.shop_id,
        date_trunc('month', epoch_ms(paired.sent_local_ms))::date as assessment_month,
        paired.replied_at_ms - paired.sent_at_ms <= 300000 as is_hit,    -- null when unreplied
    from paired, watermark
    where paired.sent_local_ms % 86400000 >= 8 * 3600000               -- 08:00 <= time of day < 24:00
        -- pending: unreplied and its 5 minutes not over at the watermark; neither hit nor miss
        and not (paired.replied_at_ms is null and paired.sent_at_ms + 300000 > watermark.watermark_ms)
)

select
    shop_id,
    assessment_month,
    count(*) as consult_message_count,
    count(*) filter (where is_hit) as replied_within_5min_count,
from assessed
group by shop_id, assessment_month;

-- ---------------------------------------------------------------------------------------------
-- 3.1.2: valid ratings, one per rating id (earliest delivery), re-ratings resolved (latest wins)
-- ---------------------------------------------------------------------------------------------
create or replace temp table floor_satisfaction as
with
raw as (
    select
        nullif(trim(rating_id), '') as rating_id,
        nullif(trim(shop_id), '') as shop_id,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(conversation_id), '') as conversation_id,
        lower(trim(rating)) as rating_label,
        lower(trim(source)) as source_label,
        try_cast(rated_at_ms as bigint) as rated_at_ms,
        filename as source_file,
        file_row_number as source_row,
    from read_parquet(getvariable('raw_dir') || '/ratings/*.parquet', filename = true, file_row_number = true)
),

valid as (
    select raw.*, ratings.canonical_value as rating
    from raw
    inner join floor_labels as ratings
        on ratings.field = 'rating' and ratings.raw_value = raw.rating_label
    inner join floor_labels as sources                                  -- an unknown source rejects the row
        on sources.field = 'source' and sources.raw_value = raw.source_label
    where raw.rating_id is not null
        and raw.shop_id is not null
        and raw.user_id is not null
        and raw.rated_at_ms >= 946684800000
        and raw.rated_at_ms < 4102444800000
),

-- one row per rating id: its earliest delivery (ratings are few: a plain window)
ratings as (
    select rating_id, shop_id, user_id, conversation_id, rating, rated_at_ms
    from valid
    qualify row_number() over (partition by rating_id order by rated_at_ms, source_file, source_row) = 1
),

-- the latest rating of each rated conversation (then the highest rating id), and every rating
-- without a conversation id
effective as (
    select shop_id, rating, rated_at_ms
    from ratings
    where conversation_id is null
    union all
    select
        shop_id,
        arg_max(rating, (rated_at_ms, rating_id)) as rating,
        max(rated_at_ms) as rated_at_ms,
    from ratings
    where conversation_id is not null
    group by shop_id, user_id, conversation_id
)

select
    shop_id,
    date_trunc('month', epoch_ms(rated_at_ms + 8 * 3600000))::date as assessment_month,
    count(*) as rating_count,
    count(*) filter (where rating = 'satisfied') as satisfied_count,
from effective
group by all;

-- ---------------------------------------------------------------------------------------------
-- Result: one row per shop-month with a consultation or a rating
-- ---------------------------------------------------------------------------------------------
select
    shop_id,
    assessment_month,
    coalesce(reply.consult_message_count, 0) as consult_message_count,
    coalesce(reply.replied_within_5min_count, 0) as replied_within_5min_count,
    reply.replied_within_5min_count / nullif(reply.consult_message_count, 0) as reply_rate_5min,
    coalesce(satisfaction.rating_count, 0) as rating_count,
    coalesce(satisfaction.satisfied_count, 0) as satisfied_count,
    satisfaction.satisfied_count / nullif(satisfaction.rating_count, 0) as satisfaction_rate,
from floor_reply_rate as reply
full outer join floor_satisfaction as satisfaction
    using (shop_id, assessment_month)
order by shop_id, assessment_month;
