"""Data: the source in use, what it holds, its data-quality warnings, the cubes, and the metric
dictionary (docs/metrics.md, with bucket tables generated from the definitions); and, for those who
may edit, bringing their own data: upload, map the columns and DPD codes, validate, then use it
(in this browser session only) or append a further month. Nothing replaces the data in use before
the validation report has been shown and the user has said "use this data"."""
from pathlib import Path

import streamlit as st

from monitor import fmt
from monitor import views_data as vd
from pages import common as ui
from pages import data_upload

tr, lang = ui.tr, ui.lang()
book = ui.book()
rep = book.report
st.title(tr("Data"))

if ui.session_source():
    with st.container(border=True):
        st.markdown(":material/person: " + tr("You are looking at your own data, **{name}**, in this browser "
                                             "session only; everyone else sees the server's data.",
                                             name=Path(book.source).name))
        if st.button(tr("Back to the server's data"), key="data_back", icon=":material/undo:"):
            del st.session_state[ui.SESSION_SOURCE]
            st.rerun()

st.subheader(tr("Source"))
cube_seconds = sum(s.get("seconds", 0.0) for s in book.cube_stats.values())
load_seconds = rep.seconds if rep else max(book.seconds - cube_seconds, 0.0)
kind = (rep.kind if rep else "—") + (f" ({rep.encoding})" if rep and rep.kind == "csv" else "")
if book.store:
    # a store was built earlier (a scheduled job, or this session's upload) and only opened here
    st.markdown(
        f"**{tr('Prebuilt store')}** `{book.store}`  \n"
        f"**{tr('Built from')}** `{book.source}` ({kind})  \n"
        f"**{tr('Built at')}** {book.built_at:%Y-%m-%d %H:%M:%S} · "
        + tr("load and validation {load:.1f} s, cube build {cubes:.1f} s", load=load_seconds, cubes=cube_seconds)
        + "  \n" + f"**{tr('Opened in')}** " + tr("{s:.2f} s, without reading the raw data", s=book.seconds))
else:
    st.markdown(
        f"**{tr('Path')}** `{book.source}`  \n"
        f"**{tr('Kind')}** {kind}  \n"
        f"**{tr('Loaded at')}** {book.built_at:%Y-%m-%d %H:%M:%S} · "
        + tr("load and validation {load:.1f} s, cube build {cubes:.1f} s, total {total:.1f} s",
             load=load_seconds, cubes=cube_seconds, total=book.seconds))

if rep:
    c = st.columns([1, 1, 1, 2])
    # a card holds about 8 characters: millions of rows read as 57.74M / 5,774万, exact on hover
    c[0].metric(tr("Rows"), fmt.count_short(rep.rows, lang), border=True, help=f"{rep.rows:,}")
    c[1].metric(tr("Loans"), fmt.count_short(rep.loans, lang), border=True, help=f"{rep.loans:,}")
    c[2].metric(tr("Months in book"), fmt.count(rep.months), border=True)
    c[3].metric(tr("Month range"), f"{rep.first_month:%Y-%m} … {rep.last_month:%Y-%m}", border=True)

st.subheader(tr("Bring your own data"))
upload_box = st.container(border=True)
if not ui.can_edit():
    upload_box.info(tr("Only risk managers may upload data."), icon=":material/lock:")
else:
    with upload_box:
        data_upload.render(book)

if rep:
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
