"""How long Calc takes to read a pasted export (issue 13, item 5): the campaign dashboard
opened with the extension, a synthetic Google Ads export of N daily rows (real dates, then
the same with ISO text dates) put into Import Google Ads with setDataArray (Calc recalculates
what depends on it at once), then a full calculateAll. The median of --repeat runs each; the
table goes between the imports markers of --out (appended if absent).

  PYTHONPATH=python /usr/bin/python3 bench/imports_paste.py --oxt build/kpi-functions-*.oxt --out docs/benchmark.md
"""
import argparse
import datetime
import os
import platform
import random
import statistics
import time

from kpitools.office.session import Office
from kpitools.paths import source_path

BEGIN = "<!-- imports:begin (written by bench/imports_paste.py) -->"
END = "<!-- imports:end -->"


def export_rows(n, text_dates):
    rng = random.Random(n)
    rows = [("Day", "Campaign", "Cost", "Impr.", "Clicks", "Conversions", "Conv. value")]
    for i in range(n):
        d = datetime.date(2025, 1, 1) + datetime.timedelta(days=i % 365)
        day = d.isoformat() if text_dates else float((d - datetime.date(1899, 12, 30)).days)
        rows.append((day, f"Campaign {i // 365}", round(rng.uniform(10, 90), 2), float(rng.randrange(500, 5000)),
                     float(rng.randrange(10, 200)), float(rng.randrange(0, 9)), round(rng.uniform(0, 900), 2)))
    return tuple(rows)


def measure(office, src, n, text_dates, repeat):
    paste, full = [], []
    rows = export_rows(n, text_dates)
    for _ in range(repeat):
        doc = office.load(src)
        doc.calculateAll()
        sh = doc.Sheets.getByName("Import Google Ads")
        t = time.perf_counter()
        sh.getCellRangeByPosition(0, 0, len(rows[0]) - 1, len(rows) - 1).setDataArray(rows)
        paste.append(time.perf_counter() - t)
        t = time.perf_counter()
        doc.calculateAll()
        full.append(time.perf_counter() - t)
        read = doc.Sheets.getByName("Imports").getCellRangeByName("C7").getString()
        if not read.startswith(f"Read: {n} rows"):
            raise SystemExit(f"the export was not read as expected: {read!r}")
        doc.close(True)
    return statistics.median(paste), statistics.median(full)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="1000,9990")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    src = source_path("examples", "templates", "campaign-dashboard-en.fods")
    lines = [BEGIN, "", "### Pasting an export into the campaign dashboard", "",
             f"`bench/imports_paste.py` (LibreOffice with the extension, {platform.machine()}, "
             f"{os.cpu_count()} cores, median of {a.repeat}): a Google Ads export of N daily rows put into "
             "*Import Google Ads*; *paste* is the `setDataArray` call (Calc recalculates what depends on the "
             "sheet meanwhile), *full* a `calculateAll` of the whole workbook after it.", "",
             "| rows | dates | paste (s) | full recalculation (s) |", "|---:|---|---:|---:|"]
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for n in (int(x) for x in a.sizes.split(",")):
            for text_dates in (False, True):
                p, f = measure(office, src, n, text_dates, a.repeat)
                lines.append(f"| {n:,} | {'text (ISO)' if text_dates else 'real dates'} | {p:.2f} | {f:.2f} |")
                print(lines[-1], flush=True)
    lines += ["", END]
    block = "\n".join(lines)
    text = open(a.out, encoding="utf-8").read() if os.path.exists(a.out) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
