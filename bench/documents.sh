#!/usr/bin/env bash
# Measures the documents and the compliance assessment on a large organisation: 500
# services, 10,000 data items and 1,000 processing activities (bench/make_large_export.py,
# imported with `pactum import`). Prints, per step, the median, min and max of several runs
# in one process: loading the data map, building the Art. 30(1) record, writing it as PDF,
# XLSX, HTML, CSV and JSON, and assessing the organisation.
# Usage: bash bench/documents.sh [runs, default 7]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-7}"
cargo build --release -q -p pactum --bins --example documents_bench
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 -c "import sys; sys.path.insert(0, 'bench'); import make_large_export as m; m.main('$WORK/large.json', activities=1000)" >/dev/null
export PACTUM_LOG=warn
"$TARGET_DIR/release/pactum" import "$WORK/large.json" --data-dir "$WORK/data" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$TARGET_DIR/release/examples/documents_bench" "$WORK/data" bench "$RUNS"
