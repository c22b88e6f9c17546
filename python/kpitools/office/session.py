"""Headless LibreOffice for the tests, the main job, the templates and kpi-audit.

Office(...) installs the built .oxt into an isolated user profile and
extension cache (nothing outside the given work folder is touched), starts
soffice.bin on a unique pipe, connects over UNO, and always shuts soffice down
and removes its temporary folders on exit, even when a test fails:
  - soffice.bin is started directly (not through the oosplash launcher) with
    PR_SET_PDEATHSIG, so the kernel kills it if this Python process dies
    without cleaning up (a ctest timeout kills with SIGKILL);
  - SIGTERM and SIGINT are turned into SystemExit so `finally` blocks run.

Needs Debian's /usr/bin/python3, which has LibreOffice's `uno` module.
"""
import ctypes
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from kpitools.office.guard import remove_pipe

import uno  # noqa: F401  (must come before the com.sun.star imports)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

PROGRAM_DIR = "/usr/lib/libreoffice/program"
SOFFICE_BIN = os.path.join(PROGRAM_DIR, "soffice.bin")
UNOPKG = os.path.join(PROGRAM_DIR, "unopkg")

# soffice.bin's exit codes that ask its launcher to start it again.
RESTART_CODES = (79, 81)


class Host:
    """This machine's own LibreOffice (the default everywhere). Its paths are
    read when a command is built: a test points SOFFICE_BIN elsewhere to
    play a machine without LibreOffice."""
    slowdown = 1  # the factor on every time-out

    def soffice(self):
        return [SOFFICE_BIN]

    def unopkg(self, *args):
        return [UNOPKG, *args]

    def env(self, env):
        return env


class Emulated:
    """Another architecture's LibreOffice run under qemu-user (issue 22: an
    arm64 Calc on this x86-64 machine): `tree` is an extracted Debian tree
    holding it (scripts/sysroot-arm64.sh). qemu's -L makes the programs find
    their loader and libraries in the tree; paths not in the tree (profiles,
    documents, the UNO pipe in /tmp) are the host's, so Python's uno on the
    host connects to it as usual: URP does not depend on the architecture."""
    # Measured on a 2-core machine: unopkg add 4.6 s (2.2 s natively), soffice
    # answering in 10-15 s (2.5-6 s): the time-outs get the same margin as natively.
    slowdown = 4

    def __init__(self, tree, qemu="qemu-aarch64"):
        self.tree = tree
        self.qemu = qemu
        self.program_dir = os.path.join(tree, "usr", "lib", "libreoffice", "program")

    def _run(self, program):
        return [self.qemu, "-L", self.tree, os.path.join(self.program_dir, program)]

    def soffice(self):
        return self._run("soffice.bin")

    def unopkg(self, *args):
        # unopkg.bin itself: the `unopkg` shell script would run on the host
        # and exec an aarch64 program without qemu. What it adds is here:
        # its ini file and file locking.
        return self._run("unopkg.bin") + [*args, "-env:INIFILENAME=vnd.sun.star.pathname:"
                                          + os.path.join(self.program_dir, "redirectrc")]

    def env(self, env):
        env["SAL_ENABLE_FILE_LOCKING"] = "1"
        return env


HOST = Host()


def file_url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _die_with_parent(max_address_space=None):
    # Runs in the child between fork and exec: ask the kernel to SIGKILL it
    # when the test process dies, whatever the cause.
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.setsid()
    # soffice creates its UNO pipe in /tmp (hard-coded in LibreOffice's osl
    # when /tmp is writable) with the permissions the umask leaves: under
    # umask 000 any local user could connect and drive it. Private, always.
    os.umask(0o077)
    if max_address_space:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (max_address_space, max_address_space))


def effective_address_space(wanted):
    """The RLIMIT_AS soffice can be given: `wanted`, or this process's own
    limit (ulimit -v) where that is lower. A limit may only be lowered: asking
    for more than the shell allows made setrlimit fail between fork and exec,
    and every file failed with 'Exception occurred in preexec_fn'. Says so on
    stderr when the shell's limit wins."""
    if not wanted:
        return wanted
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    own = min(x for x in (soft, hard) if x != resource.RLIM_INFINITY) if {soft, hard} != {resource.RLIM_INFINITY} else None
    if own is not None and own < wanted:
        print(f"note: LibreOffice runs under this shell's memory limit (ulimit -v: {own // 2 ** 20:,} MB), "
              f"lower than the {wanted // 2 ** 20:,} MB it would be given", file=sys.stderr)
        return own
    return wanted


