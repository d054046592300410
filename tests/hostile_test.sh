#!/usr/bin/env bash
# hostile_test: `truce serve` under a party that attacks it, bounded (loopback
# only, about 15 s of attack, every client stops by itself). One client
# replays the monitor's logged entries, two flood bad signatures, slow clients
# hold connections with headers and bodies sent a byte at a time; the
# monitor's genuine reports must all be accepted, GET /healthz from a new
# client must answer with a p99 under 50 ms, and the slow clients must be
# dropped. tests/hostile/attack.py is the attacker.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRUCE=${TRUCE:-$ROOT/build/truce}
PLAN=$ROOT/plans/ukraine-2025-11/plan.truce
SAMPLE=$ROOT/plans/ukraine-2025-11/reports/sample.jsonl
WORK=$(mktemp -d)
KEYS=$WORK/keys
SECONDS_OF_ATTACK=${HOSTILE_SECONDS:-15}
passed=0
failed=0
SERVER_PID=

cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else fail "$name"; fi; }
sign_as() { "$TRUCE" sign --key "$KEYS/$1.key" - 2>/dev/null; }
report() { # report ID SOURCE
  printf '{"id":"%s","source":"%s","time":"2026-04-21T08:00:00Z","kind":"forces.present","actor":"RU","at":[37.61,48.85],"value":100}\n' "$1" "$2"
}

bash "$ROOT/tools/demo.sh" keys "$KEYS" || { echo "0 passed, 1 failed"; exit 1; }
bash "$ROOT/tools/demo.sh" sign "$KEYS" < "$SAMPLE" > "$WORK/base.jsonl"
"$TRUCE" log append --log "$WORK/log.db" --agreement "$PLAN" --key "$KEYS/council.key" "$WORK/base.jsonl" >/dev/null
# The monitor's 15 genuine new reports; 200 forged ones (signed, then altered).
for i in $(seq 15); do report "osce-live-$i" monitor:osce; done | sign_as monitor-osce > "$WORK/genuine.jsonl"
for i in $(seq 200); do report "forged-$i" monitor:osce; done | sign_as monitor-osce | jq -c '.value = 1' > "$WORK/forged.jsonl"

# Tight limits so that the attack meets them within seconds: were replays
# charged to the monitor's budget (20, then 5 a second), its genuine
# reports would be refused.
start_server() { # start_server [PORT]: on PORT (default any free one); sets PORT and BASE
  : > "$WORK/server.log"
  "$TRUCE" serve --agreement "$PLAN" --log "$WORK/log.db" --listen "127.0.0.1:${1:-0}" --council-key "$KEYS/council.key" \
    --rate 5 --burst 20 --header-timeout 2000 --body-timeout 3000 --max-client-connections 32 2>"$WORK/server.log" &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 300); do
    PORT=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.1
  done
  [ -n "$PORT" ] || { cat "$WORK/server.log"; echo "0 passed, 1 failed"; exit 1; }
  BASE=http://127.0.0.1:$PORT
}
start_server

# The replayed entries: every logged report of the monitor, as anyone can read them.
curl -s "$BASE/v1/log/entries?start=0&end=1000" | jq -c '.entries[].entry | select(.source == "monitor:osce")' > "$WORK/replay.jsonl"
check "entries to replay" test "$(wc -l < "$WORK/replay.jsonl")" -ge 5

# ------------------------------------------------------------------ hygiene, before the attack

raw() ( # raw REQUEST: sends bytes on a new connection, prints the answer
  trap '' PIPE   # the server may answer and close before reading everything
  exec 3<>"/dev/tcp/127.0.0.1/$PORT"
  printf '%b' "$1" >&3 2>/dev/null
  timeout 5 cat <&3
)
curl -s -D "$WORK/headers" -o /dev/null "$BASE/"
check "Content-Security-Policy" grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self';.*frame-ancestors 'none'" "$WORK/headers"
check "nosniff" grep -qi '^X-Content-Type-Options: nosniff' "$WORK/headers"
check "frames refused" grep -qi '^X-Frame-Options: DENY' "$WORK/headers"
check "Referrer-Policy" grep -qi '^Referrer-Policy: no-referrer' "$WORK/headers"
raw 'POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\n{}\n{}\n' > "$WORK/answer"
check "conflicting Content-Length refused" grep -q '^HTTP/1.1 400 .*' "$WORK/answer"
check "conflicting Content-Length reason" grep -q 'conflicting Content-Length headers' "$WORK/answer"
raw 'GET /v1/points/21d%00.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' > "$WORK/answer"
check "NUL in a URL refused" grep -q '"the URL contains %00 (a NUL byte)","status":400' "$WORK/answer"
printf '{"id":"bad\\u0001id","source":"monitor:osce","time":"2026-04-21T08:00:00Z","kind":"forces.present","actor":"RU","at":[37.61,48.85],"value":1}\n' \
  | sign_as monitor-osce > "$WORK/control.json"
