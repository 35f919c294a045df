-- Assessment exemptions (seed assessment_exemptions), parsed and checked: periods the platform takes out
-- of the 3.1.1 reply rate and the 3.1.2 satisfaction (a platform outage, an approved holiday closure).
-- [starts_at, ends_at) is platform-local `YYYY-MM-DD HH:MM:SS`; an empty shop_id means every shop, an
-- empty clause both clauses. A user message sent, or a rating given, inside an exemption is not counted
-- for its clause (docs/decisions.md "Assessment exemptions"). Rows with a `problem` or an
-- `overlapping_exemption_id` fail this model's tests (error), which stops `dbt build` before any mart
-- uses them; were the tests skipped, they would still not be applied (so a message or rating falls in
-- at most one applied exemption).
with

exemptions as (
    select
        trim(exemption_id) as exemption_id,
        nullif(trim(shop_id), '') as shop_id,
        nullif(trim(clause), '') as clause,
        trim(starts_at) as starts_at_text,
        trim(ends_at) as ends_at_text,
        nullif(trim(reason), '') as reason,
        nullif(trim(approved_by), '') as approved_by
    from {{ ref('assessment_exemptions') }}
),

parsed as (
    select
        *,
        -- exactly `YYYY-MM-DD HH:MM:SS`: it parses, and prints back as written
        case
            when
                length(starts_at_text) = 19
                and cast(try_cast(starts_at_text as timestamp) as string) = starts_at_text
                then try_cast(starts_at_text as timestamp)
        end as starts_at_local,
        case
            when
                length(ends_at_text) = 19
                and cast(try_cast(ends_at_text as timestamp) as string) = ends_at_text
                then try_cast(ends_at_text as timestamp)
        end as ends_at_local,
        count(*) over (partition by exemption_id) as id_row_count
    from exemptions
),

checked as (
    select
        *,
        nullif(concat_ws(
            '; ',
            case when coalesce(exemption_id, '') = '' then 'exemption_id is empty' end,
            case when id_row_count > 1 then 'exemption_id is not unique' end,
            case
                when clause is not null and clause not in ('3.1.1', '3.1.2')
                    then 'clause must be 3.1.1, 3.1.2 or empty (both), not ' || clause
            end,
            case
                when starts_at_local is null
                    then
                        'starts_at must be a platform-local YYYY-MM-DD HH:MM:SS, not '
                        || coalesce(starts_at_text, 'empty')
            end,
            case
                when ends_at_local is null
                    then 'ends_at must be a platform-local YYYY-MM-DD HH:MM:SS, not ' || coalesce(ends_at_text, 'empty')
            end,
            case when ends_at_local <= starts_at_local then 'ends_at must be later than starts_at' end,
            case when reason is null then 'reason is empty' end,
            case when approved_by is null then 'approved_by is empty' end
        ), '') as problem
    from parsed
),

well_formed as (
    select
        exemption_id,
        shop_id,
        clause,
        starts_at_local,
        ends_at_local
    from checked
    where problem is null
),

-- two well-formed exemptions that cover the same shop, clause and time (ambiguous: which one applies?)
overlapping as (
    select
        this_exemption.exemption_id,
        min(other_exemption.exemption_id) as overlapping_exemption_id
    from well_formed as this_exemption
    inner join well_formed as other_exemption
        on this_exemption.exemption_id <> other_exemption.exemption_id
        and coalesce(this_exemption.shop_id, other_exemption.shop_id, '')
        = coalesce(other_exemption.shop_id, this_exemption.shop_id, '')
        and coalesce(this_exemption.clause, other_exemption.clause, '')
        = coalesce(other_exemption.clause, this_exemption.clause, '')
        and this_exemption.starts_at_local < other_exemption.ends_at_local
        and this_exemption.ends_at_local > other_exemption.starts_at_local
    group by this_exemption.exemption_id
),

final as (
    select
        checked.exemption_id,
        checked.shop_id,
        checked.clause,
        coalesce(checked.clause, '3.1.1') = '3.1.1' as is_for_3_1_1,
        coalesce(checked.clause, '3.1.2') = '3.1.2' as is_for_3_1_2,
        checked.starts_at_local,
        checked.ends_at_local,
        {{ local_to_epoch_ms('checked.starts_at_local') }} as starts_at_ms,
        {{ local_to_epoch_ms('checked.ends_at_local') }} as ends_at_ms,
        checked.reason,
        checked.approved_by,
        checked.problem,
        overlapping.overlapping_exemption_id,
        checked.problem is null and overlapping.overlapping_exemption_id is null as is_applied
    from checked
    left join overlapping
        on checked.exemption_id = overlapping.exemption_id
)

select * from final
