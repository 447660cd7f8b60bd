-- vintage_ever.sql
-- When each loan first reached each level threshold (the DPD edge of some scheme's level), as a
-- count of loans per cohort and first MOB; a cumulative sum over MOB gives "ever at level L".
-- Only snapshots that belong to a cohort count (an origination month on or before the snapshot
-- month). Loans that reached a threshold before $from_month were counted by an earlier build, so
-- an append's rows (first reached in the appended months) are new rows.
-- Grain: one row per (origination_month, product, region, channel, threshold_band, first_mob).
-- Reads: loan_snapshots, scheme_level, dpd_lookup. Used by: monitor/cubes.py (DuckDB and Spark)
-- Params: $from_month DATE, $to_month DATE
with
thresholds as (
    select distinct l.dpd_band as threshold_band
    from scheme_level as sl
    inner join dpd_lookup as l
        on l.dpd = sl.dpd_edge
),
late_rows as (
    select
        s.loan_id,
        s.origination_month,
        s.product,
        s.region,
        s.channel,
        t.threshold_band,
        (year(s.snapshot_month) - year(s.origination_month)) * 12
            + month(s.snapshot_month) - month(s.origination_month) as mob
    from loan_snapshots as s
    inner join thresholds as t
        on s.dpd_band >= t.threshold_band
    where s.snapshot_month between $from_month and $to_month
        and s.origination_month is not null
        and s.origination_month <= s.snapshot_month
),
reached_before as (
    select distinct s.loan_id, t.threshold_band
    from loan_snapshots as s
    inner join thresholds as t
        on s.dpd_band >= t.threshold_band
    where s.snapshot_month < $from_month
        and s.origination_month is not null
        and s.origination_month <= s.snapshot_month
),
first_reach as (
    select
        r.loan_id,
        r.threshold_band,
        min(r.origination_month) as origination_month,
        min(r.product) as product,
        min(r.region) as region,
        min(r.channel) as channel,
        min(r.mob) as first_mob
    from late_rows as r
    left join reached_before as b
        on b.loan_id = r.loan_id and b.threshold_band = r.threshold_band
    where b.loan_id is null
    group by r.loan_id, r.threshold_band
),
counted as (
    select
        origination_month,
        cast(product as varchar) as product,
        cast(region as varchar) as region,
        cast(channel as varchar) as channel,
        threshold_band,
        first_mob,
        count(*) as loans
    from first_reach
    group by origination_month, product, region, channel, threshold_band, first_mob
)
select * from counted