curl -s --data-binary @"$WORK/control.json" "$BASE/v1/reports" > "$WORK/answer"
check "control character in an id refused at intake" jq -e '.status == 422 and (.error | test("control character"))' "$WORK/answer"
# A logged entry sent again, even altered, is a duplicate answered before
# any signature check and charged to no source.
head -1 "$WORK/replay.jsonl" | jq -c '.note = "altered"' > "$WORK/altered.json"
curl -s --data-binary @"$WORK/altered.json" "$BASE/v1/reports" > "$WORK/answer"
check "altered replay: duplicate, differs" jq -e '.results[0].status == "duplicate" and (.results[0].note | test("differs"))' "$WORK/answer"
check "too many lines refused" test "$(seq 10001 | sed 's/.*/{}/' | curl -s -o /dev/null -w '%{http_code}' --data-binary @- "$BASE/v1/reports")" = 413

# ------------------------------------------------------------------ one reader

# check, log append and serve accept the same lines: each case is read by
# the three, which must agree (accepted by all, or rejected by all).
verdicts() { # verdicts FILE: "check log serve", each "accepted" or "rejected"
  local c l v
  "$TRUCE" check "$PLAN" "$1" >/dev/null 2>&1; [ $? -le 1 ] && c=accepted || c=rejected
  rm -f "$WORK/scratch.db"*
  "$TRUCE" log append --log "$WORK/scratch.db" --agreement "$PLAN" "$1" >/dev/null 2>&1 && l=accepted || l=rejected
  v=$(curl -s --data-binary @"$1" "$BASE/v1/reports" | jq -r 'if (.accepted + .duplicate) > 0 then "accepted" else "rejected" end')
  echo "$c $l $v"
}
reader_case() { # reader_case NAME EXPECTED FILE
  local got; got=$(verdicts "$3")
  if [ "$got" = "$2 $2 $2" ]; then ok; else fail "one reader, $1: expected $2 by check, log and serve, got $got"; fi
}
report one-bom monitor:osce | sign_as monitor-osce | sed '1s/^/\xEF\xBB\xBF/' > "$WORK/case-bom"
reader_case "a leading BOM" accepted "$WORK/case-bom"
report one-cites monitor:osce | jq -c '.cites = {"tree_size": 1, "root_hash": "00"}' | sign_as monitor-osce > "$WORK/case-cites"
reader_case "a report carrying cites" rejected "$WORK/case-cites"
report one-dup monitor:osce | sign_as monitor-osce | sed 's/^{/{"x":1,"x":2,/' > "$WORK/case-dup"
reader_case "a name twice" rejected "$WORK/case-dup"
report one-nul monitor:osce | sed 's/one-nul/one\\u0000nul/' | sign_as monitor-osce > "$WORK/case-nul"
reader_case "a NUL in the id" rejected "$WORK/case-nul"
deep=$(printf '[%.0s' $(seq 100))1$(printf ']%.0s' $(seq 100))
report one-deep monitor:osce | jq -c ".deep = $deep" | sign_as monitor-osce > "$WORK/case-deep"
reader_case "nesting 100 deep" rejected "$WORK/case-deep"

# ------------------------------------------------------------------ council requests

