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
-- How (no pairing of every month with the next, nor of every event with all its later months):
-- an event always involves a flagged row, restructured at t or delinquent at t-1, and every level
-- threshold is DPD band 1 or above (levels are M1+ and up), so one scan keeps the flagged rows (a
-- few percent of the book) and everything else works on them: the row adjacent to each candidate
-- (t-1 of a restructured row, t after a delinquent one) is looked up in the book with the
-- candidates as the hash join's build side, and each event meets only its loan's later flagged
-- rows, collapsed to the first month at each DPD band before the thresholds are applied.
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
flagged as (
    -- restructured or delinquent (two conditions on one column each: each scan skips the columns
    -- it does not need for the rows it drops, which one OR across two columns would not)
    select loan_id, snapshot_month, product, region, channel, dpd_band, restructured
    from loan_snapshots
    where snapshot_month between cast($from_month - interval 1 month as date) and $to_month
        and dpd_band >= 1
    union all
    select loan_id, snapshot_month, product, region, channel, dpd_band, restructured
    from loan_snapshots
    where snapshot_month between cast($from_month - interval 1 month as date) and $to_month
        and restructured and not coalesce(dpd_band >= 1, false)
),
candidates as (
    -- a restructured row is an event if the month before is present and not restructured (from
    -- that month's band); a delinquent row starts a cure if the month after is present, current
    -- and not restructured (with that month's dimensions)
    select
        'restructured' as event,
        loan_id,
        snapshot_month as event_month,
        cast(snapshot_month - interval 1 month as date) as adjacent_month,
        product,
        region,
        channel,
        dpd_band
    from flagged
    where restructured and snapshot_month >= $from_month
    union all
    select
        'cured' as event,
        loan_id,
        cast(snapshot_month + interval 1 month as date) as event_month,
        cast(snapshot_month + interval 1 month as date) as adjacent_month,
        product,
        region,
        channel,
        dpd_band
    from flagged
    where dpd_band >= 1 and snapshot_month < $to_month
),
events as (
    select
        c.event,
        c.loan_id,
        c.event_month,
        case when c.event = 'restructured' then c.product else a.product end as product,
        case when c.event = 'restructured' then c.region else a.region end as region,
        case when c.event = 'restructured' then c.channel else a.channel end as channel,
        case when c.event = 'restructured' then a.dpd_band else c.dpd_band end as from_band
    from candidates as c
    inner join loan_snapshots as a
        on a.loan_id = c.loan_id and a.snapshot_month = c.adjacent_month
    -- written as one condition on both sides, not as a filter on the book alone: DuckDB then
    -- estimates the book side at its full size and builds the hash table on the candidates
    where case
        when c.event = 'restructured' then not coalesce(a.restructured, false)
        else a.dpd_band = 0 and not coalesce(a.restructured, false)
    end
),
later_bands as (
    -- each DPD band an event's loan was at after the event, and the first month it was there
    select
        e.event,
        e.loan_id,
        e.event_month,
        f.dpd_band,
        min((year(f.snapshot_month) - year(e.event_month)) * 12
            + month(f.snapshot_month) - month(e.event_month)) as k
    from events as e
    inner join flagged as f
        on f.loan_id = e.loan_id and f.snapshot_month > e.event_month
    where f.dpd_band >= 1
    group by e.event, e.loan_id, e.event_month, f.dpd_band
),
first_reach as (
    select lb.event, lb.loan_id, lb.event_month, t.threshold_band, min(lb.k) as first_k
    from later_bands as lb
    inner join thresholds as t
        on lb.dpd_band >= t.threshold_band
    group by lb.event, lb.loan_id, lb.event_month, t.threshold_band
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
