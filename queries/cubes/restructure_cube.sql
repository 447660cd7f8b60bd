-- restructure_cube.sql
-- How soon loans fall behind again after a fresh start. Two kinds of event, one per loan-month:
--   'restructured': the first month a loan is flagged restructured (展期) while it was present and
--     not flagged the calendar month before (loans flagged from their first snapshot have no
--     observed event and are left out);
--   'cured': a loan delinquent at t-1 (DPD band >= 1) that is current (DPD 0) at t and not
--     flagged restructured at t: the comparable fresh start without a repayment plan.
-- For every event and every level threshold (the DPD edge of some scheme's level), the first
-- month after the event at which the loan was at or beyond the threshold: first_k = months since
-- the event (1, 2, ...), NULL when it had not by $to_month. A cumulative sum over first_k gives
-- "re-defaulted within k months". Dimensions are the loan's at the event month; from_band is its
-- DPD band the month before, so a query can compare events from the same buckets.
-- Grain: one row per (event, event_month, product, region, channel, from_band, threshold_band,
-- first_k). Reads: loan_snapshots, scheme_level, dpd_lookup.
-- Used by: monitor/cubes.py (DuckDB and Spark run this same text)
-- Params: $from_month DATE, $to_month DATE  (event months; follow-up up to $to_month)
with
thresholds as (
    select distinct l.dpd_band as threshold_band
    from scheme_level as sl
    inner join dpd_lookup as l
        on l.dpd = sl.dpd_edge
),
snapshots as (
    select loan_id, snapshot_month, product, region, channel, dpd_band, restructured
    from loan_snapshots
    where snapshot_month <= $to_month
),
events as (
    select
        case when cur.restructured then 'restructured' else 'cured' end as event,
        cur.loan_id,
        cur.snapshot_month as event_month,
        cur.product,
        cur.region,
        cur.channel,
        prev.dpd_band as from_band
    from snapshots as cur
    inner join snapshots as prev
        on prev.loan_id = cur.loan_id
        and prev.snapshot_month = cast(cur.snapshot_month - interval 1 month as date)
    where cur.snapshot_month between $from_month and $to_month
        and (
            (cur.restructured and not coalesce(prev.restructured, false))
            or (not coalesce(cur.restructured, false) and prev.dpd_band >= 1 and cur.dpd_band = 0)
        )
),
later as (
    select
        e.event,
        e.loan_id,
        e.event_month,
        t.threshold_band,
        (year(s.snapshot_month) - year(e.event_month)) * 12
            + month(s.snapshot_month) - month(e.event_month) as k
    from events as e
    inner join snapshots as s
        on s.loan_id = e.loan_id and s.snapshot_month > e.event_month
    inner join thresholds as t
        on s.dpd_band >= t.threshold_band
),
first_reach as (
    select event, loan_id, event_month, threshold_band, min(k) as first_k
    from later
    group by event, loan_id, event_month, threshold_band
),
outcomes as (
    select
        e.event,
        e.event_month,
        e.product,
        e.region,
        e.channel,
        e.from_band,
        t.threshold_band,
        f.first_k
    from events as e
    cross join thresholds as t
    left join first_reach as f
        on f.event = e.event and f.loan_id = e.loan_id and f.event_month = e.event_month
        and f.threshold_band = t.threshold_band
),
counted as (
    select
        event,
        event_month,
        product,
        region,
        channel,
        from_band,
        threshold_band,
        first_k,
        count(*) as loans
    from outcomes
    group by event, event_month, product, region, channel, from_band, threshold_band, first_k
)
select * from counted
