#!/usr/bin/env python3
"""Deterministic corpus for the PII benchmark.

  logs.txt       ~50 MB of application logs with personal data in about one line in six
  labeled.jsonl  short texts with gold spans (byte offsets) for every kind, including
                 look-alikes that fail their checksum (no gold span: must not be found)

Usage: gen_corpus.py OUT_DIR [MEGABYTES]"""
import base64
import json
import os
import random
import sys

rng = random.Random(20261123)

FIRST = ["jan", "piet", "sanne", "emma", "lucas", "noah", "julia", "daan", "sophie", "milan", "fleur", "bram"]
LAST = ["jansen", "de-vries", "bakker", "visser", "smit", "meijer", "mulder", "bos", "vos", "peters"]
DOMAINS = ["example.nl", "mail.example.com", "praktijk.example.org", "klant.example.be", "example.co.uk"]


def email():
    sep = rng.choice([".", "_", ""])
    return f"{rng.choice(FIRST)}{sep}{rng.choice(LAST)}{rng.randint(0, 99) if rng.random() < 0.3 else ''}@{rng.choice(DOMAINS)}"


def digits(n):
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def bsn(valid=True):
    while True:
        d = [rng.randint(0, 9) for _ in range(8)]
        s = sum(v * (9 - i) for i, v in enumerate(d))
        last = s % 11
        if last < 10 and d[0] != 0:
            break
    if not valid:
        last = (last + rng.randint(1, 9)) % 10
        d9 = d + [last]
        if sum(v * (9 - i) for i, v in enumerate(d9[:8])) - d9[8] % 11 == 0:
            last = (last + 1) % 10
    return "".join(map(str, d)) + str(last)


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        v = int(ch)
        if i % 2 == 0:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return str((10 - total % 10) % 10)


def card(valid=True):
    prefix = rng.choice(["4", "51", "52", "55", "2221", "34", "37", "6011"])
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + digits(length - len(prefix) - 1)
    check = luhn_digit(body)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    number = body + check
    if rng.random() < 0.5 and length == 16:
        number = " ".join(number[i:i + 4] for i in range(0, 16, 4))
    return number


IBAN_BBAN = {"NL": lambda: rng.choice(["ABNA", "INGB", "RABO", "TRIO"]) + digits(10),
             "DE": lambda: digits(18), "BE": lambda: digits(12), "FR": lambda: digits(23),
             "GB": lambda: rng.choice(["WEST", "NWBK", "BARC"]) + digits(14)}


def mod97(s):
    r = 0
    for ch in s:
        r = (r * 10 + int(ch)) % 97 if ch.isdigit() else (r * 100 + ord(ch) - 55) % 97
    return r


def iban(valid=True):
    cc = rng.choice(list(IBAN_BBAN))
    bban = IBAN_BBAN[cc]()
    check = 98 - mod97(bban + cc + "00")
    if not valid:
        check = (check + rng.randint(1, 50)) % 97 + 2
        if 98 - mod97(bban + cc + "00") == check:
            check = check % 97 + 2
    value = f"{cc}{check:02d}{bban}"
    if rng.random() < 0.4:
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value


def nl_vat(valid=True):
    while True:
        d = [rng.randint(0, 9) for _ in range(8)]
        c = sum(v * (9 - i) for i, v in enumerate(d)) % 11
        if c < 10:
            break
    if not valid:
        c = (c + rng.randint(1, 8)) % 10
        base = "".join(map(str, d)) + str(c)
        # also must fail the mod-97 form
        while mod97("NL" + base + "B01") == 1:
            c = (c + 1) % 10
            base = "".join(map(str, d)) + str(c)
        return f"NL{base}B01"
    return f"NL{''.join(map(str, d))}{c}B01"


def phone():
    return rng.choice([
        lambda: f"+31 6 {digits(8)}",
        lambda: f"06-{digits(8)}",
        lambda: f"0{rng.randint(1, 5)}{rng.randint(0, 9)} {digits(3)} {digits(4)}",
        lambda: f"+31 (0)20 {digits(3)} {digits(4)}",
        lambda: f"+44 20 {digits(4)} {digits(4)}",
        lambda: f"06{digits(8)}",
    ])()


