"""build/kpi-portable as a user runs it: a portable copy of the example sheet
with its summary (text and JSON), the input's bytes and mtime unchanged, and
bad input or output refused with one line and exit code 2, nothing written."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import Checker, args_from_argv


SHEET = "Résultats du test A-B de la newsletter de printemps 2025 (export Brevo)"
# 200/1000 against 250/1000: pooled p = 0.225, z = 0.05 / sqrt(0.225 * 0.775 * 0.002) = 2.6854...,
# two-sided p = erfc(z / sqrt 2) (math.erfc, independent of the core's Boost.Math).
P_AB = __import__("math").erfc(0.05 / (0.225 * 0.775 * 0.002) ** 0.5 / 2 ** 0.5)
LONG_SHEET_BOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>
<table:table table:name="{SHEET}"><table:table-row>
<table:table-cell office:value-type="float" office:value="200"/><table:table-cell office:value-type="float" office:value="1000"/>
<table:table-cell office:value-type="float" office:value="250"/><table:table-cell office:value-type="float" office:value="1000"/>
</table:table-row></table:table><table:table table:name="S"><table:table-row>
<table:table-cell table:formula="of:=KPI.ABPVALUE([$'{SHEET}'.A1:.A1];[$'{SHEET}'.B1:.B1];[$'{SHEET}'.C1:.C1];[$'{SHEET}'.D1:.D1])"/>
</table:table-row></table:table></office:spreadsheet></office:body></office:document>"""


def state(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest(), os.stat(path).st_mtime_ns


def run(launcher, *args):
    return subprocess.run([launcher, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)


def main():
    a = args_from_argv()
    chk = Checker("portable.cli")
    launcher = os.path.join(os.path.dirname(a.catalogue), "..", "kpi-portable")
    os.makedirs(a.workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="portable-cli-", dir=a.workdir)
    try:
        src = os.path.join(tmp, "campaign.fods")
        shutil.copyfile(os.path.join(a.source_dir, "examples", "campaign.fods"), src)
        before = state(src)
        out = os.path.join(tmp, "campaign.xlsx")
        r = run(launcher, src, "-o", out, "--format", "json", "--workdir", tmp)
        chk.check(r.returncode == 0, f"exit code 0 ({r.returncode}: {r.stderr.strip()})")
        summary = json.loads(r.stdout) if r.returncode == 0 else {"rewritten": [], "frozen": []}
        cells = {e["cell"]: e for e in summary["rewritten"]}
        # The example sheet: 5 rows x 6 KPIs (J4:O8) + CLV and LTV:CAC (B15, B16), all native.
        want = {f"Campaign.{c}{r}" for c in "JKLMNO" for r in range(4, 9)} | {"Campaign.B15", "Campaign.B16"}
        chk.check(set(cells) == want and not summary["frozen"],
                  f"32 cells rewritten, none frozen: {sorted(set(cells) ^ want)}, frozen {summary['frozen']}")
        chk.check(cells.get("Campaign.J8", {}).get("formula") == "=KPI.CPL(B4:B7;E4:E7)",
                  "the summary names the original formula")
        chk.check("SUM(IF(ISTEXT(B4:B7);0;B4:B7*1))" in cells.get("Campaign.J8", {}).get("native", "")
                  and cells.get("Campaign.J8", {}).get("array"),
                  "and its native formula (sum over sum), an array formula")
        chk.check(os.path.getsize(out) > 0 and state(src) == before, "the copy written, the input unchanged")
        chk.check(not [f for f in os.listdir(tmp) if f.startswith(".kpi-portable-")], "no temporary file left")
        r = run(launcher, src, "-o", os.path.join(tmp, "campaign.ods"), "--workdir", tmp)
        chk.check(r.returncode == 0 and "32 formula(s) rewritten natively, 0 kept as values" in r.stdout,
                  f"text summary: {r.stdout[:120]!r}")

        # A long sheet name repeated in every expansion: KPI.ABPVALUE's native
        # formula would pass Excel's 8,192 characters, so the cell keeps its value.
        longbook = os.path.join(tmp, "long.fods")
        with open(longbook, "w", encoding="utf-8") as f:
            f.write(LONG_SHEET_BOOK)
        r = run(launcher, longbook, "-o", os.path.join(tmp, "long.xlsx"), "--format", "json", "--workdir", tmp)
        frozen = json.loads(r.stdout)["frozen"] if r.returncode == 0 else []
        chk.check(len(frozen) == 1 and "8,192" in frozen[0]["reason"] and abs(float(frozen[0]["value"]) - P_AB) < 1e-12,
                  f"a native formula over 8,192 characters: the value kept ({r.stderr.strip()[:200]} {frozen})")

        notsheet = os.path.join(tmp, "notes.xlsx")
        with open(notsheet, "w") as f:
            f.write("not a workbook\n")
        damaged = os.path.join(tmp, "damaged.ods")
        with open(src, "rb") as f_in, open(damaged, "wb") as f_out:
            f_out.write(b"PK\x03\x04" + f_in.read()[:200])
        for args, why in (([os.path.join(tmp, "missing.ods"), "-o", os.path.join(tmp, "x.xlsx")], "no such file"),
                          ([notsheet, "-o", os.path.join(tmp, "x.xlsx")], "not a spreadsheet package"),
                          ([damaged, "-o", os.path.join(tmp, "x.xlsx")], "damaged"),
                          ([src, "-o", os.path.join(tmp, "x.pdf")], "unsupported output type"),
                          ([src, "-o", src], "unsupported output type"),
                          ([src, "-o", os.path.join(tmp, "no", "x.xlsx")], "no such folder")):
            r = run(launcher, *args, "--workdir", tmp)
            line = r.stderr.strip()
            chk.check(r.returncode == 2 and why in line and "\n" not in line and "Traceback" not in r.stderr,
                      f"{why}: exit 2 and one line ({r.returncode}: {line!r})")
        chk.check(not os.path.exists(os.path.join(tmp, "x.xlsx")) and not os.path.exists(os.path.join(tmp, "x.pdf")),
                  "nothing written for bad input")
        chk.check(state(src) == before, "the input still unchanged")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
