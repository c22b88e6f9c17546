"""python3 -m kpitools.audit FILE...: the kpi-audit command."""
from kpitools.audit.cli import run

run()