def ipv4():
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def ipv6():
    groups = [format(rng.randint(0, 0xffff), "x") for _ in range(8)]
    if rng.random() < 0.5:
        return "2001:db8::" + ":".join(groups[:3])
    return ":".join(groups)


def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()


def jwt():
    head = b64({"alg": "HS256", "typ": "JWT"})
    body = b64({"sub": digits(8), "exp": 1790000000 + rng.randint(0, 10**6)})
    sig = base64.urlsafe_b64encode(os.urandom(32) if False else bytes(rng.getrandbits(8) for _ in range(32))).rstrip(b"=").decode()
    return f"{head}.{body}.{sig}"


B64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def bcrypt():
    return "$2b$12$" + "".join(rng.choice(B64) for _ in range(53))


def hex_token():
    while True:
        t = "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice([32, 40, 64])))
        if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
            return t


def api_key():
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return rng.choice([
        lambda: "sk-proj-" + "".join(rng.choice(alnum) for _ in range(32)),
        lambda: "ghp_" + "".join(rng.choice(alnum) for _ in range(36)),
        lambda: "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16)),
        lambda: "pct_" + "".join(rng.choice(alnum + "-_") for _ in range(43)),
    ])()


def credential_url():
    return f"postgres://app:{hex_token()[:12]}@db{rng.randint(1, 9)}.internal:5432"


VALID = {
    "email": email, "phone": phone, "iban": iban, "bsn": bsn, "vat_number": nl_vat, "card_number": card,
    "ipv4": ipv4, "ipv6": ipv6, "jwt": jwt, "password_hash": bcrypt, "hex_token": hex_token,
    "api_key": api_key, "credential_url": credential_url,
}
INVALID = {"iban": lambda: iban(False), "bsn": lambda: bsn(False), "card_number": lambda: card(False),
           "vat_number": lambda: nl_vat(False)}

TEMPLATES = [
    "Contact: {v}", "klant {v} heeft gebeld", "value={v};", "Gegevens — {v} — bevestigd ✓", "\"{v}\"",
    "user submitted {v} via the form", "Überweisung an {v} erfolgt", "({v})", "{v}", "ref: {v}, status ok",
]


def labeled(path, per_kind=250, negatives=150):
    with open(path, "w") as f:
        for kind, make in VALID.items():
            for _ in range(per_kind):
                value = make()
                tpl = rng.choice(TEMPLATES)
                pre, post = tpl.split("{v}")
                text = pre + value + post
                start = len(pre.encode())
                spans = [{"kind": kind, "start": start, "end": start + len(value.encode())}]
                f.write(json.dumps({"text": text, "spans": spans}, ensure_ascii=False) + "\n")
        for kind, make in INVALID.items():
            for _ in range(negatives):
                value = make()
                text = rng.choice(TEMPLATES).replace("{v}", value)
                f.write(json.dumps({"text": text, "spans": [], "lookalike": kind}, ensure_ascii=False) + "\n")


PATHS = ["/api/v1/orgs/acme/projects", "/login", "/api/v1/orgs/acme/export", "/healthz", "/static/app.css"]
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0", "curl/8.5.0", "python-requests/2.32"]


def log_line(i):
    ts = f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}Z"
    level = rng.choice(["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"])
    rid = "%08x-%04x-4%03x-a%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12), rng.getrandbits(12), rng.getrandbits(48))
    base = f"{ts} {level} request_id={rid} method=GET path={rng.choice(PATHS)} status={rng.choice([200, 200, 201, 404, 500])} duration_ms={rng.randint(1, 900)}"
    if rng.random() < 0.17:
        kind = rng.choice(list(VALID))
        base += rng.choice([f" user={VALID[kind]()}", f" msg=\"lookup {VALID[kind]()} failed\"", f" detail={VALID[kind]()}"])
    else:
        base += f" ua=\"{rng.choice(AGENTS)}\""
    return base + "\n"


def logs(path, megabytes):
    target = megabytes * 1_000_000
    size = 0
    i = 0
    with open(path, "w") as f:
        while size < target:
            chunk = "".join(log_line(i + k) for k in range(1000))
            i += 1000
            f.write(chunk)
            size += len(chunk.encode())


if __name__ == "__main__":
    out = sys.argv[1]
    mb = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    os.makedirs(out, exist_ok=True)
    labeled(os.path.join(out, "labeled.jsonl"))
    logs(os.path.join(out, "logs.txt"), mb)
