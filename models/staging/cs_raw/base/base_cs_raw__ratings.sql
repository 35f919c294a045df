-- Raw ratings, typed and normalised, each with the reasons (if any) it cannot be used.
-- A view: staging, rejects and duplicates read it; only the columns each one needs are computed, and
-- they filter on is_valid, so the reason text is built only for the rows listed as rejects.
with

source as (
    select
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        source,
        rated_at_ms,
        _source_file,
        _source_row_number
    from {{ source('cs_raw', 'ratings') }}
),

mappings as (
    select
        field,
        raw_value,
        canonical_value
    from {{ ref('value_mappings') }}
    where field in ('rating', 'source')
),

typed as (
    select
        source.rating_id as raw_rating_id,
        source.shop_id as raw_shop_id,
        source.user_id as raw_user_id,
        source.conversation_id as raw_conversation_id,
        source.rating as raw_rating,
        source.source as raw_source,
        cast(source.rated_at_ms as string) as raw_rated_at_ms,
        source._source_file,
        source._source_row_number,
        {{ clean_id('source.rating_id') }} as rating_id,
        {{ clean_id('source.shop_id') }} as shop_id,
        {{ clean_id('source.user_id') }} as user_id,
        {{ clean_id('source.conversation_id') }} as conversation_id,
        ratings.canonical_value as rating,
        sources.canonical_value as rating_source,
        try_cast(source.rated_at_ms as bigint) as rated_at_ms
    from source
    left join mappings as ratings
        on ratings.field = 'rating'
        and {{ label_key('source.rating') }} = ratings.raw_value
    left join mappings as sources
        on sources.field = 'source'
        and {{ label_key('source.source') }} = sources.raw_value
),

checked as (
    select
        *,
        {{ epoch_ms_problem('raw_rated_at_ms', 'rated_at_ms') }} as rated_at_ms_problem
    from typed
),

final as (
    select
        raw_rating_id,
        raw_shop_id,
        raw_user_id,
        raw_conversation_id,
        raw_rating,
        raw_source,
        raw_rated_at_ms,
        _source_file,
        _source_row_number,
        rating_id,
        shop_id,
        user_id,
        conversation_id,
        rating,
        rating_source,
        rated_at_ms,
        case
            when {{ epoch_ms_is_valid('rated_at_ms') }}
                then cast({{ utc_to_local(epoch_ms_to_timestamp('rated_at_ms')) }} as date)
        end as activity_date,
        -- reject_reason is null, as a boolean: what staging and the audit models filter on
        rating_id is not null
        and shop_id is not null
        and user_id is not null
        and rating is not null
        and rating_source is not null
        and {{ epoch_ms_is_valid('rated_at_ms') }} as is_valid,
        nullif(concat_ws(
            '; ',
            case when rating_id is null then 'missing_rating_id' end,
            case when shop_id is null then 'missing_shop_id' end,
            case when user_id is null then 'missing_user_id' end,
            case
                when raw_rating is null then 'missing_rating'
                when rating is null then 'unknown_rating'
            end,
            case
                when raw_source is null then 'missing_source'
                when rating_source is null then 'unknown_source'
            end,
            case when rated_at_ms_problem is not null then rated_at_ms_problem || '_rated_at_ms' end
        ), '') as reject_reason,
        {{ row_fingerprint([
            'rating_id', 'shop_id', 'user_id', 'conversation_id', 'rating', 'rating_source', 'rated_at_ms',
        ]) }} as row_fingerprint
    from checked
)

select * from final
