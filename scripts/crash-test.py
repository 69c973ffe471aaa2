#!/usr/bin/env python3
"""Crash consistency: concurrent writes through the API, SIGKILL mid-run, restart, check.

For each round the server is started, WRITERS threads create services and breach records
as fast as they are answered, the server is killed with SIGKILL after a random moment,
restarted, and every write that got a 201 is looked up. A write in flight when the server
died may or may not be there; an acknowledged one must be. After the rounds the database's
own integrity check runs (SQLite: PRAGMA integrity_check; PostgreSQL: pg_amcheck when it is
installed) and so does `pactum audit verify` (the audit log's hash chains).

Then, with strace, it counts the fsync/fdatasync calls made while a fixed number of writes
is acknowledged one after another: at least one per write means a success answer comes only
after the commit reached the disk (SQLite runs in the Pactum process; PostgreSQL's commit is
flushed by its backend process, which is traced instead).

Usage: scripts/crash-test.py [--backend sqlite|postgres] [--rounds 5] [--writers 8]
Environment: PACTUM_BIN (default: the debug build in the cargo target directory),
PACTUM_TEST_POSTGRES_URL (admin URL, default postgres://postgres@127.0.0.1:5432/postgres).
Prints its figures and exits non-zero when a write was lost or a check failed.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pactum_bin():
    if not os.environ.get("PACTUM_BIN"):
        os.environ["PACTUM_BIN"] = default_bin()
    return os.environ["PACTUM_BIN"]


def default_bin():
    meta = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return os.path.join(json.loads(meta.stdout)["target_directory"], "debug", "pactum")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    """One Pactum data directory (and database) and the commands run against it."""

    def __init__(self, backend, work):
        self.backend = backend
        self.work = work
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PACTUM_")}
        self.env.update(
            PACTUM_DATA_DIR=os.path.join(work, "data"),
            PACTUM_LOG="warn",
            PACTUM_CLAMD="off",
        )
        self.admin_url = os.environ.get(
            "PACTUM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        )
        self.db_name = None
        if backend == "postgres":
            self.db_name = f"pactum_crash_{os.getpid()}"
            self.psql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
            self.psql(f"CREATE DATABASE {self.db_name}")
            self.env["PACTUM_DATABASE_URL"] = self.url()
        self.server = None
        self.port = None

    def url(self):
        base = self.admin_url.rsplit("/", 1)[0]
        return f"{base}/{self.db_name}"

    def psql(self, sql, url=None):
        out = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url or self.admin_url, "-c", sql],
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise SystemExit(f"psql failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def run(self, *args):
        out = subprocess.run([pactum_bin(), *args], env=self.env, capture_output=True, text=True)
        if out.returncode != 0:
            raise SystemExit(f"pactum {' '.join(args)} failed: {out.stderr.strip()}")
        return out.stdout

    def start(self, strace_out=None):
        self.port = free_port()
        cmd = [pactum_bin(), "serve", "--bind", f"127.0.0.1:{self.port}"]
        if strace_out:
            cmd = ["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", strace_out, *cmd]
        self.server = subprocess.Popen(cmd, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise SystemExit("the server did not become ready within 60 s")

    def kill(self):
        self.server.send_signal(signal.SIGKILL)
        self.server.wait()

    def stop(self):
        self.server.send_signal(signal.SIGTERM)
        self.server.wait(timeout=60)

    def drop(self):
        if self.db_name:
            self.psql(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")


def request(port, method, path, token, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def write_one(inst, token, project, name, kind):
    if kind == "service":
        return request(
            inst.port,
            "POST",
            f"/api/v1/orgs/crash/projects/{project}/services",
            token,
            {"name": name, "hosting_country": "NL"},
        )
    return request(
        inst.port,
        "POST",
        "/api/v1/orgs/crash/breaches",
        token,
        {
            "title": name,
            "aware_at": "2026-11-20T10:00:00Z",
            "nature": ["confidentiality"],
            "description": f"Crash test record {name}.",
            "risk": "risk",
        },
    )


def writer(inst, token, project, tag, acked, errors, stop):
    i = 0
    while not stop.is_set():
        name = f"{tag}-{i}"
        kind = "service" if i % 2 == 0 else "breach"
        i += 1
        try:
            status, body = write_one(inst, token, project, name, kind)
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            # The server died under this request: not acknowledged, either outcome is fine.
            return
        if status == 201:
            acked.append((kind, name))
        else:
            errors.append((status, body))
            return


def names(inst, token, project):
    found = set()
    for kind, path in (
        ("service", f"/api/v1/orgs/crash/projects/{project}/services"),
        ("breach", "/api/v1/orgs/crash/breaches"),
    ):
        offset = 0
        while True:
            status, body = request(inst.port, "GET", f"{path}?limit=500&offset={offset}", token)
            if status != 200:
                raise SystemExit(f"listing {path}: {status} {body}")
            for item in body["items"]:
                found.add((kind, item.get("name") or item.get("title")))
            offset += len(body["items"])
            if not body["items"] or offset >= body["total"]:
                break
    return found


def integrity(inst):
    if inst.backend == "sqlite":
        db = sqlite3.connect(f"file:{os.path.join(inst.work, 'data', 'pactum.db')}?mode=ro", uri=True)
        result = db.execute("PRAGMA integrity_check").fetchall()
        db.close()
        return result == [("ok",)], f"PRAGMA integrity_check: {result[0][0] if result else '?'}"
    # Debian keeps pg_amcheck beside the server's binaries, off the PATH.
    import glob

    found = shutil.which("pg_amcheck") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_amcheck"), reverse=True)), None)
    if found is None:
        return True, "pg_amcheck not installed; PostgreSQL checked by audit verify only"
    out = subprocess.run(
        [found, "--install-missing", "--heapallindexed", inst.url()],
        capture_output=True,
        text=True,
    )
    return out.returncode == 0, "pg_amcheck: " + ("ok" if out.returncode == 0 else out.stdout + out.stderr)


def fsync_per_write(inst, token, project, writes=50):
    """fsync/fdatasync calls while `writes` writes are acknowledged one after another."""
    if shutil.which("strace") is None:
        return None, "strace not installed"
    log = os.path.join(inst.work, "strace.log")
    if inst.backend == "sqlite":
        inst.start()
        traced = inst.server.pid
        where = "pactum process"
    else:
        # PostgreSQL: its backends flush the commit; trace the postmaster's children forked
        # from now on, which include the connections of the Pactum started next.
        pid_file = inst.psql("SHOW data_directory") + "/postmaster.pid"
        try:
            with open(pid_file) as f:
                traced = int(f.readline())
        except OSError:
            return None, f"cannot read {pid_file}"
        where = None
    tracer = subprocess.Popen(
        ["strace", "-f", "-qq", "-ttt", "-e", "trace=fsync,fdatasync", "-o", log, "-p", str(traced)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    if inst.backend == "postgres":
        inst.start()
    time.sleep(0.5)
    t0 = time.time()
    for i in range(writes):
        status, _ = write_one(inst, token, project, f"fsync-{i}", "breach" if i % 2 else "service")
        assert status == 201, status
    t1 = time.time()
    tracer.send_signal(signal.SIGINT)
    tracer.wait()
    inst.stop()
    syncs = count_syncs(log, t0, t1)
    if where:
        return syncs / writes, where
    sync = inst.psql("SHOW synchronous_commit")
    fsync = inst.psql("SHOW fsync")
    return syncs / writes, f"PostgreSQL backends (synchronous_commit={sync}, fsync={fsync})"


def count_syncs(path, t0, t1):
    """fsync and fdatasync calls in the strace log (-ttt) between t0 and t1."""
    n = 0
    with open(path) as f:
        for line in f:
            if "fsync(" not in line and "fdatasync(" not in line:
                continue
            parts = line.split()
            # "<pid> <epoch seconds> fdatasync(...)" with -f.
            try:
                at = float(parts[1])
            except (IndexError, ValueError):
                continue
            if t0 <= at <= t1:
                n += 1
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--max-seconds", type=float, default=4.0, help="longest run before the kill")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    work = tempfile.mkdtemp(prefix="pactum-crash-")
    inst = Instance(args.backend, work)
    try:
        inst.run("org", "create", "--slug", "crash", "--name", "Crash Test B.V.")
        inst.run("user", "create", "--username", "crash", "--email", "crash@example.test", "--org", "crash")
        token = inst.run("token", "create", "--org", "crash", "--scope", "write").strip().splitlines()[-1].strip()
        inst.start()
        status, body = request(inst.port, "POST", "/api/v1/orgs/crash/projects", token, {"name": "Crash"})
        assert status == 201, (status, body)
        project = body["id"]
        inst.stop()

        total_acked, total_lost, total_unacked_found = 0, 0, 0
        print(f"backend {args.backend}, {args.writers} writers, {args.rounds} rounds")
        for r in range(args.rounds):
            inst.start()
            acked, errors, stop = [], [], threading.Event()
            threads = [
                threading.Thread(target=writer, args=(inst, token, project, f"r{r}w{w}", acked, errors, stop))
                for w in range(args.writers)
            ]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.5, args.max_seconds))
            inst.kill()
            stop.set()
            for t in threads:
                t.join()
            if errors:
                raise SystemExit(f"round {r}: a write was refused: {errors[0]}")
            inst.start()
            present = names(inst, token, project)
            inst.stop()
            mine = {n for n in present if n[1].startswith(f"r{r}w")}
            lost = [a for a in acked if a not in present]
            extra = len(mine) - (len(acked) - len(lost))
            total_acked += len(acked)
            total_lost += len(lost)
            total_unacked_found += extra
            print(
                f"round {r + 1}: acknowledged {len(acked)}, lost {len(lost)}, "
                f"in flight at the kill and kept {extra}"
            )
        ok, what = integrity(inst)
        audit = subprocess.run(
            [pactum_bin(), "audit", "verify"], env=inst.env, capture_output=True, text=True
        )
        per_write, where = fsync_per_write(inst, token, project)
        print(f"total: acknowledged writes {total_acked}, lost writes {total_lost}")
        print(f"integrity: {what}")
        print("audit chains: " + ("intact" if audit.returncode == 0 else audit.stdout + audit.stderr))
        if per_write is None:
            print(f"fsync per acknowledged write: not measured ({where})")
        else:
            print(f"fsync per acknowledged write: {per_write:.2f} ({where})")
        failed = (
            total_lost > 0
            or not ok
            or audit.returncode != 0
            or total_acked == 0
            or (per_write is not None and per_write < 1.0)
        )
        print("RESULT: " + ("FAIL" if failed else "PASS"))
        return 1 if failed else 0
    finally:
        if inst.server and inst.server.poll() is None:
            inst.kill()
        inst.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
