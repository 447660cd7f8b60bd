"""The Data page's upload (pages/data.py draws it): receive a file, map its columns and DPD codes,
validate it into a candidate, show the report, and switch this session to it on request. Only the
session's own state changes; the server's book and other sessions are never touched.

Not a page: pages/data.py calls `render(book)`.
"""
from pathlib import Path

import streamlit as st

from monitor import fmt
from monitor import mapping as mp
from monitor import upload as up
from monitor import views_data as vd
from monitor import views_upload as vu
from monitor.book import Book
from monitor.errors import LoadError, UserError
from monitor.loader import COLUMNS
from pages import common as ui

tr = ui.tr


def _folder() -> Path:
    """This session's private upload folder (made on first use)."""
    folder = st.session_state.get("data_folder")
    if not folder or not Path(folder).is_dir():
        folder = st.session_state["data_folder"] = str(up.session_dir())
    return Path(folder)


def _refusal(e: UserError, mapping: dict[str, str], folder: Path) -> None:
    """A refused upload: every problem with the user's own column, and that nothing changed."""
    st.error(f"**{tr('Refused: nothing was loaded.')}** {tr('The data in use is unchanged.')}",
             icon=":material/block:")
    if isinstance(e, LoadError) and e.problems:
        frame = vu.problems_frame(e.problems, mapping, ui.lang())
        frame[tr("Problem")] = [up.clean(x, folder) for x in frame[tr("Problem")]]
        st.table(frame, hide_index=True)
    else:
        st.markdown(up.clean(e.message(ui.lang()), folder))


def _report(cand: up.Candidate, scheme: str, mapping: dict[str, str]) -> None:
    """The validation report of a candidate: what the file holds, its warnings, the book after."""
    r, whole = cand.report, cand.book
    st.success(tr("{name}: validated in {s:.1f} s, {n} data-quality warning(s). Nothing has changed yet: "
                  "press “Use this data” to look at it.", name=r.source, s=cand.seconds, n=len(r.warnings)),
               icon=":material/task_alt:")
    c = st.columns([1, 1, 1, 2])
    c[0].metric(tr("Rows"), fmt.count(r.rows), border=True)
    c[1].metric(tr("Loans"), fmt.count(r.loans), border=True)
    c[2].metric(tr("Months in file"), fmt.count(r.months), border=True)
    c[3].metric(tr("Month range"), f"{r.first_month:%Y-%m} … {r.last_month:%Y-%m}", border=True)
    if cand.kind == "append":
        st.caption(tr("The book after the append: {rows} rows, {months} months ({first} … {last}).",
                      rows=fmt.count(whole.rows), months=whole.months, first=f"{whole.first_month:%Y-%m}",
                      last=f"{whole.last_month:%Y-%m}"))
    missing = [col for col in vd.OPTIONAL_USES if col not in r.columns]
    if missing:
        st.caption(tr("Optional columns not mapped: {cols}.", cols=", ".join(missing)))
    if r.warnings:
        warnings = vd.warnings_frame(r.warnings, ui.lang())
        # the user's own column next to ours, as in a refusal
        column = tr("Column")
        warnings.insert(2, tr("Source column"), [mapping.get(c, "") for c in warnings[column]])
        st.table(vd.warnings_display(warnings, ui.lang()), hide_index=True)
        if scheme in ("bucket", "months") and any(w.code == "dpd_jumps" for w in r.warnings):
            st.caption(tr("Status codes give each loan the first day of its bucket (or 30 days a month in "
                          "arrears), so a loan that moves up one bucket in a short month can read as DPD "
                          "rising faster than the calendar. Bucket rates are exact; check that warning "
                          "against the source's own days past due if it has them."))
        ui.download(warnings, "upload_warnings", key="data_upload_warnings_csv")


def _validate(book: Book, mode: str, path: Path, mapping: dict, codes: dict | None, replace_month: bool,
              folder: Path) -> None:
    """Build the candidate with a progress indicator; keep the outcome (candidate or refusal)."""
    with st.status(tr("Validating {name} …", name=path.name), expanded=True) as status:
        bar = st.progress(0.0)
        step = lambda f, text: bar.progress(f, text=tr(text, name=path.name))  # noqa: E731
        try:
            if mode == "append":
                cand = up.append(book, path, mapping, codes, folder, replace_month, progress=step)
            else:
                cand = up.validate(path, mapping, codes, folder, progress=step)
        except UserError as e:
            status.update(label=tr("Refused: nothing was loaded."), state="error")
            st.session_state["data_outcome"] = ("refused", e)
            return
        status.update(label=tr("Validated: {name}", name=path.name), state="complete", expanded=False)
    old = st.session_state.get("data_outcome")
    if old and old[0] == "ok" and str(old[1].store) != ui.session_source():
        old[1].store.unlink(missing_ok=True)  # a candidate never used
    st.session_state["data_outcome"] = ("ok", cand)


