"""The text report."""
from kpitools.audit.model import fmt_num


def short(text, width):
    text = str(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def render_text(report):
    return "".join(render_file(f) for f in report["files"]) + render_summary(report["summary"])


def render_file(f):
    """One file's part of the text report."""
    out = [f"== {f['path']}"]
    if f["status"] != "audited":
        out.append(f"   NOT AUDITED: {f['error']}")
        out.append("")
        return "\n".join(out) + "\n"
    out.append(f"   {f['sheets']} sheet(s), {f['cells']:,} cells, {kpi_cells(f):,} KPI cell(s), "
               f"{findings_total(f):,} finding(s)")
    if f["inventory"]:
        out.append("")
        out.append("   KPI cells")
        rows = [("Cell", "Function", "Arguments", "Result", "Definition")]
        for i in f["inventory"]:
            args = "; ".join(a["text"] + (f" = {fmt_values(a)}" if "values" in a else "") for a in i["arguments"])
            res = i["result"]
            rows.append((f"{i['sheet']}.{i['cell']}", i["function"], short(args, 48),
                         json_result_text(res), short(i["definition"] or "?", 40)))
        out += table(rows, indent=3)
        if f.get("inventory_unlisted"):
            out.append(f"   ... and {unlisted_inventory(f)}")
    if f["findings"]:
        out.append("")
        out.append("   Findings")
        rows = [("Severity", "Cell", "Check", "Explanation / fix")]
        for x in f["findings"]:
            rows.append((x["severity"].upper(), where(x), x["check"], x["message"]))
            rows.append(("", "", "", "fix: " + x["fix"]))
        out += table(rows, indent=3)
        if f.get("findings_unlisted"):
            out.append(f"   ... and {unlisted_findings(f)}")
    out.append("")
    return "\n".join(out) + "\n"


def where(x):
    """Sheet1.B7, or Sheet1.A1:ALL1000 (1,000,000 cells) for a grouped finding (grouping.py)."""
    n = x.get("cells", 1)
    return f"{x['sheet']}.{x.get('range', x['cell'])}" + (f" ({n:,} cells)" if n > 1 else "")


def kpi_cells(f):
    return f.get("kpi_cells", len(f["inventory"]))


def findings_total(f):
    return len(f["findings"]) + sum(f.get("findings_unlisted", {}).values())


def unlisted_findings(f):
    """The line saying how many findings the report does not list (grouping.MAX_FINDINGS)."""
    u = f["findings_unlisted"]
    return (f"{sum(u.values()):,} more finding(s) not listed ({u.get('error', 0):,} error(s), "
            f"{u.get('warning', 0):,} warning(s), {u.get('info', 0):,} info): the report lists "
            f"the first {len(f['findings']):,} of a file")


def unlisted_inventory(f):
    return (f"{f['inventory_unlisted']:,} more KPI cell(s) not listed: the report lists "
            f"the first {len(f['inventory']):,} of a file")


def render_summary(s):
    return (f"{s['files']} file(s): {s['audited']} audited, {s['failed']} not audited; "
            f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} info\n")


def fmt_values(a):
    vals = [json_result_text(v) for v in a["values"]]
    more = a["cells"] - len(vals)
    s = ", ".join(vals) + (f", … ({a['cells']} cells)" if more > 0 else "")
    return s if len(vals) == 1 and more <= 0 else "{" + s + "}"


def json_result_text(res):
    if res is None:
        return "(none)"
    if res["type"] == "value":
        return fmt_num(res["value"])
    if res["type"] == "error":
        return res["error"]
    if res["type"] == "blank":
        return "(blank)"
    return res.get("text", "")


def table(rows, indent=0):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    widths[-1] = 0
    pad = " " * indent
    lines = []
    for n, r in enumerate(rows):
        lines.append(pad + "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append(pad + "  ".join("-" * max(w, len(str(v))) for v, w in zip(r, widths)))
    return lines
