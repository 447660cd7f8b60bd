-- roll_cure.sql
-- Loan-level roll and cure rates per from-bucket: of the loans in bucket k at t-1 (exited ones
-- included), the share in a worse bucket at t (roll) and the share in M0 at t (cure), by t-1
-- exposure and by count. Loans new at t are not in any from-bucket.
-- Grain: one row per (to_month, grp, from_idx). Reads: transition_grouped (macros.sql).
-- Used by: monitor/metrics.py (migration), pages/migration.py, monitor/rules.py
-- Params: $scheme VARCHAR, $from_month DATE, $to_month DATE, $group_by VARCHAR,
--   $products VARCHAR[], $regions VARCHAR[], $channels VARCHAR[], $seg_dim VARCHAR,
--   $seg_values VARCHAR[]  (months are to-months)
with
moves as (
    select *
    from transition_grouped($scheme, $from_month, $to_month, $group_by, $products, $regions,
        $channels, $seg_dim, $seg_values)
    where from_idx >= 0
),
by_from as (
    select
        to_month,
        grp,
        from_idx,
        from_bucket,
        cast(sum(loans) as bigint) as loans,
        sum(exposure_from) as exposure,
        cast(sum(case when to_idx > from_idx then loans else 0 end) as bigint) as rolled_loans,
        sum(case when to_idx > from_idx then exposure_from else 0 end) as rolled_exposure,
        cast(sum(case when to_idx = 0 then loans else 0 end) as bigint) as cured_loans,
        sum(case when to_idx = 0 then exposure_from else 0 end) as cured_exposure
    from moves
    group by to_month, grp, from_idx, from_bucket
)
select
    cast(to_month - interval 1 month as date) as from_month,
    *,
    rolled_exposure / nullif(exposure, 0) as roll_rate,
    rolled_loans / nullif(loans, 0) as roll_rate_count,
    cured_exposure / nullif(exposure, 0) as cure_rate,
    cured_loans / nullif(loans, 0) as cure_rate_count
from by_from
order by to_month, grp = 'ALL' desc, grp, from_idx
