#!/usr/bin/env bash
# server_load: a bounded load test of `truce serve` on loopback with wrk:
# (1) GET /v1/board for DURATION seconds; (2) POST /v1/reports with one
# distinct signed report per request (pre-generated with truce-gen and signed
# with the demo keys), each acknowledged only after its group commit.
# Prints req/s and latency percentiles. Knobs: DURATION=10 CONNECTIONS=64
# THREADS=2 COUNT=200k (reports generated).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TRUCE=${TRUCE:-$ROOT/build/truce}
PLAN=plans/ukraine-2025-11/plan.truce
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
COUNT=${COUNT:-200k}
OUT=$ROOT/bench/out/server
mkdir -p "$OUT"
make --no-print-directory all >/dev/null
command -v wrk >/dev/null || { echo "server_load: needs wrk (apt-get install wrk)" >&2; exit 1; }

# Signed reports, made once per COUNT: truce-gen, split by source, signed with each demo key.
if [ ! -s "$OUT/reports-$COUNT.signed.jsonl" ]; then
  bash tools/demo.sh keys "$OUT/keys"
  ./build/truce-gen --count "$COUNT" --days 365 > "$OUT/reports.jsonl"
  : > "$OUT/reports-$COUNT.signed.jsonl"
  for source in $(grep -o '"source":"[^"]*"' "$OUT/reports.jsonl" | sort -u | cut -d'"' -f4); do
    grep -F "\"source\":\"$source\"" "$OUT/reports.jsonl" \
      | "$TRUCE" sign --key "$OUT/keys/${source//:/-}.key" - 2>/dev/null >> "$OUT/reports-$COUNT.signed.jsonl"
  done
  # the council's agreement.signed first, the rest shuffled so that sources interleave
  { grep -F '"source":"council"' "$OUT/reports-$COUNT.signed.jsonl"
    grep -vF '"source":"council"' "$OUT/reports-$COUNT.signed.jsonl" | shuf --random-source=<(yes); } > "$OUT/shuffled"
  mv "$OUT/shuffled" "$OUT/reports-$COUNT.signed.jsonl"
fi

rm -f "$OUT"/log.db*
PORT_FILE=$OUT/server.log
"$TRUCE" serve --agreement "$PLAN" --log "$OUT/log.db" --listen 127.0.0.1:0 --rate 0 --council-key "$OUT/keys/council.key" 2>"$PORT_FILE" &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q 'serving' "$PORT_FILE" && break; sleep 0.1; done
BASE=http://$(sed -n 's|.* on http://\([0-9.:]*\)/.*|\1|p' "$PORT_FILE")

echo "== GET /v1/board, ${DURATION}s, $CONNECTIONS connections, $THREADS threads"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE/v1/board" | tee "$OUT/board.txt"
echo
echo "== POST /v1/reports (one distinct signed report per request), ${DURATION}s"
WRK_THREADS=$THREADS REPORTS="$OUT/reports-$COUNT.signed.jsonl" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/server_post.lua "$BASE/v1/reports" | tee "$OUT/post.txt"
echo
curl -s "$BASE/metrics" | grep -E '^truce_(reports_total|log_entries|log_commits_total|rulings_computed_total)' | grep -v ' 0$'
