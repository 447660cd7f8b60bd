"""Loan Portfolio Monitor (逾期监控看板): delinquency monitoring over monthly loan snapshots."""

__version__ = "0.1.0"