def _child_env(tmpdir=None, display=None):
    env = dict(os.environ)
    env.pop("URE_MORE_TYPES", None)  # meant for this Python process only (test_wizard.py)
    env.pop("DISPLAY", None)         # headless: never talk to an X server
    env["SAL_USE_VCLPLUGIN"] = "svp"
    if tmpdir:
        # LibreOffice's lu*.tmp folders: inside our own folder, removed with it.
        env["TMPDIR"] = tmpdir
    if display:  # a window on this X display (the GUI tests' Xvfb), drawn by VCL's own X11 plug-in
        env["DISPLAY"], env["SAL_USE_VCLPLUGIN"] = display, "gen"
    return env


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def install_extension(oxt, shared_dir, user_dir, log, programs=HOST):
    """unopkg add into an isolated shared cache; returns the env arguments.
    programs: HOST, or Emulated(tree) for another architecture's LibreOffice."""
    env_args = [f"-env:UserInstallation={file_url(user_dir)}",
                f"-env:UNO_SHARED_PACKAGES_CACHE={file_url(shared_dir)}"]
    # --shared: unopkg refuses per-user installs as root; -s: accept the
    # licence (shown to people installing through the Extension Manager).
    cmd = programs.unopkg("add", "--shared", "-s", "-f", os.path.abspath(oxt), *env_args)
    tmp = os.path.join(user_dir, "tmp")  # unopkg's lu*.tmp, removed with the user folder
    os.makedirs(tmp, exist_ok=True)
    # unopkg 7.4 now and then fails as it shuts down ("caught unexpected
    # exception while disposing", seen once in a few hundred installs on a
    # loaded machine); -f makes a second try replace whatever the first left.
    for attempt in (1, 2):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=180 * programs.slowdown, preexec_fn=_die_with_parent,
                           env=programs.env(_child_env(tmp)))
        log.write(r.stdout)
        if r.returncode == 0:
            return env_args
    raise RuntimeError(f"unopkg add failed ({r.returncode}):\n{r.stdout}")


# Installing the .oxt takes unopkg 2-3 s, as long as starting soffice:
# every session used to pay it (kpi-portable, kpi-audit, each test). The
# installed extension cache is relocatable (its registry refers to it
# through $UNO_SHARED_PACKAGES_CACHE), so it is made once per .oxt and
# LibreOffice, kept here, and each session gets its own copy: sessions stay
# isolated from each other. KPI_EXTENSION_CACHE names another folder (the
# tests use the build tree's); "off" installs afresh every time.
def extension_cache_root():
    root = os.environ.get("KPI_EXTENSION_CACHE")
    if root == "off":
        return None
    if root:
        return root
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "kpi-functions", "installed")


CACHE_ENTRIES = 4  # the most recent installs kept; older ones are removed


