"""Time and peak memory of a command's whole process tree (kpi-audit: its
Python process and the soffice it starts), sampled from /proc."""
import os
import resource
import subprocess
import time


def _children():
    """{pid: [child pids]} of every process now."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                # pid (comm) state ppid ...: comm may hold spaces and parentheses.
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):  # gone meanwhile
            continue
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree(root):
    """root and every process below it, now."""
    return [pid for pid, _parent in tree_with_parents(root)]


def tree_with_parents(root):
    """(pid, its parent's pid or None for root) of root and every process below it, now (parents first)."""
    kids, out, todo = _children(), [], [(root, None)]
    while todo:
        pid, parent = todo.pop()
        out.append((pid, parent))
        todo += [(k, pid) for k in kids.get(pid, [])]
    return out


def _field_mb(path, key):
    """The first "key: N kB" line of a /proc file, in MB (0 once the process is gone)."""
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _rss_mb(pid):
    return _field_mb(f"/proc/{pid}/status", "VmRSS:")


def _program(pid):
    """The program a process runs ("python3.11", "soffice.bin"), from its executable."""
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe"))
    except OSError:
        return "?"


def run(cmd, env=None, interval=0.05, forks=True):
    """Runs cmd (its output discarded); returns (returncode, seconds, peak MB
    of the tree's summed resident memory, {program: the peak MB of one of
    its processes}, CPU seconds of the tree: user and system time of the
    command and of the processes it waited for, soffice included).
    forks=False: a process running its parent's program is left out of the
    sum: a fork that has not yet started its own program, whose pages are
    its parent's (soffice forks to start helpers: summed, its resident
    memory counted two or three times for a moment)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak, by_program, names = 0.0, {}, {}
    while p.poll() is None:
        total = 0.0
        for pid, parent in tree_with_parents(p.pid):
            mb = _rss_mb(pid)
            # Read at every sample (a child runs its parent's program until
            # it execs); an exiting process's cannot be read: the last kept.
            name = _program(pid)
            if name == "?":
                name = names.get(pid, name)
            else:
                names[pid] = name
            by_program[name] = max(by_program.get(name, 0.0), mb)
            if forks or parent is None or name != names.get(parent):
                total += mb
        peak = max(peak, total)
        time.sleep(interval)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return p.returncode, time.perf_counter() - t0, peak, by_program, cpu
