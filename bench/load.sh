#!/usr/bin/env bash
# A mixed read/write load on one large organisation (500 services, 10,000 data items, 2,000
# processing activities), then a password-guessing flood on the sign-in route, on SQLite and
# on PostgreSQL, release build, loopback.
#
# Load: wrk -t2 -c32 for the given seconds (default 60) with bench/mixed.lua: 80% reads,
# 20% writes. Prints throughput, p50/p99, the answers by status (errors must be 0: any
# status other than 200/201 counts) and the server's peak RSS.
# Flood: wrk -c16 on POST /api/v1/auth/login from 127.0.0.1 for 20 s while, every 2 s,
# a real user signs in from 127.0.0.2 and an API client reads with its token. Prints how
# many guesses reached the password check (the rest got 429) and how the others fared.
# Usage: bash bench/load.sh [seconds, default 60] [sqlite|postgres|both, default both]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-60}"
WHICH="${2:-both}"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
ensure_postgres
command -v wrk >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq wrk >/dev/null; }

cargo build --release -q -p pactum
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/pactum"
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r PROJECT _SERVICE < <(python3 bench/make_large_export.py "$WORK/large.json")
export PACTUM_LOG=warn PACTUM_CLAMD=off

wait_ready() {
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "server did not become ready" >&2
    return 1
}

backends=(sqlite postgres)
[ "$WHICH" != both ] && backends=("$WHICH")
status=0
for BACKEND in "${backends[@]}"; do
    if [ "$BACKEND" = sqlite ]; then
        unset PACTUM_DATABASE_URL
        export PACTUM_DATA_DIR="$WORK/sqlite"
    else
        base="${PACTUM_TEST_POSTGRES_URL%/*}"
        psql "$PACTUM_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS pactum_load WITH (FORCE)" -c "CREATE DATABASE pactum_load" >/dev/null
        export PACTUM_DATABASE_URL="$base/pactum_load"
        export PACTUM_DATA_DIR="$WORK/postgres"
    fi
    "$BIN" import "$WORK/large.json" >/dev/null
    created=$("$BIN" user create --username bench.owner --email owner@bench.example --org bench)
    PASSWORD=$(sed -n 's/^Password (shown once): //p' <<<"$created")
    "$BIN" user create --username flood.target --email flood@bench.example --org bench --role viewer >/dev/null
    TOKEN=$("$BIN" token create --org bench --scope write)
    PORT=$((18000 + RANDOM % 1000))
    "$BIN" serve --bind "127.0.0.1:$PORT" & SERVER=$!
    wait_ready "$PORT"
    B="http://127.0.0.1:$PORT"

    out=$(TOKEN="$TOKEN" ORG=bench PROJECT="$PROJECT" wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/mixed.lua "$B")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    total=$(awk '/requests in/ {print $1}' <<<"$out")
    codes=$(sed -n 's/^statuses //p' <<<"$out")
    socket=$(awk '/Socket errors/ {print}' <<<"$out")
    errors=$(tr ' ' '\n' <<<"$codes" | awk -F: '$1!="200" && $1!="201" && $2 {n+=$2} END {print n+0}')
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    echo "$BACKEND mixed load ${DURATION}s, 32 connections: $total requests, $rps req/s, p50 $p50, p99 $p99"
    echo "$BACKEND   answers by status: $codes; errors: $errors ${socket:+($socket)}"
    echo "$BACKEND   peak RSS $((rss / 1024)) MB"
    [ "$errors" = 0 ] && [ -z "$socket" ] || status=1

    # The flood, with a real user and an API client alongside from elsewhere.
    wrk -t2 -c16 -d20s -s bench/login-flood.lua "$B/api/v1/auth/login" >"$WORK/flood.txt" &
    FLOOD=$!
    sleep 1
    ok_login=0; ok_read=0; tries=0; read_ms=()
    for _ in $(seq 1 8); do
        tries=$((tries + 1))
        code=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 -H 'Content-Type: application/json' \
            -d "{\"login\": \"bench.owner\", \"password\": \"$PASSWORD\"}" "$B/api/v1/auth/login")
        [ "$code" = 200 ] && ok_login=$((ok_login + 1))
        read -r code ms < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" \
            "$B/api/v1/orgs/bench/projects/$PROJECT/services")
        [ "$code" = 200 ] && ok_read=$((ok_read + 1))
        read_ms+=("$(echo "$ms * 1000" | bc)")
        sleep 2
    done
    wait "$FLOOD"
    flood=$(sed -n 's/^statuses //p' "$WORK/flood.txt")
    limited=$(tr ' ' '\n' <<<"$flood" | awk -F: '$1=="429" {print $2+0}')
    checked=$(tr ' ' '\n' <<<"$flood" | awk -F: '$1!="429" && $2 {n+=$2} END {print n+0}')
    median=$(printf "%s\n" "${read_ms[@]}" | sort -n | sed -n 4p)
    echo "$BACKEND login flood 20 s from 127.0.0.1: answers $flood; reached the password check: $checked, refused by the limiter: ${limited:-0}"
    echo "$BACKEND   meanwhile: real sign-ins from 127.0.0.2 $ok_login/$tries, API reads $ok_read/$tries (median ${median} ms)"
    [ "$ok_login" = "$tries" ] && [ "$ok_read" = "$tries" ] || status=1
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
exit $status
