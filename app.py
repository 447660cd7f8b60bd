"""Loan Portfolio Monitor (逾期监控看板): the entry file lists the pages and draws the shared sidebar.

Run: streamlit run app.py [-- --data PATH]
"""
import streamlit as st

from pages import common as ui

st.set_page_config(page_title="逾期监控看板 · Loan Portfolio Monitor", page_icon="📉",
                   layout="wide", initial_sidebar_state="expanded")

st.sidebar.segmented_control("语言 / Language", ["zh", "en"], default="zh", key="lang",
                             bind="query-params", required=True,
                             format_func=lambda v: "中文" if v == "zh" else "English")
PAGES = [
    ("pages/overview.py", "Overview", "overview", ":material/dashboard:"),
    ("pages/trends.py", "Overdue trends", "trends", ":material/show_chart:"),
    ("pages/migration.py", "Bucket migration", "migration", ":material/swap_vert:"),
    ("pages/vintage.py", "Vintage", "vintage", ":material/stacked_line_chart:"),
    ("pages/segments.py", "Segments", "segments", ":material/groups:"),
    ("pages/data.py", "Data", "data", ":material/database:"),
]
nav = st.navigation([st.Page(path, title=ui.tr(title), url_path=url, icon=icon, default=i == 0)
                     for i, (path, title, url, icon) in enumerate(PAGES)])
st.session_state["_view"] = ui.sidebar()
nav.run()