def _cache_key(oxt, programs):
    """The .oxt's bytes and the LibreOffice that installs it (its programs'
    paths, sizes and times: an upgraded LibreOffice gets a new install)."""
    h = hashlib.sha256()
    with open(oxt, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    for part in programs.soffice() + programs.unopkg() + [os.path.join(PROGRAM_DIR, "versionrc")]:
        h.update(part.encode())
        try:
            st = os.stat(part)
            h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
        except OSError:
            pass
    return h.hexdigest()[:32]


def cached_install(oxt, log, programs=HOST):
    """The folder of an extension cache with `oxt` installed, made now if
    it is not there yet, or None when no cache can be kept (then the caller
    installs into its own folder as before)."""
    root = extension_cache_root()
    if not root:
        return None
    try:
        final = os.path.join(root, _cache_key(oxt, programs))
        if os.path.isfile(os.path.join(final, ".complete")):
            return final
        os.makedirs(root, exist_ok=True)
        work = tempfile.mkdtemp(prefix="new-", dir=root)
    except OSError:
        return None
    try:
        user = os.path.join(work, "user")
        shared = os.path.join(work, "shared")
        os.makedirs(user)
        install_extension(oxt, shared, user, log, programs)
        open(os.path.join(shared, ".complete"), "w").close()
        try:
            os.rename(shared, final)  # atomic: a concurrent session sees all of it or nothing
        except OSError:
            if not os.path.isfile(os.path.join(final, ".complete")):
                return None  # another process's half-made entry: install afresh
        _prune(root)
        return final
    except (OSError, RuntimeError, subprocess.SubprocessError):
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def provide_extension(oxt, shared_dir, user_dir, log, programs=HOST):
    """Makes shared_dir an extension cache with `oxt` installed: a copy of
    the cached install (cached_install), or unopkg into it when there is no
    cache."""
    cached = cached_install(oxt, log, programs)
    if cached:
        shutil.copytree(cached, shared_dir, ignore=shutil.ignore_patterns(".complete"))
    else:
        install_extension(oxt, shared_dir, user_dir, log, programs)


def _prune(root):
    entries = []
    for name in os.listdir(root):
        path = os.path.join(root, name)
        if os.path.isfile(os.path.join(path, ".complete")):
            entries.append((os.stat(path).st_mtime, path))
        elif name.startswith("new-") and time.time() - os.stat(path).st_mtime > 3600:
            shutil.rmtree(path, ignore_errors=True)  # an install killed half-way
    for _mtime, path in sorted(entries, reverse=True)[CACHE_ENTRIES:]:
        shutil.rmtree(path, ignore_errors=True)


def unopkg(workdir, shared_dir, *args, programs=HOST):
    """Runs unopkg on an isolated shared extension cache (e.g. "add", path or
    "remove", identifier); returns its output. A throwaway user profile keeps
    the caller's profiles untouched."""
    user = tempfile.mkdtemp(prefix="kpi-unopkg-", dir=workdir)
    try:
        env_args = [f"-env:UserInstallation={file_url(user)}",
                    f"-env:UNO_SHARED_PACKAGES_CACHE={file_url(shared_dir)}"]
        r = subprocess.run(programs.unopkg(*args, "--shared", *env_args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=180 * programs.slowdown,
                           preexec_fn=_die_with_parent, env=programs.env(_child_env(user)))
        if r.returncode != 0:
            raise RuntimeError(f"unopkg {' '.join(args)} failed ({r.returncode}):\n{r.stdout}")
        return r.stdout
    finally:
        shutil.rmtree(user, ignore_errors=True)


class Office:
    """with Office(oxt=..., workdir=...) as office: office.desktop ..."""

    def __init__(self, oxt=None, workdir=None, shared_dir=None, ui_locale=None, start_timeout=90,
                 block_links=False, max_address_space=None, display=None, locale=None, programs=HOST):
        """ui_locale: the user interface language ("fr-FR"); locale: the locale setting (Tools > Options >
        Language Settings > Languages: the dates printed in page headers, among others), by default the
        system's; block_links: the profile blocks linked images (kpi-audit);
        max_address_space: soffice's RLIMIT_AS in bytes; display: None for
        headless, ":99" for windows on that X display (the GUI tests);
        programs: HOST, or Emulated(tree) for another architecture's
        LibreOffice (its time-outs are stretched by programs.slowdown)."""
        self.programs = programs
        self.oxt = oxt
        self.block_links = block_links
        self.max_address_space = max_address_space
        self.display = display
        self.workdir = workdir or tempfile.gettempdir()
        self.shared_dir = shared_dir
        self.ui_locale = ui_locale
        self.locale = locale
        self.start_timeout = start_timeout
        self.proc = None
        self.tmp = None
        self.desktop = None
        self.ctx = None

    # -- lifetime ---------------------------------------------------------
    def __enter__(self):
        for s in (signal.SIGTERM, signal.SIGINT):
            signal.signal(s, _on_signal)
        os.makedirs(self.workdir, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix="kpi-office-", dir=self.workdir)
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _start(self):
        user = os.path.join(self.tmp, "user")
        os.makedirs(user)
        os.makedirs(os.path.join(self.tmp, "tmp"))
        self._preset_profile(user)
        shared = self.shared_dir or os.path.join(self.tmp, "shared")
        log = open(os.path.join(self.tmp, "office.log"), "w")
        self.log_path = log.name
        env_args = [f"-env:UserInstallation={file_url(user)}",
                    f"-env:UNO_SHARED_PACKAGES_CACHE={file_url(shared)}"]
        if self.oxt and not self.shared_dir:
            provide_extension(self.oxt, shared, user, log, self.programs)
        self.pipe = "kpi_" + uuid.uuid4().hex
        # Recorded so that a later run can remove the socket should this
        # process be killed first (kpitools.office.guard.clean_stale).
        with open(os.path.join(self.tmp, "pipe"), "w") as f:
            f.write(self.pipe)
        cmd = self.programs.soffice() + ([] if self.display else ["--headless", "--invisible"]) + [
               "--norestore", "--nologo", "--nodefault",
               "--nolockcheck", f"--accept=pipe,name={self.pipe};urp;"] + env_args
        env = self.programs.env(_child_env(os.path.join(self.tmp, "tmp"), self.display))
        limit = effective_address_space(self.max_address_space)
        self.preexec = lambda: _die_with_parent(limit)
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     preexec_fn=self.preexec)
        restarts = 0
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + self.start_timeout * self.programs.slowdown
        while True:
            # Poll once per round: soffice can exit between two polls.
            code = self.proc.poll()
            if code in RESTART_CODES and restarts < 3:
                # A new profile or a new extension makes soffice.bin ask for a
                # restart; the oosplash launcher we bypass would do this.
                restarts += 1
                self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                             preexec_fn=self.preexec)
                continue
            if code is not None:
                raise RuntimeError(f"soffice exited with {self.proc.returncode}; see {self.log_path}")
            try:
                self.ctx = resolver.resolve(url)
                break
            except NoConnectException:
                if time.monotonic() > deadline:
                    raise RuntimeError("soffice did not accept a connection in time")
                time.sleep(0.2)
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def _preset_profile(self, user_dir):
        # The UI language, the locale setting and the link policy live in the user profile's configuration.
        items = []
        if self.ui_locale:
            items += ['<item oor:path="/org.openoffice.Office.Linguistic/General">'
                      f'<prop oor:name="UILocale" oor:op="fuse"><value>{self.ui_locale}</value></prop></item>',
                      '<item oor:path="/org.openoffice.Setup/L10N">'
                      f'<prop oor:name="ooLocale" oor:op="fuse"><value>{self.ui_locale}</value></prop></item>']
        if self.locale:
            items.append('<item oor:path="/org.openoffice.Setup/L10N">'
                         f'<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{self.locale}</value></prop></item>')
        if self.block_links:
            # Linked images are fetched on load even with UpdateDocMode "no
            # update"; this blocks them (not linked OLE objects: kpi-audit
            # removes every external link from its copy as well).
            items.append('<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
                         '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>')
        if not items:
            return
        os.makedirs(os.path.join(user_dir, "user"), exist_ok=True)
        with open(os.path.join(user_dir, "user", "registrymodifications.xcu"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
                    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
                    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
                    + "\n".join(items) + '\n</oor:items>\n')

    def alive(self):
        """True if soffice still answers a UNO call."""
        try:
            return self.proc.poll() is None and self.desktop.getComponents() is not None
        except Exception:
            return False

    def kill(self):
        """SIGKILL soffice (from another thread: a UNO call blocked on it then fails)."""
        p = self.proc
        if p is not None and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def close(self):
        try:
            if self.desktop is not None and self.proc is not None and self.proc.poll() is None:
                try:
                    for comp in list(self.desktop.getComponents()):
                        try:
                            comp.close(True)
                        except Exception:
                            pass
                    self.desktop.terminate()
                except Exception:
                    pass  # the bridge dies with soffice: expected
            if self.proc is not None:
                try:
                    self.proc.wait(timeout=20 * self.programs.slowdown)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=20)
        finally:
            self.desktop = None
            if getattr(self, "pipe", None):
                remove_pipe(self.pipe)
            if self.tmp and os.path.isdir(self.tmp):
                shutil.rmtree(self.tmp, ignore_errors=True)

    # -- documents --------------------------------------------------------
    def new_calc(self):
        return self.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))

    def load(self, path, **media):
        """media: extra MediaDescriptor properties (ReadOnly=True, FilterName=...)."""
        doc = self.desktop.loadComponentFromURL(file_url(path), "_blank", 0, props(Hidden=True, **media))
        if doc is None:
            raise RuntimeError(f"could not load {path}")
        return doc

    def save_as(self, doc, path, filter_name="calc8"):
        doc.storeToURL(file_url(path), props(FilterName=filter_name, Overwrite=True))

    def scratch(self, name):
        """A path inside this office's temporary folder (removed at close)."""
        return os.path.join(self.tmp, name)


def cell_result(cell):
    """('error', code) or ('value', number) or ('text', string)."""
    err = cell.getError()
    if err:
        return ("error", err)
    from com.sun.star.table.CellContentType import TEXT
    if cell.getType() == TEXT:
        return ("text", cell.getString())
    return ("value", cell.getValue())


def used_area(sheet):
    """The sheet's used range, A1 to the last used cell (as Ctrl+End goes)."""
    cur = sheet.createCursor()
    cur.gotoEndOfUsedArea(False)
    end = cur.getRangeAddress()
    return sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)


def error_cells(doc):
    """{'Sheet.B5': error code} for every formula cell showing an error, in
    every sheet (one query per sheet: Calc's own FormulaResult.ERROR filter)."""
    from com.sun.star.sheet.FormulaResult import ERROR
    bad = {}
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        cells = sh.queryFormulaCells(ERROR).getCells().createEnumeration()
        while cells.hasMoreElements():
            cell = cells.nextElement()
            # AbsoluteName is "$Sheet.$B$5".
            bad[f"{sh.Name}.{cell.AbsoluteName.rsplit('.', 1)[-1].replace('$', '')}"] = cell.getError()
    return bad
