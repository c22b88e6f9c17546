"""The KPI menu inside Calc (see kpimenu_handler.py next to pythonpath/)."""
