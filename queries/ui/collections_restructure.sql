-- collections_restructure.sql
-- Re-default after a fresh start, by months since the event: restructured loans (展期) against
-- loans that cured without a repayment plan from the same buckets (the scheme buckets the
-- restructured loans in scope came from at t-1). For each k = 1 … $horizon: the events
-- observed for at least k months (event month + k <= the book's last month), how many of them
-- had reached the level before k, and how many reached it first at k: the life-table inputs of
-- the cumulative re-default rate (monitor/collections.redefault_curve).
-- Grain: one row per (event, k). Reads: restructure_cube, monthly_cube, scheme_band,
-- scheme_level, dpd_lookup. Used by: pages/collections.py
-- Params: $scheme VARCHAR, $level VARCHAR, $from_month DATE, $to_month DATE, $horizon INTEGER,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[]  (event months; a NULL list =
--   no filter)
with
threshold as (
    select l.dpd_band as threshold_band
    from scheme_level as sl
    inner join dpd_lookup as l
        on l.dpd = sl.dpd_edge
    where sl.scheme = $scheme and sl.level = $level
),
book_end as (
    select max(snapshot_month) as last_month
    from monthly_cube
),
scoped as (
    select
        c.event,
        c.event_month,
        sb.bucket_idx as from_idx,
        sb.bucket as from_bucket,
        c.first_k,
        c.loans
    from restructure_cube as c
    inner join threshold as t
        on t.threshold_band = c.threshold_band
    inner join scheme_band as sb
        on sb.dpd_band = c.from_band and sb.scheme = $scheme
    where c.event_month between $from_month and $to_month
        and ($products is null or list_contains($products, c.product))
        and ($regions is null or list_contains($regions, c.region))
        and ($channels is null or list_contains($channels, c.channel))
),
restructured_from as (
    select distinct from_idx, from_bucket
    from scoped
    where event = 'restructured'
),
matched as (
    select s.*
    from scoped as s
    inner join restructured_from as r
        on r.from_idx = s.from_idx
),
steps as (
    select unnest(range(1, $horizon + 1)) as k
),
life_table as (
    select
        m.event,
        st.k,
        cast(sum(m.loans) as bigint) as observed,
        cast(sum(case when m.first_k < st.k then m.loans else 0 end) as bigint) as reached_before,
        cast(sum(case when m.first_k = st.k then m.loans else 0 end) as bigint) as reached_at
    from matched as m
    cross join steps as st
    cross join book_end as b
    where cast(m.event_month + to_months(st.k) as date) <= b.last_month
    group by m.event, st.k
),
labelled as (
    select
        lt.*,
        (select string_agg(from_bucket, '+' order by from_idx) from restructured_from) as from_buckets
    from life_table as lt
)
select * from labelled order by event desc, k
