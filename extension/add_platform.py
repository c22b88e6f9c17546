"""Adds one more platform's library to a built .oxt, for a platform this
machine cannot build: macOS, whose library is built on a Mac
(docs/platforms.md, .github/workflows/platforms.yml). The package gets what
the build gives the others (extension/CMakeLists.txt): the library under
lib/<platform>/, a components file naming it, a manifest entry restricted to
the platform, and the platform in description.xml.

usage: add_platform.py IN.oxt PLATFORM LIBRARY OUT.oxt
"""
import os
import re
import sys
import zipfile


def components_for(template, platform, library):
    return template.replace("@KPI_PLATFORM@", platform).replace("@KPI_LIBRARY@", library)


def main(src, platform, library, dst):
    lib_name = os.path.basename(library)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "kpi.components.in"), encoding="utf-8") as f:
        components = components_for(f.read(), platform, lib_name)
    comp_path = f"kpi-{platform}.components"
    entry = (f'  <manifest:file-entry manifest:full-path="{comp_path}"\n'
             f'                       manifest:media-type="application/vnd.sun.star.uno-components;platform={platform}"/>\n')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst + ".tmp", "w", zipfile.ZIP_DEFLATED) as zout:
        if comp_path in zin.namelist():
            sys.exit(f"add_platform: {src} already has {platform}")
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "META-INF/manifest.xml":
                text = data.decode("utf-8")
                # After the last platform's entry, so the manifest stays grouped.
                last = text.rfind("platform=")
                at = text.find("/>\n", last) + 3
                data = (text[:at] + entry + text[at:]).encode("utf-8")
            elif info.filename == "description.xml":
                text = data.decode("utf-8")
                text, n = re.subn(r'(<platform value=")([^"]*)(")', lambda m: f"{m[1]}{m[2]},{platform}{m[3]}", text)
                if n != 1:
                    sys.exit("add_platform: description.xml has no <platform value=...>")
                data = text.encode("utf-8")
            zout.writestr(info, data)
        zout.writestr(comp_path, components)
        zout.write(library, f"lib/{platform}/{lib_name}")
    os.replace(dst + ".tmp", dst)
    print(f"{dst}: {platform} added ({lib_name})")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
