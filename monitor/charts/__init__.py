"""Pure Plotly figure builders: DataFrames (and rules) in, go.Figure out; no Streamlit here.

One theme, one colour per bucket everywhere, and every figure names its level, basis and scheme.
"""
from .base import BUCKET_COLORS, bucket_color, group_colors, subtitle, themed  # noqa: F401
