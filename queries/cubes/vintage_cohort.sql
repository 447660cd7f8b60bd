-- vintage_cohort.sql
-- Loans and principal originated per cohort: the denominator of vintage rates. A loan counts in
-- its cohort once, with the principal of its first snapshot in the book that belongs to a cohort
-- (an origination month on or before the snapshot month); first_seen is that snapshot's month.
-- Loans with such a snapshot before $from_month were counted by an earlier build, so an append
-- adds only new loans, and its rows (first_seen in the appended months) are new rows.
-- Grain: one row per (origination_month, first_seen, product, region, channel).
-- Reads: loan_snapshots. Used by: monitor/cubes.py (DuckDB and Spark run this same text)
-- Params: $from_month DATE, $to_month DATE
with
in_range as (
    select loan_id, snapshot_month, origination_month, product, region, channel, principal
    from loan_snapshots
    where snapshot_month between $from_month and $to_month
        and origination_month is not null
        and origination_month <= snapshot_month
),
seen_before as (
    select distinct loan_id
    from loan_snapshots
    where snapshot_month < $from_month
        and origination_month is not null
        and origination_month <= snapshot_month
),
first_rows as (
    -- one aggregate over a struct instead of one per column: the loan's first snapshot in a cohort
    select
        r.loan_id,
        min_by({'first_seen': r.snapshot_month, 'origination_month': r.origination_month,
            'product': r.product, 'region': r.region, 'channel': r.channel,
            'principal': r.principal}, r.snapshot_month) as first_row
    from in_range as r
    left join seen_before as b
        on b.loan_id = r.loan_id
    where b.loan_id is null
    group by r.loan_id
),
cohorts as (
    select
        first_row.origination_month as origination_month,
        first_row.first_seen as first_seen,
        cast(first_row.product as varchar) as product,
        cast(first_row.region as varchar) as region,
        cast(first_row.channel as varchar) as channel,
        count(*) as loans,
        sum(first_row.principal) as principal
    from first_rows
    group by
        first_row.origination_month, first_row.first_seen, first_row.product, first_row.region,
        first_row.channel
)
select * from cohorts
