"""The shipped workbook templates: their generators (one module per
workbook, listed in make_templates.py; make_predictive.py; all over engine.py), and the pipeline that builds, renders and
checks them (pipeline.py)."""
