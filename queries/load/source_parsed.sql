-- source_parsed.sql
-- Parses the normalised source into DESIGN §1 types and flags every refusal (p_*) and every
-- row-level data-quality warning (w_*), and packs them into check_flags (bit i = the i-th flag in
-- the order below, which check_counts.sql decodes). Nothing is dropped here: the loader decides.
-- Grain: one row per source row. Reads: source_norm (source columns mapped to DESIGN names,
-- empty text already NULL). Used by: monitor/loader.py
-- Params: none
create or replace temp view source_parsed as
with
typed as (
    select
        _file,
        _row,
        loan_id,
        snapshot_month as snapshot_month_raw,
        outstanding_balance as outstanding_balance_raw,
        days_past_due as days_past_due_raw,
        origination_month as origination_month_raw,
        principal as principal_raw,
        overdue_amount as overdue_amount_raw,
        restructured as restructured_raw,
        -- any day of the month (or a bare YYYY-MM) normalises to the first day: DESIGN §1
        cast(date_trunc('month', coalesce(
            try_cast(snapshot_month as date),
            try_cast(try_strptime(cast(snapshot_month as varchar),
                ['%Y-%m', '%Y/%m', '%Y%m', '%Y%m%d', '%Y-%m-%d %H:%M:%S', '%Y年%m月', '%Y年%m月%d日'])
                as date))) as date) as snapshot_month,
        cast(date_trunc('month', coalesce(
            try_cast(origination_month as date),
            try_cast(try_strptime(cast(origination_month as varchar),
                ['%Y-%m', '%Y/%m', '%Y%m', '%Y%m%d', '%Y-%m-%d %H:%M:%S', '%Y年%m月', '%Y年%m月%d日'])
                as date))) as date) as origination_month,
        try_cast(outstanding_balance as double) as outstanding_balance,
        try_cast(days_past_due as double) as dpd_num,
        try_cast(principal as double) as principal,
        try_cast(overdue_amount as double) as overdue_amount,
        coalesce(
            try_cast(restructured as boolean),
            case lower(cast(restructured as varchar))
                when 'y' then true when 'yes' then true when '是' then true when 'true' then true
                when 'n' then false when 'no' then false when '否' then false when 'false' then false
            end) as restructured,
        product, region, channel, age_band, income_band, occupation, collection_action
    from source_norm
),
flagged as (
    select
        *,
        snapshot_month_raw is null as p_month_missing,
        snapshot_month_raw is not null and (snapshot_month is null
            or year(snapshot_month) not between 1900 and 2200) as p_month_unparsable,
        loan_id is null as p_loan_id_missing,
        days_past_due_raw is null as p_dpd_missing,
        days_past_due_raw is not null and (dpd_num is null or not isfinite(dpd_num))
            as p_dpd_unparsable,
        isfinite(dpd_num) and dpd_num <> floor(dpd_num) as p_dpd_not_integer,
        dpd_num < 0 as p_dpd_negative,
        -- more than 100 years late is not a date arithmetic result but a corrupt value
        isfinite(dpd_num) and dpd_num > 36500 as p_dpd_implausible,
        outstanding_balance_raw is not null and (outstanding_balance is null
            or not isfinite(outstanding_balance) or abs(outstanding_balance) >= 1e15)
            as p_balance_unparsable,
        principal_raw is not null and (principal is null or not isfinite(principal)
            or abs(principal) >= 1e15) as p_principal_unparsable,
        overdue_amount_raw is not null and (overdue_amount is null or not isfinite(overdue_amount)
            or abs(overdue_amount) >= 1e15) as p_overdue_amount_unparsable,
        origination_month_raw is not null and (origination_month is null
            or year(origination_month) not between 1900 and 2200) as p_origination_month_unparsable,
        restructured_raw is not null and restructured is null as p_restructured_unparsable,
        outstanding_balance_raw is null as w_balance_empty,
        outstanding_balance < 0 as w_balance_negative,
        -- the arrears cannot exceed what is owed; a cent of rounding is tolerated
        overdue_amount > greatest(coalesce(outstanding_balance, 0), 0) + 0.005
            as w_overdue_above_balance,
        overdue_amount < 0 as w_overdue_negative,
        origination_month > snapshot_month as w_origination_after_snapshot
    from typed
),
coded as (
    select
        *,
        -- a NULL comparison is no finding
        (cast(p_month_missing as integer)
            | (cast(coalesce(p_month_unparsable, false) as integer) << 1)
            | (cast(p_loan_id_missing as integer) << 2)
            | (cast(p_dpd_missing as integer) << 3)
            | (cast(coalesce(p_dpd_unparsable, false) as integer) << 4)
            | (cast(coalesce(p_dpd_not_integer, false) as integer) << 5)
            | (cast(coalesce(p_dpd_negative, false) as integer) << 6)
            | (cast(coalesce(p_dpd_implausible, false) as integer) << 7)
            | (cast(coalesce(p_balance_unparsable, false) as integer) << 8)
            | (cast(coalesce(p_principal_unparsable, false) as integer) << 9)
            | (cast(coalesce(p_overdue_amount_unparsable, false) as integer) << 10)
            | (cast(coalesce(p_origination_month_unparsable, false) as integer) << 11)
            | (cast(coalesce(p_restructured_unparsable, false) as integer) << 12)
            | (cast(w_balance_empty as integer) << 13)
            | (cast(coalesce(w_balance_negative, false) as integer) << 14)
            | (cast(coalesce(w_overdue_above_balance, false) as integer) << 15)
            | (cast(coalesce(w_overdue_negative, false) as integer) << 16)
            | (cast(coalesce(w_origination_after_snapshot, false) as integer) << 17)) as check_flags
    from flagged
)
select * from coded
