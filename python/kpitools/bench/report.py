"""docs/benchmark.md is written by several benchmarks; each replaces only its
own section, between `<!-- NAME:begin (...) -->` and `<!-- NAME:end -->`
(appended at the end the first time), and leaves the others as they are."""
import os
import platform
import re
import time


def replace_section(path, name, writer, body):
    """Puts body (markdown) between NAME's markers in path."""
    begin = f"<!-- {name}:begin (written by {writer}) -->"
    end = f"<!-- {name}:end -->"
    block = f"{begin}\n\n{body.strip()}\n\n{end}"
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    m = re.search(rf"<!-- {re.escape(name)}:begin[^\n]*-->.*?{re.escape(end)}", text, re.S)
    if m:
        text = text[:m.start()] + block + text[m.end():]
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def replace_in_page(path, name, body):
    """Puts body between `<!-- NAME:begin (written by scripts/bench.sh) -->`
    and `<!-- NAME:end -->` of a guide page (docs/guide/performance.md), which
    must already have them: the page's text around its tables is written by hand."""
    begin, end = f"<!-- {name}:begin (written by scripts/bench.sh) -->\n", f"<!-- {name}:end -->"
    text = open(path, encoding="utf-8").read()
    b, e = text.find(begin), text.find(end)
    if b < 0 or e < b:
        raise SystemExit(f"{path} has no {name} markers")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:b + len(begin)] + body.strip("\n") + "\n" + text[e:])


def section(path, name):
    """The body of NAME's section in path (without its markers), or None."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    m = re.search(rf"<!-- {re.escape(name)}:begin[^\n]*-->\n*(.*?)\n*<!-- {re.escape(name)}:end -->", text, re.S)
    return m.group(1) if m else None


def machine():
    """'AMD EPYC, 2 cores, Linux 6.1' for the notes under the tables."""
    cpu = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def load():
    """The 1-minute load average, as a number."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def today():
    return time.strftime("%Y-%m-%d")


def ms(seconds):
    return f"{seconds * 1000:,.1f} ms"
