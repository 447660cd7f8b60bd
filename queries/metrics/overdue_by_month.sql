-- overdue_by_month.sql
-- Overdue balance, count and rate at every level of the scheme, per month and group, plus the
-- 'ALL' row of the whole scope. Coincident rate = exposure at level L / total exposure in the
-- month; lagged rate = the same numerator / total exposure k months earlier (k = L's bucket
-- index), NULL where that month is not in the book. Count rates likewise with loans.
-- Grain: one row per (snapshot_month, grp, level). Reads: monthly_grouped (macros.sql),
-- scheme_level. Used by: monitor/metrics.py (summary), pages/trends.py, pages/overview.py
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $group_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]  (a NULL list = no filter)
with
by_bucket as (
    -- from the start of the book: lagged rates look back before $from_month
    select *
    from monthly_grouped($scheme, date '1900-01-01', $to_month, $group_by, $products, $regions,
        $channels, $seg_dim, $seg_values)
),
totals as (
    select
        snapshot_month,
        grp,
        cast(sum(loans) as bigint) as loans,
        sum(exposure) as balance,
        sum(overdue_amount) as overdue_amount
    from by_bucket
    group by snapshot_month, grp
),
levels as (
    select
        b.snapshot_month,
        b.grp,
        sl.level,
        sl.level_idx,
        sum(case when b.bucket_idx >= sl.level_idx then b.exposure else 0 end) as overdue_balance,
        cast(sum(case when b.bucket_idx >= sl.level_idx then b.loans else 0 end) as bigint) as overdue_loans
    from by_bucket as b
    cross join scheme_level as sl
    where sl.scheme = $scheme
    group by b.snapshot_month, b.grp, sl.level, sl.level_idx
),
rates as (
    select
        l.snapshot_month,
        l.grp,
        l.level,
        l.level_idx,
        t.loans,
        t.balance,
        t.overdue_amount,
        l.overdue_balance,
        l.overdue_loans,
        l.overdue_balance / nullif(t.balance, 0) as rate,
        l.overdue_loans / nullif(t.loans, 0) as count_rate,
        lag_t.balance as lagged_balance,
        l.overdue_balance / nullif(lag_t.balance, 0) as lagged_rate,
        l.overdue_loans / nullif(lag_t.loans, 0) as lagged_count_rate
    from levels as l
    inner join totals as t
        on t.snapshot_month = l.snapshot_month and t.grp = l.grp
    left join totals as lag_t
        on lag_t.grp = l.grp and lag_t.snapshot_month = l.snapshot_month - to_months(l.level_idx)
)
select *
from rates
where snapshot_month between $from_month and $to_month
order by snapshot_month, grp = 'ALL' desc, grp, level_idx
