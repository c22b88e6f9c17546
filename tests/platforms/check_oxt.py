"""The .oxt carries one library per platform, each where LibreOffice on
that platform will look and for the right processor (issue 22):
  - description.xml lists exactly the platforms of the manifest's entries;
  - each manifest entry of type uno-components has a platform= parameter,
    and its components file names a library inside the package;
  - that library is an ELF of the right machine (Linux) or a PE32+ for
    x86-64 (Windows), read from its header, not from its name;
  - the expected platforms (argument) are all there;
  - everything else (the KPI menu's Python component, its configuration,
    the templates' path) carries no platform restriction: it serves every
    platform, run by LibreOffice's own Python.

usage: check_oxt.py OXT PLATFORM...
"""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zipfile

MANIFEST = "{http://openoffice.org/2001/manifest}"
COMPONENTS = "{http://openoffice.org/2010/uno-components}"
DESCRIPTION = "{http://openoffice.org/extensions/description/2006}"
# ELF e_machine numbers; PE machine numbers.
ELF_MACHINE = {"linux_x86_64": 62, "linux_aarch64": 183}
PE_MACHINE = {"windows_x86_64": 0x8664}
# Mach-O 64-bit (magic 0xfeedfacf, little-endian) CPU types.
MACHO_CPU = {"macos_x86_64": 0x01000007, "macos_aarch64": 0x0100000C}


def machine_ok(platform, data):
    if platform in ELF_MACHINE:
        return data[:4] == b"\x7fELF" and data[4] == 2 and struct.unpack_from("<H", data, 18)[0] == ELF_MACHINE[platform]
    if platform in MACHO_CPU:
        return struct.unpack_from("<II", data, 0) == (0xFEEDFACF, MACHO_CPU[platform])
    if platform in PE_MACHINE:
        if data[:2] != b"MZ":
            return False
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        return data[pe:pe + 4] == b"PE\0\0" and struct.unpack_from("<H", data, pe + 4)[0] == PE_MACHINE[platform]
    return False


def main(oxt, expected):
    failures = []
    with zipfile.ZipFile(oxt) as z:
        names = set(z.namelist())
        described = set(ET.fromstring(z.read("description.xml")).find(f"{DESCRIPTION}platform").get("value").split(","))
        found = set()
        for entry in ET.fromstring(z.read("META-INF/manifest.xml")).iter(f"{MANIFEST}file-entry"):
            media = entry.get(f"{MANIFEST}media-type")
            if not media.startswith("application/vnd.sun.star.uno-components"):
                if "platform=" in media:
                    failures.append(f"{entry.get(MANIFEST + 'full-path')}: restricted to a platform ({media})")
                elif "type=Python" in media:
                    print(f"ok: {entry.get(MANIFEST + 'full-path')}: the menu, on every platform")
                continue
            m = re.search(r";\s*platform=([^;]+)", media)
            path = entry.get(f"{MANIFEST}full-path")
            if not m:
                failures.append(f"{path}: no platform= on its manifest entry (it would load everywhere)")
                continue
            platform = m.group(1)
            found.add(platform)
            for comp in ET.fromstring(z.read(path)).iter(f"{COMPONENTS}component"):
                lib = comp.get("uri")
                if lib not in names:
                    failures.append(f"{platform}: {path} names {lib}, not in the package")
                elif not machine_ok(platform, z.read(lib)[:4096]):
                    failures.append(f"{platform}: {lib} is not a library for {platform}")
                else:
                    print(f"ok: {platform}: {lib} ({z.getinfo(lib).file_size:,} bytes)")
        if described != found:
            failures.append(f"description.xml lists {sorted(described)}, the manifest has {sorted(found)}")
        for p in expected:
            if p not in found:
                failures.append(f"{p}: no library in the package")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(expected) - len([p for p in expected if p not in found])} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
