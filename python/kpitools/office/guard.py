"""What keeps a long run of soffice work safe whatever the documents
(kpi-audit, issue 18):

- Watchdog: one thread that kills soffice past a deadline or past a memory
  limit (its resident memory, polled), and says which of the two happened;
- leftovers: each run's private folder carries an owner file; a later run
  removes the folders (and UNO sockets) of runs that were killed.
"""
import os
import shutil
import stat
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")
OWNER = "owner"


def default_max_memory():
    """Half of the machine's memory: one soffice may not push the rest out."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024 // 2
    except (OSError, ValueError, IndexError):
        pass
    return 4 * 1024 ** 3


def rss(pid):
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


class Watchdog:
    """with Watchdog(deadline, max_memory, pid_of, kill) as w: ... ; then
    w.reason is None, "timeout" or "memory". pid_of() gives soffice's pid
    (or None), kill() kills it."""

    def __init__(self, deadline, max_memory, pid_of, kill, period=0.1):
        self.deadline, self.max_memory, self.pid_of, self.kill = deadline, max_memory, pid_of, kill
        self.period = period
        self.reason = None
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.period):
            pid = self.pid_of()
            used = rss(pid) if pid else 0
            self.peak = max(self.peak, used)
            if self.max_memory and used > self.max_memory:
                self.reason = "memory"
            elif time.monotonic() > self.deadline:
                self.reason = "timeout"
            if self.reason:
                self.kill()
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        return False


# ---------------------------------------------------------------------------
# Leftovers of killed runs
# ---------------------------------------------------------------------------
def pipe_path(name):
    """Where soffice puts the socket of --accept=pipe,name=NAME for this user
    (LibreOffice's osl: /tmp, else /var/tmp)."""
    for d in ("/tmp", "/var/tmp"):
        if os.access(d, os.W_OK):
            return os.path.join(d, f"OSL_PIPE_{os.getuid()}_{name}")
    return None


def remove_pipe(name):
    """A soffice killed with SIGKILL leaves its socket behind: remove it."""
    path = pipe_path(name)
    try:
        st = os.lstat(path)
        if stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid():
            os.remove(path)
    except (OSError, TypeError):
        pass


def _start_time(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def claim(folder):
    """Marks a run's private folder as this process's."""
    with open(os.path.join(folder, OWNER), "w") as f:
        f.write(f"{os.getpid()} {_start_time(os.getpid())}\n")


def _dead(folder):
    try:
        with open(os.path.join(folder, OWNER)) as f:
            pid, started = f.read().split()
    except (OSError, ValueError):
        # No owner file: a run killed before writing it, if old enough.
        try:
            return time.time() - os.stat(folder).st_mtime > 60
        except OSError:
            return False
    return _start_time(int(pid)) != started


def clean_stale(workdir, prefix):
    """Removes the folders prefix* in workdir that belong to this user and to
    a process that no longer runs, with the UNO sockets they name."""
    try:
        names = os.listdir(workdir)
    except OSError:
        return
    for name in names:
        folder = os.path.join(workdir, name)
        try:
            st = os.lstat(folder)
        except OSError:
            continue
        if not name.startswith(prefix) or st.st_uid != os.getuid() or not os.path.isdir(folder) \
                or os.path.islink(folder) or not _dead(folder):
            continue
        for d, _dirs, files in os.walk(folder):
            if "pipe" in files:
                try:
                    with open(os.path.join(d, "pipe")) as f:
                        remove_pipe(f.read().strip())
                except OSError:
                    pass
        shutil.rmtree(folder, ignore_errors=True)
