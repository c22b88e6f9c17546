"""Writes the template workbooks, examples/templates/*.fods (flat ODF).

  PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.make_templates            # (re)write the files
  PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.make_templates --check    # exit 1 if a committed file differs

The generator is the source: the datasets are invented but plausible, built
from a few rates per channel/month so the figures hang together. One module
per workbook (campaign_dashboard, email_report, b2b_kpis, aarrr_funnel,
customer_value; shared pieces in parts.py), written with engine.py; the
English and French versions of a workbook come from one function with a
table of labels. Every formula cell also carries its value, the KPIs computed
by the core (core_functions.py). The build converts these .fods into .ots
templates (kpitools/templates/build.py).
"""
import argparse
import os
import sys

from kpitools.paths import source_path
from kpitools.templates.aarrr_funnel import aarrr
from kpitools.templates.b2b_kpis import b2b
from kpitools.templates.campaign_dashboard import campaign_dashboard
from kpitools.templates.customer_value import customer_value
from kpitools.templates.email_report import email_programme

OUT_DIR = source_path("examples", "templates")


TEMPLATES = {
    "campaign-dashboard-en": lambda: campaign_dashboard("en"),
    "campaign-dashboard-fr": lambda: campaign_dashboard("fr"),
    "email-programme": lambda: email_programme("en"),
    "email-programme-fr": lambda: email_programme("fr"),
    "b2b-kpis": lambda: b2b("en"),
    "b2b-kpis-fr": lambda: b2b("fr"),
    "aarrr-funnel": lambda: aarrr("en"),
    "aarrr-funnel-fr": lambda: aarrr("fr"),
    "customer-value": lambda: customer_value("en"),
    "customer-value-fr": lambda: customer_value("fr"),
}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    ap.add_argument("--out-dir", default=OUT_DIR)
    a = ap.parse_args(argv)
    stale = []
    for name, make in TEMPLATES.items():
        text = make().fods()
        path = os.path.join(a.out_dir, name + ".fods")
        if a.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(a.out_dir, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {path}")
    if stale:
        print("out of date (run: PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.pipeline generate):\n  " + "\n  ".join(stale))
        return 1
    if a.check:
        print(f"templates: {len(TEMPLATES)} generated files are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
