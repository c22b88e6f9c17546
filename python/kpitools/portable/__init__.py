"""Portable copies of workbooks (issue 11): every KPI call rewritten with its
native equivalent (native.py), or kept as a value where none exists
(convert.py, on a document open in LibreOffice; cli.py, kpi-portable)."""