council() { # council FILE URL: signed headers for POST URL
  "$TRUCE" serve --sign-request --council-key "$KEYS/council.key" POST "$2" > "$1"
}
code() { curl -s -o "$WORK/answer" -w '%{http_code}' -X POST "$@"; }
council "$WORK/h-sth" "$BASE/v1/log/sth"
check "council request" test "$(code -H @"$WORK/h-sth" "$BASE/v1/log/sth")" = 200
check "council request replayed" test "$(code -H @"$WORK/h-sth" "$BASE/v1/log/sth")" = 401
check "council replay reason" grep -q 'already used' "$WORK/answer"
check "council headers carry a nonce" grep -qE '^X-Truce-Nonce: [0-9a-f]{32}$' "$WORK/h-sth"
council "$WORK/h-other" "http://127.0.0.1:1/v1/log/sth"
check "council request signed for another server" test "$(code -H @"$WORK/h-other" "$BASE/v1/log/sth")" = 403
council "$WORK/h-query" "$BASE/v1/log/sth?now=1"
check "council request: the query is signed" test "$(code -H @"$WORK/h-query" "$BASE/v1/log/sth")" = 403
check "council request with its signed query" test "$(code -H @"$WORK/h-query" "$BASE/v1/log/sth?now=1")" = 200
grep -v '^X-Truce-Nonce' "$WORK/h-sth" > "$WORK/h-nononce"
check "council request without a nonce" test "$(code -H @"$WORK/h-nononce" "$BASE/v1/log/sth")" = 401

# ------------------------------------------------------------------ the attack

timeout 60 python3 "$ROOT/tests/hostile/attack.py" "$PORT" "$WORK/replay.jsonl" "$WORK/forged.jsonl" \
  "$WORK/genuine.jsonl" "$SECONDS_OF_ATTACK" > "$WORK/seen.json"
echo "under attack: $(cat "$WORK/seen.json")"
seen() { jq -e "$1" "$WORK/seen.json" >/dev/null 2>&1; }

check "every genuine report accepted" seen '.genuine == ["accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted","accepted"]'
# A latency bound holds for the optimised build; under AddressSanitizer every
# request is several times slower, so there the figure is printed, not judged.
case "$TRUCE" in
  *build-asan*) echo "healthz p99 under the sanitizer build (not judged): $(jq .health_p99_ms "$WORK/seen.json") ms"; ok ;;
  *) check "healthz p99 under 50 ms" seen '.health_p99_ms < 50' ;;
esac
check "healthz answered all along" seen '.health_count >= 100 and .health_failed == 0'
check "replays answered (duplicate, then refused at the door)" seen '.replay["200"] >= 1 and .replay["429"] >= 1'
check "forgeries refused" seen '(.forged["403"] // 0) + (.forged["429"] // 0) >= 2 and (.forged["200"] // 0) == 0'
check "slow clients were dropped and came back" seen '.slow_opened > 80'

curl -s "$BASE/metrics" > "$WORK/metrics"
verified=$(awk '/^truce_reports_total\{status="rejected",reason="bad_signature"\}/ {print $2}' "$WORK/metrics")
# Unverified work per client address: 500 at once, then 50 a second.
check "bad signatures checked are bounded by the client budget ($verified)" test "$verified" -le $((500 + 50 * (SECONDS_OF_ATTACK + 2)))
check "slow headers dropped" grep -qE '^truce_connections_dropped_total\{phase="headers"\} [1-9]' "$WORK/metrics"
check "slow bodies dropped" grep -qE '^truce_connections_dropped_total\{phase="body"\} [1-9]' "$WORK/metrics"
check "no genuine report rate limited" test "$(awk '/reason="rate_limited"/ {print $2}' "$WORK/metrics")" = 0

kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; status=$?; SERVER_PID=
check "clean stop" test "$status" = 0
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK/server.log"; then fail "sanitizer report"; cat "$WORK/server.log"; fi
check "every genuine report in the log" test "$("$TRUCE" log entries --log "$WORK/log.db" 0 1000 | grep -c '"osce-live-')" = 15
# A captured council request stays used after a restart (same server, same
# port): its nonce is kept in LOG.council.
start_server "$PORT"
check "council request replayed after a restart" test "$(code -H @"$WORK/h-sth" "$BASE/v1/log/sth")" = 401
check "replay after a restart: reason" grep -q 'already used' "$WORK/answer"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
