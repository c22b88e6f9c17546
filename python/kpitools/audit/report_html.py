"""The HTML report."""
import html

from kpitools.audit.model import FORMAT_VERSION
from kpitools.audit.report_text import (findings_total, fmt_values, json_result_text, kpi_cells, unlisted_findings,
                                        unlisted_inventory, where)


def render_html(report):
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>kpi-audit report</title><style>",
             "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;vertical-align:top}th{background:#1f3864;color:#fff}"
             ".error{background:#fde2e2}.warning{background:#fff4d6}.info{background:#eef5ff}"
             "code{font-family:monospace}.failed{color:#b00020;font-weight:bold}",
             "</style></head><body><h1>kpi-audit report</h1>"]
    s = report["summary"]
    parts.append(f"<p>{s['files']} file(s): {s['audited']} audited, {s['failed']} not audited; "
                 f"<b>{s['error']}</b> error(s), <b>{s['warning']}</b> warning(s), {s['info']} info.</p>")
    for f in report["files"]:
        parts.append(f"<h2>{e(f['path'])}</h2>")
        if f["status"] != "audited":
            parts.append(f"<p class='failed'>Not audited: {e(f['error'])}</p>")
            continue
        parts.append(f"<p>{f['sheets']} sheet(s), {f['cells']:,} cells, {kpi_cells(f):,} KPI cell(s), "
                     f"{findings_total(f):,} finding(s).</p>")
        if f["findings"]:
            parts.append("<h3>Findings</h3><table><tr><th>Severity</th><th>Cell</th><th>Check</th>"
                         "<th>Explanation</th><th>Suggested fix</th></tr>")
            for x in f["findings"]:
                parts.append(f"<tr class='{e(x['severity'])}'><td>{e(x['severity'])}</td>"
                             f"<td>{e(where(x))}</td><td>{e(x['check'])}</td>"
                             f"<td>{e(x['message'])}</td><td><code>{e(x['fix'])}</code></td></tr>")
            parts.append("</table>")
            if f.get("findings_unlisted"):
                parts.append(f"<p>… and {e(unlisted_findings(f))}.</p>")
        if f["inventory"]:
            parts.append("<h3>KPI cells</h3><table><tr><th>Cell</th><th>Formula</th><th>Arguments</th>"
                         "<th>Result</th><th>Stored</th><th>Definition</th></tr>")
            for i in f["inventory"]:
                args = "<br>".join(e(a["text"] + (f" = {fmt_values(a)}" if "values" in a else ""))
                                   for a in i["arguments"])
                parts.append(f"<tr><td>{e(i['sheet'])}.{e(i['cell'])}</td><td><code>{e(i['formula'])}</code></td>"
                             f"<td>{args}</td><td>{e(json_result_text(i['result']))}</td>"
                             f"<td>{e(json_result_text(i['stored']))}</td><td>{e(i['definition'] or '?')}</td></tr>")
            parts.append("</table>")
            if f.get("inventory_unlisted"):
                parts.append(f"<p>… and {e(unlisted_inventory(f))}.</p>")
    parts.append(f"<p><small>kpi-audit, report format {FORMAT_VERSION}</small></p></body></html>\n")
    return "".join(parts)
