-- vintage.sql
-- Vintage curves at one level: for each origination cohort and month on book (MOB), the
-- exposure at the level / principal originated in the cohort, and the share of the cohort's
-- loans ever at the level by that MOB (count). The grid holds only (cohort, MOB) cells the book
-- has observed: cells a cohort has not reached are absent, never 0. `immature` marks MOBs below
-- the level's bucket index (no loan can be that late yet); `left_censored` marks cohorts
-- originated before the book's first month (their early MOBs were never observed).
-- Grain: one row per (cohort, grp, mob). Reads: vintage_cube, vintage_cohort, vintage_ever,
-- monthly_cube, scheme_band, scheme_level, dpd_lookup.
-- Used by: monitor/metrics.py (vintage), pages/vintage.py, monitor/rules.py
-- Params: $scheme VARCHAR, $level VARCHAR, $group_by VARCHAR, $products VARCHAR[],
--   $regions VARCHAR[], $channels VARCHAR[]
with
lvl as (
    select sl.level_idx, l.dpd_band as threshold_band
    from scheme_level as sl
    inner join dpd_lookup as l
        on l.dpd = sl.dpd_edge
    where sl.scheme = $scheme and sl.level = $level
),
book as (
    select min(snapshot_month) as first_month, max(snapshot_month) as last_month
    from monthly_cube
),
cohort_rows as (
    select
        origination_month as cohort,
        group_key($group_by, product, region, channel, null) as grp,
        loans,
        principal
    from vintage_cohort
    where ($products is null or list_contains($products, product))
        and ($regions is null or list_contains($regions, region))
        and ($channels is null or list_contains($channels, channel))
),
cohorts as (
    select
        cohort,
        case when grouping(grp) = 1 then 'ALL' else grp end as grp,
        cast(sum(loans) as bigint) as cohort_loans,
        sum(principal) as principal
    from cohort_rows
    group by grouping sets ((cohort, grp), (cohort))
    having grouping(grp) = 1 or $group_by <> 'none'
),
grid as (
    select
        c.cohort,
        c.grp,
        c.cohort_loans,
        c.principal,
        unnest(range(
            greatest(0, date_diff('month', c.cohort, b.first_month)),
            date_diff('month', c.cohort, b.last_month) + 1)) as mob
    from cohorts as c
    cross join book as b
),
level_rows as (
    select
        v.origination_month as cohort,
        group_key($group_by, v.product, v.region, v.channel, null) as grp,
        v.mob,
        case when sb.bucket_idx >= lvl.level_idx then v.exposure else 0 end as level_exposure,
        v.exposure
    from vintage_cube as v
    inner join scheme_band as sb
        on sb.dpd_band = v.dpd_band and sb.scheme = $scheme
    cross join lvl
    where ($products is null or list_contains($products, v.product))
        and ($regions is null or list_contains($regions, v.region))
        and ($channels is null or list_contains($channels, v.channel))
),
level_cells as (
    select
        cohort,
        case when grouping(grp) = 1 then 'ALL' else grp end as grp,
        mob,
        sum(level_exposure) as level_exposure,
        sum(exposure) as exposure
    from level_rows
    group by grouping sets ((cohort, grp, mob), (cohort, mob))
    having grouping(grp) = 1 or $group_by <> 'none'
),
ever_rows as (
    select
        e.origination_month as cohort,
        group_key($group_by, e.product, e.region, e.channel, null) as grp,
        e.first_mob,
        e.loans
    from vintage_ever as e
    inner join lvl
        on lvl.threshold_band = e.threshold_band
    where ($products is null or list_contains($products, e.product))
        and ($regions is null or list_contains($regions, e.region))
        and ($channels is null or list_contains($channels, e.channel))
),
ever_firsts as (
    select
        cohort,
        case when grouping(grp) = 1 then 'ALL' else grp end as grp,
        first_mob,
        cast(sum(loans) as bigint) as loans
    from ever_rows
    group by grouping sets ((cohort, grp, first_mob), (cohort, first_mob))
    having grouping(grp) = 1 or $group_by <> 'none'
),
ever_cells as (
    select
        g.cohort,
        g.grp,
        g.mob,
        cast(sum(e.loans) as bigint) as ever_loans
    from grid as g
    inner join ever_firsts as e
        on e.cohort = g.cohort and e.grp = g.grp and e.first_mob <= g.mob
    group by g.cohort, g.grp, g.mob
),
cells as (
    select
        g.cohort,
        g.grp,
        g.mob,
        cast(g.cohort + to_months(g.mob) as date) as snapshot_month,
        g.cohort_loans,
        g.principal,
        coalesce(lc.exposure, 0) as exposure,
        coalesce(lc.level_exposure, 0) as level_exposure,
        coalesce(lc.level_exposure, 0) / nullif(g.principal, 0) as rate,
        coalesce(ec.ever_loans, 0) as ever_loans,
        coalesce(ec.ever_loans, 0) / nullif(g.cohort_loans, 0) as ever_rate,
        g.mob < (select level_idx from lvl) as immature,
        g.cohort < (select first_month from book) as left_censored
    from grid as g
    left join level_cells as lc
        on lc.cohort = g.cohort and lc.grp = g.grp and lc.mob = g.mob
    left join ever_cells as ec
        on ec.cohort = g.cohort and ec.grp = g.grp and ec.mob = g.mob
)
select * from cells
order by cohort, grp = 'ALL' desc, grp, mob
