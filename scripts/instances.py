#!/usr/bin/env python3
"""Two `pactum serve` processes on one PostgreSQL database.

Checks that both serve the same data (a write through one is read through the other), that
the background scheduler runs on exactly one of them (their /metrics), that when the leader
is killed with SIGKILL the other takes over, and how long that takes (and after a clean
SIGTERM), and that no reminder e-mail is sent twice: twelve breach records are due for a
reminder, and a small SMTP server in this script counts the reminders per breach.

Usage: scripts/instances.py [--interval 2]
Environment: PACTUM_BIN, PACTUM_TEST_POSTGRES_URL (as scripts/crash-test.py).
Prints its figures and exits non-zero when a check fails.
"""

import argparse
import asyncio
import collections
import datetime
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
crash = __import__("crash-test")  # the same helpers: binary, ports, HTTP, psql

METRICS_TOKEN = "instances-check-metrics-token"


class SmtpSink:
    """A minimal SMTP server on loopback that keeps every message's text."""

    def __init__(self):
        self.messages = []
        self.port = crash.free_port()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", self.port))
        ready.set()
        self.loop.run_forever()
        server.close()

    async def _client(self, reader, writer):
        async def say(line):
            writer.write((line + "\r\n").encode())
            await writer.drain()

        await say("220 sink ESMTP")
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line.decode(errors="replace").strip().upper()
            if cmd.startswith("EHLO") or cmd.startswith("HELO"):
                await say("250 sink")
            elif cmd.startswith("DATA"):
                await say("354 go ahead")
                body = []
                while True:
                    l = await reader.readline()
                    if l in (b".\r\n", b".\n", b""):
                        break
                    body.append(l.decode(errors="replace"))
                self.messages.append("".join(body))
                await say("250 queued")
            elif cmd.startswith("QUIT"):
                await say("221 bye")
                break
            else:
                await say("250 ok")
        writer.close()


def message_text(raw):
    """Subject and every text part, decoded (quoted-printable or base64)."""
    import email
    from email.header import decode_header, make_header

    msg = email.message_from_string(raw)
    parts = [str(make_header(decode_header(msg.get("Subject", ""))))]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True) or b""
            parts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(parts)


def metric(inst, name):
    status, text = raw_get(inst.port, "/metrics")
    if status != 200:
        return None
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def raw_get(port, path):
    import urllib.request
    import urllib.error

    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except (urllib.error.URLError, ConnectionError, OSError):
        return None, ""


def wait_for(predicate, timeout):
    start = time.time()
    while time.time() - start < timeout:
        if predicate():
            return time.time() - start
        time.sleep(0.1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--interval", type=int, default=2, help="scheduler_interval_secs")
    args = ap.parse_args()
    sink = SmtpSink()
    work = tempfile.mkdtemp(prefix="pactum-instances-")
    config = os.path.join(work, "pactum.toml")
    with open(config, "w") as f:
        f.write(
            f'scheduler_interval_secs = {args.interval}\n'
            f'smtp_host = "127.0.0.1"\nsmtp_port = {sink.port}\nsmtp_from = "pactum@example.test"\n'
        )
    a = crash.Instance("postgres", os.path.join(work, "a"))
    os.makedirs(a.work, exist_ok=True)
    a.env.update(PACTUM_CONFIG=config, PACTUM_METRICS_TOKEN=METRICS_TOKEN,
                 PACTUM_KEYS_FILE=os.path.join(work, "keys.toml"))
    b = crash.Instance.__new__(crash.Instance)
    b.__dict__.update(a.__dict__)
    b.env = dict(a.env, PACTUM_DATA_DIR=os.path.join(work, "b"))
    b.server = None
    failures = []
    try:
        a.run("org", "create", "--slug", "crash", "--name", "Two Instances B.V.")
        a.run("user", "create", "--username", "owner", "--email", "owner@example.test", "--org", "crash")
        token = a.run("token", "create", "--org", "crash", "--scope", "write").strip().splitlines()[-1]
        # Breaches aware 60 hours ago: 12 hours to the 72-hour deadline, inside a reminder lead.
        aware = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=60)).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        a.start()
        for i in range(12):
            status, body = crash.request(
                a.port, "POST", "/api/v1/orgs/crash/breaches", token,
                {"title": f"Two-instance breach {i:02d}", "aware_at": aware, "nature": ["confidentiality"],
                 "description": "Due for a reminder.", "risk": "risk"},
            )
            if status != 201:
                raise SystemExit(f"creating a breach: {status} {body}")
        b.start()
        # The same data through both.
        status, body = crash.request(b.port, "GET", "/api/v1/orgs/crash/breaches?limit=50", token)
        same = status == 200 and body["total"] == 12
        print(f"both serve the same data: {'yes' if same else 'NO'} (12 breaches written through A, {body.get('total')} read through B)")
        if not same:
            failures.append("data")

        # Exactly one leads.
        wait_for(lambda: (metric(a, "pactum_scheduler_leader") or 0) + (metric(b, "pactum_scheduler_leader") or 0) >= 1,
                 10 * args.interval)
        time.sleep(3 * args.interval)
        led = {n: metric(i, 'pactum_scheduler_rounds_total{outcome="led"}') for n, i in (("A", a), ("B", b))}
        followed = {n: metric(i, 'pactum_scheduler_rounds_total{outcome="followed"}') for n, i in (("A", a), ("B", b))}
        leaders = [n for n in led if led[n]]
        print(f"rounds led: A {led['A']:.0f}, B {led['B']:.0f}; rounds followed: A {followed['A']:.0f}, B {followed['B']:.0f}")
        if len(leaders) != 1:
            failures.append("one leader")
        leader, other = (a, b) if leaders == ["A"] else (b, a)
        name = leaders[0] if leaders else "?"

        # Kill the leader; the other takes over once the lease runs out.
        leader.kill()
        took = wait_for(lambda: metric(other, "pactum_scheduler_leader") == 1.0, 10 * args.interval)
        bound = 3 * args.interval + args.interval
        print(f"leader {name} killed (SIGKILL): the other led after {took:.1f} s (bound: lease {3 * args.interval} s + one interval)"
              if took is not None else f"leader {name} killed: NO takeover within {10 * args.interval} s")
        if took is None or took > bound + 1:
            failures.append("takeover after kill")

        # Start the killed one again, then stop the new leader cleanly: it hands the lease back.
        leader.start()
        time.sleep(2 * args.interval)
        other.stop()
        took = wait_for(lambda: metric(leader, "pactum_scheduler_leader") == 1.0, 10 * args.interval)
        print(f"leader stopped cleanly (SIGTERM): the other led after {took:.1f} s (bound: one interval)"
              if took is not None else "clean stop: NO takeover")
        if took is None or took > args.interval + 1:
            failures.append("takeover after stop")
        time.sleep(2 * args.interval)
        leader.stop()

        per_breach = collections.Counter()
        for m in sink.messages:
            found = re.search(r"Two-instance breach (\d\d)", message_text(m))
            if found:
                per_breach[found.group(1)] += 1
        twice = sum(1 for n in per_breach.values() if n > 1)
        print(f"reminder e-mails: {sum(per_breach.values())} for {len(per_breach)} of 12 breaches; sent twice: {twice}")
        if twice or not per_breach:
            failures.append("reminders")
    finally:
        for inst in (a, b):
            if inst.server and inst.server.poll() is None:
                inst.kill()
        a.drop()
        shutil.rmtree(work, ignore_errors=True)
    print("RESULT: " + ("FAIL (" + ", ".join(failures) + ")" if failures else "PASS"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
