"""Spreadsheet knowledge shared by the audit, the templates and the tests:
cell addresses, Calc's error codes, the XML namespaces of ODF and OOXML."""