def _use(cand: up.Candidate) -> None:
    """Switch this session to the candidate (the button's callback, before the rerun draws)."""
    previous = ui.session_source()
    st.session_state[ui.SESSION_SOURCE] = str(cand.store)
    st.session_state.pop("data_outcome", None)
    st.session_state["data_flash"] = tr("Now showing {name}. Other users still see the server's data.",
                                        name=cand.report.source)
    if previous and previous != str(cand.store):
        Path(previous).unlink(missing_ok=True)


def _receive(file, limit: int) -> up.Peek | None:
    """Save a newly uploaded file in the session folder and look at it once; the suggested mapping
    and code scheme become the widgets' values. None (and the refusal shown) when unreadable."""
    seen = st.session_state.get("data_file")
    if seen and seen["id"] == file.file_id:
        return seen["peek"]
    st.session_state.pop("data_outcome", None)
    try:
        up.check_size(file.name, file.size, limit)
        path = up.save_upload(_folder(), file.name, file.getvalue())
        with st.spinner(tr("Reading {name} …", name=file.name)):
            peek = up.peek(path)
    except UserError as e:
        st.session_state.pop("data_file", None)
        _refusal(e, {}, _folder())
        return None
    suggested = mp.suggest(peek.columns)
    for target in COLUMNS:
        st.session_state[f"data_map_{target}"] = suggested.get(target, "")
    dpd_col = suggested.get("days_past_due")
    st.session_state["data_dpd_scheme"] = (mp.suggest_scheme(dpd_col, peek.values.get(dpd_col, []))
                                           if dpd_col else "days")
    st.session_state.pop("data_dpd_custom_seed", None)
    st.session_state["data_file"] = {"id": file.file_id, "peek": peek}
    return peek


def _apply_preset(name: str, peek: up.Peek) -> None:
    """Set the mapping and code widgets from a saved preset, then redraw."""
    try:
        preset = mp.load_preset(name)
    except UserError as e:
        st.error(e.message(ui.lang()))
        return
    applied, absent = preset.applied(peek.columns)
    for target in COLUMNS:
        st.session_state[f"data_map_{target}"] = applied.get(target, "")
    st.session_state["data_dpd_scheme"] = preset.dpd_scheme
    st.session_state["data_dpd_custom_seed"] = preset.dpd_custom
    st.session_state["data_flash"] = tr("Preset {name} applied.", name=name) + (
        " " + tr("Not in this file: {cols}.", cols=", ".join(absent)) if absent else "")
    st.rerun()


def _map_columns(peek: up.Peek) -> dict[str, str]:
    """One selectbox per DESIGN column, in a grid; returns {DESIGN column: source column}."""
    st.markdown(f"**{tr('Map the columns')}** · "
                + tr("recognised automatically where the header is known; * = required"))
    options = ["", *peek.columns]
    grid = st.columns(3)
    for i, target in enumerate(COLUMNS):
        if st.session_state.get(f"data_map_{target}") not in options:
            st.session_state[f"data_map_{target}"] = ""
        grid[i % 3].selectbox(vu.label(target, ui.lang()), options, key=f"data_map_{target}",
                              format_func=lambda c: c or tr("(not in the file)"))
    return {t: st.session_state[f"data_map_{t}"] for t in COLUMNS if st.session_state[f"data_map_{t}"]}


def _map_codes(peek: up.Peek, dpd_col: str | None) -> tuple[str, dict, dict | None, str | None]:
    """The DPD code scheme (and a table of one's own): (scheme, custom table, the loader's code
    table, the table's error), with how the column's values will read."""
    st.markdown(f"**{tr('Days past due or status codes')}**")
    d1, d2 = st.columns([2, 3])
    scheme = d1.selectbox(tr("The DPD column holds"), list(mp.SCHEMES), key="data_dpd_scheme",
                          format_func=lambda s: tr(vu.SCHEME_LABELS[s]))
    values = peek.values.get(dpd_col, []) if dpd_col else []
    custom = {}
    if scheme == "custom":
        seed = st.session_state.get("data_dpd_custom_seed")
        base = vu.custom_seed(list(seed)).assign(dpd=list(seed.values())) if seed else vu.custom_seed(values)
        edited = d1.data_editor(base, num_rows="dynamic", hide_index=True, key="data_dpd_custom",
                                column_config={"code": tr("Code"), "dpd": tr("DPD")})
        custom = vu.custom_table(edited)
    try:
        codes, error = mp.dpd_codes(scheme, custom), None
    except UserError as e:
        codes, error = None, e.message(ui.lang())
        d1.error(error)
    if scheme == "bucket":
        d1.caption(vu.bucket_codes_text(ui.load_definitions()) + " · " + tr(
            "each code reads as the first day of its bucket, so it falls in the same bucket in "
            "both schemes; 正常 / current read as 0"))
    elif scheme == "months":
        d1.caption(tr("k months in arrears reads as 30·k days (0, -1 and -2: current)."))
    if values:
        d2.caption(tr("How the values of {col} will read (first rows):", col=dpd_col))
        d2.dataframe(vu.code_preview(values, codes, ui.load_definitions(), ui.lang()), hide_index=True,
                     width="stretch")
    return scheme, custom, codes, error


