"""extension/add_platform.py (the macOS recipe's last step) on a copy of the
built .oxt: a library with a Mach-O arm64 header added as macos_aarch64 is
found by check_oxt.py where LibreOffice on that platform looks; one with an
x86-64 header added under the arm64 name is refused by it.

usage: test_add_platform.py OXT WORKDIR"""
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ADD = os.path.join(HERE, "..", "..", "extension", "add_platform.py")
CHECK = os.path.join(HERE, "check_oxt.py")
BUILT = ["linux_x86_64", "linux_aarch64", "windows_x86_64"]


def run(*cmd):
    return subprocess.run([sys.executable, *cmd], capture_output=True, text=True)


def main(oxt, workdir):
    os.makedirs(workdir, exist_ok=True)
    failures = []
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for cpu, name, should_pass in ((0x0100000C, "arm64", True), (0x01000007, "x86-64", False)):
            lib = os.path.join(tmp, f"libkpi_addin-{name}.dylib")
            with open(lib, "wb") as f:
                f.write(struct.pack("<II", 0xFEEDFACF, cpu) + bytes(120))  # a Mach-O 64 header's start
            out = os.path.join(tmp, f"with-{name}.oxt")
            r = run(ADD, oxt, "macos_aarch64", lib, out)
            if r.returncode:
                failures.append(f"add_platform failed: {r.stdout}{r.stderr}")
                continue
            c = run(CHECK, out, *BUILT, "macos_aarch64")
            print(c.stdout, end="")
            if (c.returncode == 0) != should_pass:
                failures.append(f"check_oxt {'refused' if should_pass else 'accepted'} a {name} library as macos_aarch64")
        again = run(ADD, os.path.join(tmp, "with-arm64.oxt"), "macos_aarch64", lib, os.path.join(tmp, "twice.oxt"))
        if again.returncode == 0:
            failures.append("add_platform added macos_aarch64 twice")
    for f in failures:
        print("FAIL:", f)
    print(f"{3 - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
