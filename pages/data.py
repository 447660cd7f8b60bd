"""Data: the source in use, what it holds, its data-quality warnings, the cubes, and the metric
dictionary (docs/metrics.md, with bucket tables generated from the definitions)."""
import streamlit as st

from monitor import fmt
from monitor import views_data as vd
from pages import common as ui

tr, lang = ui.tr, ui.lang()
book = ui.book()
rep = book.report
st.title(tr("Data"))

st.subheader(tr("Source"))
cube_seconds = sum(s.get("seconds", 0.0) for s in book.cube_stats.values())
load_seconds = rep.seconds if rep else max(book.seconds - cube_seconds, 0.0)
st.markdown(
    f"**{tr('Path')}** `{book.source}`  \n"
    f"**{tr('Kind')}** {rep.kind if rep else '—'}"
    + (f" ({rep.encoding})" if rep and rep.kind == "csv" else "") + "  \n"
    f"**{tr('Loaded at')}** {book.built_at:%Y-%m-%d %H:%M:%S} · "
    + tr("load and validation {load:.1f} s, cube build {cubes:.1f} s, total {total:.1f} s",
         load=load_seconds, cubes=cube_seconds, total=book.seconds))

if rep:
    c = st.columns([1, 1, 1, 2])
    c[0].metric(tr("Rows"), fmt.count(rep.rows), border=True)
    c[1].metric(tr("Loans"), fmt.count(rep.loans), border=True)
    c[2].metric(tr("Months in book"), fmt.count(rep.months), border=True)
    c[3].metric(tr("Month range"), f"{rep.first_month:%Y-%m} … {rep.last_month:%Y-%m}", border=True)

    st.subheader(tr("Optional columns"))
    present = [col for col in vd.OPTIONAL_USES if col in rep.columns]
    missing = [col for col in vd.OPTIONAL_USES if col not in rep.columns]
    st.markdown(f"**{tr('Present')}:** {', '.join(f'`{x}`' for x in present) or tr('none')}  \n"
                f"**{tr('Missing')}:** {', '.join(f'`{x}`' for x in missing) or tr('none')}")
    columns = vd.column_status(rep.columns, rep.mapping, lang)
    st.dataframe(columns, hide_index=True, width="stretch", height="content",
                 column_config={tr("Present"): st.column_config.CheckboxColumn(width="small")})
    ui.download(columns, "optional_columns", key="data_columns_csv")

    st.subheader(tr("Data-quality warnings"))
    if rep.warnings:
        st.caption(tr("Loaded anyway: these rows are kept, as described. Fix them in the extract if they are errors."))
        warnings = vd.warnings_frame(rep.warnings, lang)
        # a static table: the explanations are sentences and must wrap, not be cut off
        st.table(vd.warnings_display(warnings, lang), hide_index=True)
        ui.download(warnings, "data_quality_warnings", key="data_warnings_csv")
    else:
        st.success(tr("No data-quality warnings."))

st.subheader(tr("Cubes"))
st.caption(tr("Built once per load from loan_snapshots; every page reads these, so a click never "
              "rescans the raw data."))
cubes = vd.cube_frame(book.cube_stats, lang)
st.dataframe(cubes, hide_index=True, width="content",
             column_config={tr("Rows"): st.column_config.NumberColumn(format="localized"),
                            tr("Build seconds"): st.column_config.NumberColumn(format="%.3f")})

st.subheader(tr("Metric dictionary"))
st.markdown(vd.dictionary(vd.read_dictionary(ui.ROOT), ui.load_definitions(), lang))
