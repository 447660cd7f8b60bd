-- check_examples.sql
-- Up to 5 example rows for one flag of check_counts, with the offending value as text.
-- Grain: one row per example source row. Reads: source_parsed. Used by: monitor/load_checks.py
-- Params: $check VARCHAR (a check_counts column name)
with
picked as (
    select
        _file,
        _row,
        loan_id,
        case $check
            when 'month_unparsable' then cast(snapshot_month_raw as varchar)
            when 'dpd_unparsable' then cast(days_past_due_raw as varchar)
            when 'dpd_not_integer' then cast(days_past_due_raw as varchar)
            when 'dpd_negative' then cast(days_past_due_raw as varchar)
            when 'dpd_implausible' then cast(days_past_due_raw as varchar)
            when 'balance_unparsable' then cast(outstanding_balance_raw as varchar)
            when 'principal_unparsable' then cast(principal_raw as varchar)
            when 'overdue_amount_unparsable' then cast(overdue_amount_raw as varchar)
            when 'origination_month_unparsable' then cast(origination_month_raw as varchar)
            when 'restructured_unparsable' then cast(restructured_raw as varchar)
            when 'balance_negative' then cast(outstanding_balance_raw as varchar)
            when 'overdue_above_balance' then cast(overdue_amount_raw as varchar)
                || ' > ' || coalesce(cast(outstanding_balance_raw as varchar), 'empty')
            when 'overdue_negative' then cast(overdue_amount_raw as varchar)
            when 'origination_after_snapshot' then cast(origination_month as varchar)
                || ' > ' || cast(snapshot_month as varchar)
        end as value
    from source_parsed
    where case $check
        when 'month_missing' then p_month_missing
        when 'month_unparsable' then p_month_unparsable
        when 'loan_id_missing' then p_loan_id_missing
        when 'dpd_missing' then p_dpd_missing
        when 'dpd_unparsable' then p_dpd_unparsable
        when 'dpd_not_integer' then p_dpd_not_integer
        when 'dpd_negative' then p_dpd_negative
        when 'dpd_implausible' then p_dpd_implausible
        when 'balance_unparsable' then p_balance_unparsable
        when 'principal_unparsable' then p_principal_unparsable
        when 'overdue_amount_unparsable' then p_overdue_amount_unparsable
        when 'origination_month_unparsable' then p_origination_month_unparsable
        when 'restructured_unparsable' then p_restructured_unparsable
        when 'balance_empty' then w_balance_empty
        when 'balance_negative' then w_balance_negative
        when 'overdue_above_balance' then w_overdue_above_balance
        when 'overdue_negative' then w_overdue_negative
        when 'origination_after_snapshot' then w_origination_after_snapshot
    end
    limit 5
)
select * from picked order by _file, _row
