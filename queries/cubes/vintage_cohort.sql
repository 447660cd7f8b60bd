-- vintage_cohort.sql
-- Loans and principal originated per cohort: the denominator of vintage rates. A loan counts in
-- its cohort once, with the principal of its first snapshot in the book. Loans already seen
-- before $from_month were counted by an earlier build, so an append adds only new loans.
-- Grain: one row per (origination_month, product, region, channel).
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
),
first_rows as (
    select
        r.loan_id,
        min_by(r.origination_month, r.snapshot_month) as origination_month,
        min_by(r.product, r.snapshot_month) as product,
        min_by(r.region, r.snapshot_month) as region,
        min_by(r.channel, r.snapshot_month) as channel,
        min_by(r.principal, r.snapshot_month) as principal
    from in_range as r
    left join seen_before as b
        on b.loan_id = r.loan_id
    where b.loan_id is null
    group by r.loan_id
),
cohorts as (
    select
        origination_month,
        product,
        region,
        channel,
        count(*) as loans,
        sum(principal) as principal
    from first_rows
    group by origination_month, product, region, channel
)
select * from cohorts