def render(book: Book) -> None:
    """Upload, map, validate, use: the controls of those who may edit."""
    if flash := st.session_state.pop("data_flash", None):
        st.success(flash)
    server_mb = int(st.get_option("server.maxUploadSize"))
    try:
        limit = up.upload_limit_mb(server_mb)
    except UserError as e:
        st.warning(e.message(ui.lang()))
        limit = server_mb
    left, right = st.columns([3, 2])
    mode = left.segmented_control(
        tr("What to do"), ["replace", "append"], key="data_mode", required=True, default="replace",
        persist_state="session",
        format_func=lambda m: tr("Use a new book") if m == "replace" else tr("Append a further month"))
    right.caption(tr("A CSV (UTF-8, GBK/GB18030 or UTF-16) or Parquet file of month-end snapshots, up to "
                     "{mb} MB. Your data is only for this browser session: it replaces nothing on the server.",
                     mb=limit))
    file = st.file_uploader(tr("Snapshot file"), type=list(up.SUFFIXES), key="data_upload",
                            max_upload_size=limit)
    if file is None:
        st.session_state.pop("data_file", None)
        return
    peek = _receive(file, limit)
    if peek is None:
        return
    kind = peek.kind + (f" · {peek.encoding}" if peek.kind == "csv" else "")
    st.caption(tr("{name} · {kind} · {n} columns · first rows:", name=file.name, kind=kind, n=len(peek.columns)))
    st.dataframe(peek.head, hide_index=True, width="stretch", height="content")

    # presets: a mapping saved once, reused for every month's extract from the same system
    p1, p2, p3, p4 = st.columns([2, 1, 2, 1], vertical_alignment="bottom")
    chosen = p1.selectbox(tr("Preset"), mp.list_presets(), index=None, key="data_preset",
                          placeholder=tr("Choose a saved mapping"))
    if p2.button(tr("Apply"), key="data_preset_apply", disabled=chosen is None):
        _apply_preset(chosen, peek)
    new_name = p3.text_input(tr("Save this mapping as"), key="data_preset_name",
                             placeholder=tr("e.g. core_banking_monthly"))
    mapping = _map_columns(peek)
    scheme, custom, codes, code_error = _map_codes(peek, mapping.get("days_past_due"))
    if p4.button(tr("Save preset"), key="data_preset_save", disabled=not new_name):
        try:
            mp.save_preset(mp.Preset(new_name.strip(), mapping, scheme, custom))
            st.success(tr("Saved preset {name}.", name=new_name.strip()))
        except UserError as e:
            st.error(e.message(ui.lang()))
    with st.expander(tr("The mapping, with the first values of each column")):
        st.dataframe(vu.mapping_preview(mapping, peek.values, ui.lang()), hide_index=True, width="stretch")

    replace_month = False
    if mode == "append":
        replace_month = st.checkbox(tr("Replace that month if the book already holds it"), key="data_replace_month")
        st.caption(tr("The month is checked by the same rules, then added to a copy of the book in use "
                      "(a book loaded from raw data is rebuilt first); the book in use is not touched."))
    signature = (file.file_id, mode, replace_month, tuple(sorted(mapping.items())), scheme,
                 tuple(sorted(custom.items())))
    if st.button(tr("Validate"), key="data_validate", type="primary", icon=":material/fact_check:",
                 disabled=code_error is not None):
        _validate(book, mode, peek.path, mapping, codes, replace_month, _folder())
        st.session_state["data_outcome_for"] = signature
    outcome = st.session_state.get("data_outcome")
    if outcome and st.session_state.get("data_outcome_for") == signature:
        if outcome[0] == "refused":
            _refusal(outcome[1], mapping, _folder())
        elif outcome[1].ok:
            _report(outcome[1], scheme, mapping)
            st.button(tr("Use this data"), key="data_use", type="primary", icon=":material/swap_horiz:",
                      on_click=_use, args=(outcome[1],))
    elif outcome:
        st.caption(tr("The mapping changed since the last validation: validate again."))
