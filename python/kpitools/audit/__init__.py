"""kpi-audit: audits the KPI figures of campaign workbooks (cli.py)."""
