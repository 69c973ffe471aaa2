#!/usr/bin/env python3
"""Prints the PII benchmark table from the JSON outputs of throughput, evaluate and
presidio_eval. Usage: report.py THROUGHPUT.json EVALUATE.json PRESIDIO.json"""
import json
import sys

tp, ev, pr = (json.load(open(p)) for p in sys.argv[1:4])
print("Throughput on %.1f MB of logs (%d findings)" % (tp["megabytes"], tp["findings"]))
rows = [
    ("read ceiling (newline count)", tp["read_ceiling_mb_s"]),
    ("pactum-pii, 1 thread", tp["single_thread_mb_s"]),
    ("pactum-pii, %d threads" % tp["threads"], tp["all_cores_mb_s"]),
    ("Presidio, patterns only", pr["patterns"]["mb_s"]),
    ("Presidio + spaCy en_core_web_sm", pr["spacy"]["mb_s"]),
]
for name, v in rows:
    print("  %-34s %12.3f MB/s" % (name, v))
single = tp["single_thread_mb_s"]
print("  ratio pactum-pii / Presidio patterns: %.0fx; / Presidio + spaCy: %.0fx; ceiling / pactum-pii: %.1fx"
      % (single / pr["patterns"]["mb_s"], single / pr["spacy"]["mb_s"], tp["read_ceiling_mb_s"] / single))
print("  (Presidio measured on the first %d bytes of the same corpus)" % pr["prefix_bytes"])
print()
print("Precision / recall / F1 per kind on the labeled set")
print("  %-15s %-22s %-22s %-22s" % ("kind", "pactum-pii", "Presidio patterns", "Presidio + spaCy"))


def cell(d, k):
    v = d.get(k)
    if not v or v["tp"] + v["fp"] == 0:
        return "-"
    return "%.3f %.3f %.3f" % (v["precision"], v["recall"], v["f1"])


for kind in sorted(ev["per_kind"]):
    print("  %-15s %-22s %-22s %-22s" % (kind, cell(ev["per_kind"], kind), cell(pr["patterns"]["per_kind"], kind),
                                         cell(pr["spacy"]["per_kind"], kind)))
print("  findings on look-alikes with a wrong checksum (must be 0):", ev["lookalike_findings"])
