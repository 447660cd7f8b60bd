-- check_counts.sql
-- How many source rows carry each refusal (p_*) and row-level warning (w_*) flag.
-- Grain: one row. Reads: source_parsed. Used by: monitor/loader.py
-- Params: none
select
    count(*) as rows,
    count(*) filter (where p_month_missing) as month_missing,
    count(*) filter (where p_month_unparsable) as month_unparsable,
    count(*) filter (where p_loan_id_missing) as loan_id_missing,
    count(*) filter (where p_dpd_missing) as dpd_missing,
    count(*) filter (where p_dpd_unparsable) as dpd_unparsable,
    count(*) filter (where p_dpd_not_integer) as dpd_not_integer,
    count(*) filter (where p_dpd_negative) as dpd_negative,
    count(*) filter (where p_dpd_implausible) as dpd_implausible,
    count(*) filter (where p_balance_unparsable) as balance_unparsable,
    count(*) filter (where p_principal_unparsable) as principal_unparsable,
    count(*) filter (where p_overdue_amount_unparsable) as overdue_amount_unparsable,
    count(*) filter (where p_origination_month_unparsable) as origination_month_unparsable,
    count(*) filter (where p_restructured_unparsable) as restructured_unparsable,
    count(*) filter (where w_balance_empty) as balance_empty,
    count(*) filter (where w_balance_negative) as balance_negative,
    count(*) filter (where w_overdue_above_balance) as overdue_above_balance,
    count(*) filter (where w_overdue_negative) as overdue_negative,
    count(*) filter (where w_origination_after_snapshot) as origination_after_snapshot
from source_parsed
