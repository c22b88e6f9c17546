"""The shipped workbook templates: their generators (make_templates.py,
make_predictive.py over engine.py), and the pipeline that builds, renders and
checks them (pipeline.py)."""
