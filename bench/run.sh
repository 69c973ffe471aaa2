#!/usr/bin/env bash
# Measures the JSON API and the web UI's pages on a large organisation (500 services,
# 10,000 data items, 2,000 processing activities), on SQLite and on PostgreSQL, with wrk at
# concurrency 32 on loopback, side by side with /healthz (the ceiling of the HTTP stack in
# the same run).
# Prints req/s, p50 and p99 per endpoint (and the server's own p50 and p99), the server's
# peak RSS, and how fast `pactum demo` is ready. Usage: bash bench/run.sh [seconds per endpoint, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
# shellcheck source=scripts/postgres.sh
source scripts/postgres.sh
ensure_postgres
command -v wrk >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq wrk >/dev/null; }

cargo build --release -q -p pactum
TARGET_DIR=$(cargo metadata --no-deps --format-version 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
BIN="$TARGET_DIR/release/pactum"
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
read -r PROJECT SERVICE < <(python3 bench/make_large_export.py "$WORK/large.json")
export PACTUM_LOG=warn

wait_ready() {
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "server did not become ready" >&2
    return 1
}

# Client-side req/s, p50 and p99 from wrk; the server's own p50 and p99 (its Server-Timing
# header, collected by bench/server-timing.lua) show how much of the latency is queueing.
run_wrk() { # label url header...
    local label=$1 url=$2 out rps p50 p99 server
    shift 2
    local headers=()
    for h in "$@"; do headers+=(-H "$h"); done
    out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/server-timing.lua "${headers[@]}" "$url")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    server=$(awk '$1=="server-timing" {printf "%sms %sms", $3, $4}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
    printf "%-10s %-34s %10s %9s %9s   %-18s %s\n" "$BACKEND" "$label" "$rps" "$p50" "$p99" "$server" "$errors"
}

measure() { # label url token
    run_wrk "$1" "$2" "Authorization: Bearer $3"
}

# Signs in through the sign-in form; prints the Cookie header value of the session.
sign_in() { # base user password
    local csrf
    curl -s -o "$WORK/login.html" "$1/login"
    csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
    curl -s -D "$WORK/headers" -o /dev/null \
        -H "Cookie: __Host-pactum_csrf=$csrf" \
        --data-urlencode "login=$2" --data-urlencode "password=$3" --data-urlencode "csrf=$csrf" \
        "$1/login"
    grep -i '^set-cookie: __Host-pactum' "$WORK/headers" | sed 's/^[Ss]et-[Cc]ookie: \([^;]*\);.*/\1/' | paste -sd ';' | sed 's/;/; /g'
}

page() { # label url (uses $COOKIE)
    run_wrk "$1" "$2" "Cookie: $COOKIE" "Accept-Encoding: gzip"
}

printf "%-10s %-34s %10s %9s %9s   %s\n" backend endpoint "req/s" p50 p99 "server p50 p99"
for BACKEND in sqlite postgres; do
    if [ "$BACKEND" = sqlite ]; then
        unset PACTUM_DATABASE_URL
        export PACTUM_DATA_DIR="$WORK/sqlite"
    else
        base="${PACTUM_TEST_POSTGRES_URL%/*}"
        psql "$PACTUM_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS pactum_bench WITH (FORCE)" -c "CREATE DATABASE pactum_bench" >/dev/null
        export PACTUM_DATABASE_URL="$base/pactum_bench"
    fi
    start=$(date +%s.%N)
    "$BIN" import "$WORK/large.json" >/dev/null
    seeded=$(echo "$(date +%s.%N) - $start" | bc)
    created=$("$BIN" user create --username bench.owner --email owner@bench.example --org bench)
    PASSWORD=$(sed -n 's/^Password (shown once): //p' <<<"$created")
    TOKEN=$("$BIN" token create --org bench --scope read)
    WRITE_TOKEN=$("$BIN" token create --org bench --scope write)
    PORT=$((18000 + RANDOM % 1000))
    "$BIN" serve --bind "127.0.0.1:$PORT" & SERVER=$!
    wait_ready "$PORT"
    B="http://127.0.0.1:$PORT"
    P="$B/api/v1/orgs/bench/projects/$PROJECT"
    measure "/healthz (ceiling)" "$B/healthz" "$TOKEN"
    measure "services, page of 50" "$P/services" "$TOKEN"
    measure "data-items, page of 50" "$P/data-items" "$TOKEN"
    measure "data-items, search q=field 0042" "$P/data-items?q=field%200042" "$TOKEN"
    measure "processing-activities, page 50" "$P/processing-activities?offset=1000" "$TOKEN"
    measure "data-items, filter service_id" "$P/data-items?service_id=$SERVICE" "$TOKEN"
    # The pages, signed in through the form like a browser (session cookie).
    COOKIE=$(sign_in "$B" bench.owner "$PASSWORD")
    page "page: overview" "$B/orgs/bench"
    page "page: project (counts)" "$B/orgs/bench/projects/$PROJECT"
    page "page: data items, 25 of 10,000" "$B/orgs/bench/projects/$PROJECT/data-items"
    page "page: data items, search" "$B/orgs/bench/projects/$PROJECT/data-items?q=field%200042"
    page "page: service with its items" "$B/orgs/bench/projects/$PROJECT/services/$SERVICE"
    page "page: new data item (pickers)" "$B/orgs/bench/projects/$PROJECT/data-items/new"
    page "page: audit log" "$B/orgs/bench/audit"
    # The overview and project page are kept per data-map revision: the figures above are
    # what a page costs while nothing changes. After a change the next request computes
    # them again; its server time, one request at a time after a write, median of 15:
    for what in overview project; do
        url="$B/orgs/bench"
        [ "$what" = project ] && url="$B/orgs/bench/projects/$PROJECT"
        misses=()
        for i in $(seq 1 15); do
            curl -sf -o /dev/null -X POST -H "Authorization: Bearer $WRITE_TOKEN" \
                -H 'Content-Type: application/json' -d "{\"name\": \"bench change $what $i\"}" "$P/services"
            misses+=("$(curl -s -o /dev/null -D - -H "Cookie: $COOKIE" "$url" | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=\([0-9.]*\).*/\1/p')")
        done
        printf "%-10s %-34s server %s ms (median of 15, after a change)\n" "$BACKEND" "page: $what, first after a change" \
            "$(printf "%s\n" "${misses[@]}" | sort -n | sed -n 8p)"
    done
    html=$(curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $COOKIE" -H 'Accept-Encoding: gzip' "$B/orgs/bench")
    printf "%-10s overview HTML on the wire (gzip): %s bytes\n" "$BACKEND" "$html"
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")
    printf "%-10s peak RSS %d MB; import of the large organisation %.1f s\n" "$BACKEND" $((rss / 1024)) "$seeded"
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
done
unset PACTUM_DATABASE_URL PACTUM_DATA_DIR

# Time until `pactum demo` has printed its token (median of 5).
times=()
for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    coproc DEMO { exec "$BIN" demo --port 0 --data-dir "$WORK/demo"; }
    while read -r line <&"${DEMO[0]}"; do
        [[ "$line" == "API token:"* ]] && break
    done
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
    kill "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null || true
done
median=$(printf "%s\n" "${times[@]}" | sort -n | sed -n 3p)
printf "pactum demo ready (median of 5): %.3f s\n" "$median"
