"""Loan Portfolio Monitor (逾期监控看板): the entry file lists the pages and draws the shared sidebar.

Run: streamlit run app.py [-- --data PATH]
"""
import streamlit as st

from pages import common as ui

st.set_page_config(page_title="逾期监控看板 · Loan Portfolio Monitor", page_icon="📉",
                   layout="wide", initial_sidebar_state="expanded")

ui.set_lang(ui.url_widget(st.sidebar.segmented_control, "语言 / Language", ["zh", "en"], "lang", "zh",
                          required=True, format_func=lambda v: "中文" if v == "zh" else "English"))
PAGES = [
    ("pages/overview.py", "Overview", "overview", ":material/dashboard:"),
    ("pages/trends.py", "Overdue trends", "trends", ":material/show_chart:"),
    ("pages/migration.py", "Bucket migration", "migration", ":material/swap_vert:"),
    ("pages/vintage.py", "Vintage", "vintage", ":material/stacked_line_chart:"),
    ("pages/segments.py", "Segments", "segments", ":material/groups:"),
    ("pages/alerts.py", "Alerts", "alerts", ":material/notifications_active:"),
    ("pages/collections.py", "Collections", "collections", ":material/support_agent:"),
    ("pages/data.py", "Data", "data", ":material/database:"),
]
if ui.login_enabled() and not st.user.is_logged_in:
    # OIDC login (st.login) is on: nothing, not even the sidebar filters, before signing in
    st.title(ui.tr("Loan Portfolio Monitor"))
    st.button(ui.tr("Log in"), on_click=st.login, type="primary")
    st.stop()
nav = st.navigation([st.Page(path, title=ui.tr(title), url_path=url, icon=icon, default=i == 0)
                     for i, (path, title, url, icon) in enumerate(PAGES)])
st.session_state["_view"] = ui.sidebar()
if ui.login_enabled():
    st.sidebar.caption(f"{st.user.get('email', '')}")
    st.sidebar.button(ui.tr("Log out"), on_click=st.logout, key="logout")
nav.run()
