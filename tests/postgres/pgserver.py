"""A throw-away PostgreSQL 15 for the tests: the server runs from a private
copy of Debian's PostgreSQL tree in a temporary directory (the binaries
copied, everything else linked), so the extension is installed there and
never into the system's PostgreSQL; a PostgreSQL binary finds its share and
lib directories relative to itself. As root, initdb and the server run as
the `postgres` system user. stop() kills the server and removes the
directory; callers call it in a finally."""
import argparse
import os
import shutil
import subprocess
import tempfile


def private_tree(root, bindir, build):
    """root/usr/lib/postgresql/15/{bin,lib}, root/usr/share/postgresql/15."""
    libdir = os.path.join(os.path.dirname(bindir), "lib")
    share = subprocess.run([os.path.join(bindir, "pg_config"), "--sharedir"], capture_output=True, text=True,
                           check=True).stdout.strip()
    mybin = root + bindir
    mylib = root + libdir
    myshare = root + share
    os.makedirs(mybin)
    os.makedirs(mylib)
    os.makedirs(os.path.join(myshare, "extension"))
    for exe in ("postgres", "initdb", "pg_ctl"):
        shutil.copy2(os.path.join(bindir, exe), mybin)
    for name in os.listdir(libdir):
        os.symlink(os.path.join(libdir, name), os.path.join(mylib, name))
    for name in os.listdir(share):
        if name != "extension":
            os.symlink(os.path.join(share, name), os.path.join(myshare, name))
    for name in os.listdir(os.path.join(share, "extension")):
        os.symlink(os.path.join(share, "extension", name), os.path.join(myshare, "extension", name))
    pgdir = os.path.join(build, "postgres")
    for name in os.listdir(pgdir):
        if name.endswith((".sql", ".control")):
            shutil.copy2(os.path.join(pgdir, name), os.path.join(myshare, "extension"))
    shutil.copy2(os.path.join(pgdir, "kpi.so"), mylib)
    return mybin


class Server:
    def __init__(self, bindir, build, port=54329, vmem_kb=None):
        """vmem_kb: the server's address-space limit (ulimit -v), to reach
        out-of-memory errors with small inputs."""
        self.port = str(port)
        self.vmem_kb = vmem_kb
        self.root = tempfile.mkdtemp(prefix="kpi-pg-")
        os.chmod(self.root, 0o755)  # the postgres user reads the copy and writes its data
        self.bin = private_tree(self.root, bindir, build)
        self.psql = os.path.join(bindir, "psql")
        self.data = os.path.join(self.root, "data")
        self.sock = os.path.join(self.root, "sock")
        self.as_user = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
        os.makedirs(self.sock)
        os.makedirs(self.data)
        if self.as_user:
            shutil.chown(self.data, "postgres")
            shutil.chown(self.sock, "postgres")
        self.started = False

    def run(self, *cmd, **kw):
        return subprocess.run(self.as_user + list(cmd), check=True, capture_output=True, text=True, **kw)

    def start(self):
        self.run(os.path.join(self.bin, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "--no-sync")
        opts = (f"-c listen_addresses='' -k {self.sock} -p {self.port} -c max_parallel_workers_per_gather=2 "
                "-c fsync=off -c shared_buffers=64MB")
        cmd = [os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-o", opts, "-w", "-t", "60",
               "-l", os.path.join(self.data, "log"), "start"]
        if self.vmem_kb:  # pg_ctl's children (the postmaster, its backends) inherit the limit
            cmd = ["sh", "-c", f"ulimit -v {int(self.vmem_kb)} && exec \"$@\"", "sh"] + cmd
        self.run(*cmd)
        self.started = True

    def psql_cmd(self):
        return [self.psql, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-h", self.sock,
                "-p", self.port, "-U", "postgres", "-d", "postgres"]

    def sql(self, text):
        r = subprocess.run(self.psql_cmd(), input=text, capture_output=True, text=True)
        if r.returncode:
            raise RuntimeError(r.stderr)
        return r.stdout

    def background(self, text):
        """A psql session running `text`, not waited for (a Popen: communicate() ends it)."""
        return subprocess.Popen(self.psql_cmd() + ["-c", text], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def stop(self):
        try:
            if self.started:
                self.run(os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# pg_temp.try(query): its result as text ('NULL' for NULL), or 'ERROR <SQLSTATE> <message>'.
TRY = """CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE r text;
BEGIN EXECUTE q INTO r; RETURN coalesce(r, 'NULL');
EXCEPTION WHEN others THEN RETURN 'ERROR ' || SQLSTATE || ' ' || SQLERRM; END $f$;
"""


def run_checks(checker, port, setup_sql, *checks):
    """A test's main: its server on `port` (--bindir, --build from the
    command line), `setup_sql`, then each check(server, args); a check that
    raises is a failure; the server always stopped. The exit status."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    server = Server(a.bindir, a.build, port=port)
    try:
        server.start()
        server.sql(setup_sql)
        for check in checks:
            check(server, a)
    except Exception as e:  # noqa: BLE001 (reported as a failure, the server still stopped)
        checker.check(False, f"{type(e).__name__}: {e}")
    finally:
        server.stop()
    return checker.finish()
