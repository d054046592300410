#!/usr/bin/env bash
# server_test: `truce serve` end to end over HTTP (bash, curl, jq): every
# endpoint, every error answered with a 4xx JSON error and nothing stored, the
# council-only endpoints, rate limits, server-sent events, webhooks with a
# retry, and SIGTERM during a burst losing no acknowledged report.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRUCE=${TRUCE:-$ROOT/build/truce}
PLAN=$ROOT/plans/ukraine-2025-11/plan.truce
SAMPLE=$ROOT/plans/ukraine-2025-11/reports/sample.jsonl
WORK=$(mktemp -d)
KEYS=$WORK/keys
passed=0
failed=0
SERVER_PID=
RECEIVER_PID=

cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
  [ -n "$RECEIVER_PID" ] && kill -9 "$RECEIVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else fail "$name"; fi; }

# ------------------------------------------------------------------ helpers

sign() { bash "$ROOT/tools/demo.sh" sign "$KEYS"; }
# sign_as KEYFILE: signs stdin with one key (fast, for many lines)
sign_as() { "$TRUCE" sign --key "$KEYS/$1.key" - 2>/dev/null; }

# start_server ARGS...: on a free port, a fresh stderr log; sets BASE.
start_server() {
  : > "$WORK/server.log"
  "$TRUCE" serve --agreement "$PLAN" --log "$WORK/log.db" --listen 127.0.0.1:0 "$@" 2>"$WORK/server.log" &
  SERVER_PID=$!
  local i port
  for i in $(seq 300); do
    port=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then
      BASE=http://127.0.0.1:$port
      return 0
    fi
    sleep 0.1
  done
  echo "server did not start:"; cat "$WORK/server.log"
  return 1
}

stop_server() {
  [ -z "$SERVER_PID" ] && return 0
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID"
  local status=$?
  SERVER_PID=
  sanitizer_clean
  return $status
}

# Under make SANITIZE=1: no sanitizer report in the server's stderr.
sanitizer_clean() {
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK/server.log"; then
    fail "sanitizer report:"; cat "$WORK/server.log"
  fi
}

# status METHOD PATH [curl args...]: prints the HTTP status; the body goes to $WORK/body
status() {
  local method=$1 path=$2
  shift 2
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "$BASE$path"
}
is_json_error() { jq -e '.error | type == "string"' "$WORK/body" >/dev/null 2>&1; }
# expect_error NAME CODE METHOD PATH [curl args...]: a 4xx with a JSON error
expect_error() {
  local name=$1 code=$2
  shift 2
  local got
  got=$(status "$@")
  if [ "$got" = "$code" ] && is_json_error; then ok; else fail "$name: expected $code + JSON error, got $got $(head -c 200 "$WORK/body")"; fi
}
tree_size() { curl -s "$BASE/healthz" | jq -r .tree_size; }
report() { # report ID SOURCE ACTOR LON LAT [KIND]
  printf '{"id":"%s","source":"%s","time":"2026-04-21T08:00:00Z","kind":"%s","actor":"%s","at":[%s,%s],"value":100}\n' \
    "$1" "$2" "${6:-forces.present}" "$3" "$4" "$5"
}

# ------------------------------------------------------------------ setup

bash "$ROOT/tools/demo.sh" keys "$KEYS" || { echo "cannot make demo keys"; echo "0 passed, 1 failed"; exit 1; }
# The sample without the Kramatorsk incident, so that a report from Sloviansk turns 21d/RU to violated.
grep -v 'ua-0202' "$SAMPLE" | sign > "$WORK/base.jsonl"
"$TRUCE" log append --log "$WORK/log.db" --agreement "$PLAN" --key "$KEYS/council.key" "$WORK/base.jsonl" >/dev/null
BASE_SIZE=$(wc -l < "$WORK/base.jsonl")
report osce-9001 monitor:osce RU 37.61 48.85 | sign > "$WORK/violation.json"   # Sloviansk, in the buffer zone

start_server --council-key "$KEYS/council.key" || { echo "0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------------ reads

check "healthz" test "$(curl -s "$BASE/healthz" | jq -r .status)" = ok
check "healthz tree size" test "$(tree_size)" = "$BASE_SIZE"
grep -q "serving .* ($BASE_SIZE entries, tree head $BASE_SIZE " "$WORK/server.log" && ok || fail "serving line"
check "board" test "$(status GET /v1/board)" = 200
POINTS=$(grep -c "^point " "$PLAN")
check "board points" jq -e "(.points | length) == $POINTS and (.parties | length) == 5 and (.implementation_percent | type) == \"number\"" "$WORK/body"
check "board 21d/RU in effect" jq -e '.points[] | select(.label == "21d") | .rulings.RU.status == "in_effect"' "$WORK/body"
# The server rules as of its own clock (not the latest report's time): the
# same rulings as truce check --as-of that time.
SERVER_AS_OF=$(curl -s "$BASE/v1/board" | jq -r .as_of)
check "rulings" test "$(status GET /v1/rulings)" = 200
"$TRUCE" check --json --as-of "$SERVER_AS_OF" "$PLAN" "$WORK/base.jsonl" > "$WORK/expected.jsonl" 2>/dev/null
check "rulings = truce check --json --as-of the server's clock" cmp -s "$WORK/body" "$WORK/expected.jsonl"
clock_skew() { # seconds between a time and this machine's clock
  local t
  t=$(date -u -d "$1" +%s 2>/dev/null) || { echo 999999; return; }
  echo $(( $(date -u +%s) - t < 0 ? t - $(date -u +%s) : $(date -u +%s) - t ))
}
check "rulings are as of the server's clock, not the latest report" test "$(clock_skew "$SERVER_AS_OF")" -lt 300
"$TRUCE" check --json --as-of 2026-01-10 "$PLAN" "$WORK/base.jsonl" > "$WORK/expected-early.jsonl" 2>/dev/null
check "rulings as_of" test "$(status GET '/v1/rulings?as_of=2026-01-10')" = 200
check "rulings as_of = truce check --as-of" cmp -s "$WORK/body" "$WORK/expected-early.jsonl"
expect_error "rulings bad as_of" 400 GET '/v1/rulings?as_of=yesterday'
check "point" test "$(status GET /v1/points/21d)" = 200
check "point content" jq -e '.label == "21d" and (.rules | length) == 3 and (.rulings | length) == 2 and (.text | length) > 20' "$WORK/body"
expect_error "unknown point" 404 GET /v1/points/99z
check "sth" test "$(status GET /v1/log/sth)" = 200
check "sth size" jq -e ".tree_size == $BASE_SIZE and (.signature | length) == 88" "$WORK/body"
cp "$WORK/body" "$WORK/sth.json"
check "inclusion" test "$(status GET '/v1/log/proof/inclusion?key=monitor:osce/osce-0001')" = 200
cp "$WORK/body" "$WORK/inclusion.json"
"$TRUCE" log entries --log "$WORK/log.db" 1 2 | jq -c .entry | tr -d '\n' > "$WORK/entry.json"
check "inclusion verifies" "$TRUCE" verify --inclusion "$WORK/inclusion.json" --sth "$WORK/sth.json" --entry "$WORK/entry.json" --agreement "$PLAN"
check "inclusion at size" test "$(status GET '/v1/log/proof/inclusion?key=monitor:osce/osce-0001&size=5')" = 200
expect_error "inclusion without key" 400 GET /v1/log/proof/inclusion
expect_error "inclusion unknown key" 404 GET '/v1/log/proof/inclusion?key=monitor:osce/nope'
expect_error "inclusion bad size" 400 GET '/v1/log/proof/inclusion?key=monitor:osce/osce-0001&size=-1'
expect_error "inclusion size beyond" 400 GET '/v1/log/proof/inclusion?key=monitor:osce/osce-0001&size=99999'
check "consistency" test "$(status GET "/v1/log/proof/consistency?old=10&new=$BASE_SIZE")" = 200
check "consistency content" jq -e ".old_size == 10 and .new_size == $BASE_SIZE and (.proof | length) > 0" "$WORK/body"
expect_error "consistency reversed" 400 GET '/v1/log/proof/consistency?old=20&new=10'
expect_error "consistency beyond" 400 GET '/v1/log/proof/consistency?old=1&new=99999'
expect_error "consistency missing" 400 GET '/v1/log/proof/consistency?old=1'
check "entries" test "$(status GET '/v1/log/entries?start=0&end=2')" = 200
check "entries content" jq -e '(.entries | length) == 2 and .entries[1].index == 1 and .entries[0].entry.id == "sig-1"' "$WORK/body"
expect_error "entries too many" 400 GET '/v1/log/entries?start=0&end=5000'
expect_error "entries bad start" 400 GET '/v1/log/entries?start=x'
expect_error "entries reversed" 400 GET '/v1/log/entries?start=5&end=2'
check "metrics" test "$(status GET /metrics)" = 200
check "metrics content" grep -q 'truce_http_request_duration_seconds_bucket{le="+Inf"}' "$WORK/body"
check "metrics log size" grep -q "^truce_log_entries $BASE_SIZE" "$WORK/body"
expect_error "unknown API path" 404 GET /v1/nothing

# ------------------------------------------------------------------ dashboard

for page in / /map /timeline /point/21d /evidence/monitor:osce/osce-0001 /incidents /report \
    '/incidents?point=10c&party=RU&standing=confirmed&day_ends=19:30%2B02:00' '/point/21d?as_of=2026-02-01' '/?problems=1'; do
  code=$(curl -s -o "$WORK/page" -w '%{http_code} %{content_type}' "$BASE$page")
  [ "$code" = "200 text/html; charset=utf-8" ] && grep -q '<html' "$WORK/page" && ok || fail "page $page: $code"
done
curl -s -H 'X-Truce-Fragment: 1' -D "$WORK/headers" -o "$WORK/page" "$BASE/"
grep -q '<main' "$WORK/page" && ! grep -q '<html' "$WORK/page" && ok || fail "fragment"
grep -qi '^vary: X-Truce-Fragment' "$WORK/headers" && ok || fail "Vary header"
# The downloads are the bytes `truce incidents` gives for the same reports.
"$TRUCE" incidents --format csv "$PLAN" "$WORK/base.jsonl" > "$WORK/incidents.csv" 2>/dev/null
check "incidents.csv" test "$(curl -s -o "$WORK/body" -w '%{http_code} %{content_type}' "$BASE/incidents.csv")" = "200 text/csv; charset=utf-8"
check "incidents.csv = truce incidents --format csv" cmp -s "$WORK/body" "$WORK/incidents.csv"
"$TRUCE" incidents --format geojson --party RU "$PLAN" "$WORK/base.jsonl" > "$WORK/incidents.geojson" 2>/dev/null
check "incidents.geojson?party=RU" test "$(curl -s -o "$WORK/body" -w '%{http_code} %{content_type}' "$BASE/incidents.geojson?party=RU")" = "200 application/geo+json"
check "incidents.geojson = truce incidents --format geojson" cmp -s "$WORK/body" "$WORK/incidents.geojson"
check "rulings.csv" test "$(curl -s -o "$WORK/body" -w '%{http_code}' "$BASE/rulings.csv")" = 200
check "rulings.csv: a row per ruling" test "$(($(wc -l < "$WORK/body") - 1))" = "$(wc -l < "$WORK/expected.jsonl")"
check "an as_of page says so" grep -q 'as they stood on' <(curl -s "$BASE/point/21d?as_of=2026-02-01")
check "an as_of page links at its time" grep -q 'href="/timeline?as_of=2026-02-01T00:00:00Z"' <(curl -s "$BASE/?as_of=2026-02-01")
expect_error "incidents: unknown party" 400 GET '/incidents?party=XX'
expect_error "incidents: bad day_ends" 400 GET '/incidents?day_ends=25:00'
expect_error "page: bad as_of" 400 GET '/map?as_of=yesterday'
check "unknown point page" test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/point/99z")" = 404
check "unknown evidence page" test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/evidence/monitor:osce/nope")" = 404
check "stylesheet" test "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$BASE/static/truce.css")" = "200 text/css; charset=utf-8"
check "script" test "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$BASE/static/truce.js")" = "200 text/javascript; charset=utf-8"

# ------------------------------------------------------------------ refused writes store nothing

before_sth=$(curl -s "$BASE/v1/log/sth")
expect_error "wrong method" 405 DELETE /v1/board
expect_error "GET reports" 405 GET /v1/reports
expect_error "empty body" 400 POST /v1/reports --data-binary ''
expect_error "malformed JSON" 400 POST /v1/reports --data-binary '{"id": "x", '
expect_error "not an object" 400 POST /v1/reports --data-binary '[1,2]'
head -c 1100000 /dev/zero | tr '\0' ' ' > "$WORK/big"
expect_error "oversized body" 413 POST /v1/reports --data-binary @"$WORK/big"
expect_error "oversized chunked body" 413 POST /v1/reports -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big"
expect_error "unsigned" 403 POST /v1/reports --data-binary "$(report u-1 monitor:osce RU 37.61 48.85)"
check "unsigned reason" jq -e '.results[0].reason_code == "unsigned"' "$WORK/body"
sed 's/"value":100/"value":101/' "$WORK/violation.json" > "$WORK/tampered.json"
expect_error "bad signature" 403 POST /v1/reports --data-binary @"$WORK/tampered.json"
check "bad signature reason" jq -e '.results[0].reason_code == "bad_signature"' "$WORK/body"
report ua-imp party:RU UA 37.0 48.0 | sed 's/party:RU/party:UA/' | sign_as party-UA | sed 's/"source":"party:UA"/"source":"party:RU"/' > "$WORK/impersonation.json"
expect_error "impersonation" 403 POST /v1/reports --data-binary @"$WORK/impersonation.json"
check "impersonation reason" jq -e '.results[0].reason | test("party:RU")' "$WORK/body"
report x-1 monitor:nobody RU 37.61 48.85 | sign_as monitor-osce > /dev/null
report x-1 monitor:nobody RU 37.61 48.85 | jq -c '. + {sig: "AAAA"}' > "$WORK/unknown.json"
expect_error "unknown source" 403 POST /v1/reports --data-binary @"$WORK/unknown.json"
report inv-1 monitor:osce RU 37.61 48.85 no.such.kind | sign_as monitor-osce > "$WORK/invalid.json"
expect_error "invalid report" 422 POST /v1/reports --data-binary @"$WORK/invalid.json"
# A report dated 2031 (validly signed) is refused: it would move the clock.
report fut-1 monitor:osce RU 37.61 48.85 | sed 's/"time":"[^"]*"/"time":"2031-01-01T00:00:00Z"/' | sign_as monitor-osce > "$WORK/future.json"
expect_error "future-dated report" 422 POST /v1/reports --data-binary @"$WORK/future.json"
check "future-dated reason" jq -e '.results[0].status == "rejected" and (.results[0].reason | test("^time 2031-01-01T00:00:00Z is 4 years after receipt \\(tolerance 10 minutes\\)"))' "$WORK/body"
check "the board's clock is not moved" test "$(clock_skew "$(curl -s "$BASE/v1/board" | jq -r .as_of)")" -lt 300
check "nothing stored" test "$(tree_size)" = "$BASE_SIZE"
check "tree head unchanged" test "$(curl -s "$BASE/v1/log/sth")" = "$before_sth"

# ------------------------------------------------------------------ council only

expect_error "council unsigned" 401 POST /v1/log/sth
"$TRUCE" serve --sign-request --council-key "$KEYS/council.key" POST "$BASE/v1/log/sth" > "$WORK/h"
sed 's|\(Truce-Ed25519 \)...|\1AAA|' "$WORK/h" > "$WORK/h-bad"
expect_error "council bad signature" 403 POST /v1/log/sth -H @"$WORK/h-bad"
expect_error "council signed other body" 403 POST /v1/log/sth -H @"$WORK/h" --data-binary 'x'
sed 's/^X-Truce-Time: .*/X-Truce-Time: 2020-01-01T00:00:00Z/' "$WORK/h" > "$WORK/h-old"
expect_error "council stale time" 401 POST /v1/log/sth -H @"$WORK/h-old"
report p-1 party:UA RU 37.0 48.0 | sign_as party-UA > /dev/null
"$TRUCE" serve --sign-request --council-key "$KEYS/council.key" POST "$BASE/v1/log/sth" > "$WORK/h"
check "council sth" test "$(status POST /v1/log/sth -H @"$WORK/h")" = 200
expect_error "council replay" 401 POST /v1/log/sth -H @"$WORK/h"
check "nothing stored by refused council requests" test "$(tree_size)" = "$BASE_SIZE"

# ------------------------------------------------------------------ accepted writes, events

curl -sN "$BASE/v1/events" > "$WORK/events" &
EVENTS_PID=$!
sleep 0.5
check "accept" test "$(status POST /v1/reports --data-binary @"$WORK/violation.json")" = 200
check "accept result" jq -e ".results[0].status == \"accepted\" and .results[0].index == $BASE_SIZE and .accepted == 1" "$WORK/body"
check "duplicate" test "$(status POST /v1/reports --data-binary @"$WORK/violation.json")" = 200
check "duplicate result" jq -e ".results[0].status == \"duplicate\" and .results[0].index == $BASE_SIZE" "$WORK/body"
for i in $(seq 50); do grep -q '^event: rulings' "$WORK/events" && break; sleep 0.1; done
kill "$EVENTS_PID" 2>/dev/null; wait "$EVENTS_PID" 2>/dev/null
check "SSE rulings event" grep -q '^event: rulings' "$WORK/events"
check "board shows the violation" test "$(curl -s "$BASE/v1/board" | jq -r '.points[] | select(.label == "21d") | .rulings.RU.status')" = violated
{ report b-1 monitor:osce RU 38.1 48.3; echo 'not json'; report b-2 monitor:osce RU 38.1 48.3; } | sign_as monitor-osce > "$WORK/batch-signed" 2>/dev/null
{ sed -n 1p "$WORK/batch-signed"; echo 'not json'; sed -n 2p "$WORK/batch-signed"; } > "$WORK/batch"
check "batch" test "$(status POST /v1/reports --data-binary @"$WORK/batch")" = 200
check "batch results in order" jq -e '[.results[].status] == ["accepted","rejected","accepted"] and [.results[].line] == [1,2,3] and .accepted == 2 and .rejected == 1' "$WORK/body"
"$TRUCE" serve --sign-request --council-key "$KEYS/council.key" POST "$BASE/v1/rulings/record" > "$WORK/h"
size=$(tree_size)
check "council record" test "$(status POST /v1/rulings/record -H @"$WORK/h")" = 201
check "council record stored" test "$(tree_size)" = $((size + 1))
check "metrics count accepted" grep -q '^truce_reports_total{status="accepted"} 3' <(curl -s "$BASE/metrics")
stop_server && ok || fail "clean stop"
check "log verifies" "$TRUCE" verify --log "$WORK/log.db" --agreement "$PLAN"

# ------------------------------------------------------------------ rate limits

start_server --rate 0.1 --burst 20
for i in $(seq 60); do report flood-$i monitor:osce RU 38.1 48.3; done | sign_as monitor-osce > "$WORK/flood"
report calm-1 party:UA RU 38.1 48.3 | sign_as party-UA > "$WORK/calm"
check "flood answered" test "$(status POST /v1/reports --data-binary @"$WORK/flood")" = 200
check "flood partly rate limited" jq -e '([.results[] | select(.reason_code == "rate_limited")] | length) >= 30 and .accepted >= 20' "$WORK/body"
check "other source proceeds" test "$(status POST /v1/reports --data-binary @"$WORK/calm")" = 200
check "other source accepted" jq -e '.results[0].status == "accepted"' "$WORK/body"
report flood-x monitor:osce RU 38.1 48.3 | sign_as monitor-osce > "$WORK/one"
expect_error "single flooded report" 429 POST /v1/reports --data-binary @"$WORK/one"
check "rate limit metric" grep -q 'reason="rate_limited"} [1-9]' <(curl -s "$BASE/metrics")
stop_server

# ------------------------------------------------------------------ webhooks

cat > "$WORK/receiver.py" <<'PY'
# A webhook receiver that fails the first delivery, then accepts; logs each attempt.
import http.server, json, sys
attempts = 0
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global attempts
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        attempts += 1
        with open(sys.argv[2], "a") as log:
            log.write(json.dumps({"attempt": attempts, "id": self.headers.get("X-Truce-Event-Id"),
                                  "body": json.loads(body)}) + "\n")
        self.send_response(500 if attempts == 1 else 200)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
python3 "$WORK/receiver.py" "$WORK/receiver.port" "$WORK/hooks.jsonl" &
RECEIVER_PID=$!
for i in $(seq 50); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
start_server --webhook "http://127.0.0.1:$(cat "$WORK/receiver.port")/hook" --webhook-retry 200
report osce-9002 monitor:osce UA 37.61 48.85 | sign_as monitor-osce > "$WORK/ua-violation.json"   # UA back in the zone
check "webhook trigger accepted" test "$(status POST /v1/reports --data-binary @"$WORK/ua-violation.json")" = 200
for i in $(seq 100); do [ "$(wc -l < "$WORK/hooks.jsonl" 2>/dev/null || echo 0)" -ge 2 ] && break; sleep 0.1; done
check "webhook retried after a failure" test "$(wc -l < "$WORK/hooks.jsonl")" -ge 2
check "webhook same id on retry" test "$(jq -r .id "$WORK/hooks.jsonl" | sort -u | wc -l)" = 1
check "webhook body" jq -se '.[-1].body | .point == "21d" and .party == "UA" and .from == "in_effect" and .to == "violated" and .ruling.status == "violated" and (.tree_size | type) == "number" and (.id | length) > 0' "$WORK/hooks.jsonl"
check "webhook delivered metric" grep -q '^truce_webhooks_delivered_total 1' <(curl -s "$BASE/metrics")
stop_server
check "outbox marks it delivered" test "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from outbox where delivered_ms is not null').fetchone()[0])" "$WORK/log.db.outbox")" = 1
kill "$RECEIVER_PID" 2>/dev/null; wait "$RECEIVER_PID" 2>/dev/null; RECEIVER_PID=

# ------------------------------------------------------------------ SIGTERM during a burst

for i in $(seq 600); do report burst-$i monitor:osce RU 38.1 48.3; done | sign_as monitor-osce > "$WORK/burst"
split -n l/6 -d "$WORK/burst" "$WORK/burst-part-"
start_server
for part in "$WORK"/burst-part-*; do
  ( while IFS= read -r line; do
      curl -s --max-time 20 --data-binary "$line" "$BASE/v1/reports" | jq -r 'select(.results[0].status == "accepted") | .results[0].key' 2>/dev/null
    done < "$part" > "$part.acked" ) &
done
sleep 1.5
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"; stopped=$?
SERVER_PID=
sanitizer_clean
wait
acked=$(cat "$WORK"/burst-part-*.acked | sort -u | wc -l)
"$TRUCE" log entries --log "$WORK/log.db" 0 100000 | jq -r '.entry.source + "/" + .entry.id' | sort -u > "$WORK/stored"
lost=$(cat "$WORK"/burst-part-*.acked | sort -u | comm -23 - "$WORK/stored" | wc -l)
echo "SIGTERM during a burst: $acked acknowledged, $(grep -c burst- "$WORK/stored") stored, $lost lost"
check "server stopped cleanly" test "$stopped" = 0
check "some reports acknowledged before SIGTERM" test "$acked" -gt 0
check "no acknowledged report lost" test "$lost" = 0
start_server
check "restart replays the log" test "$(tree_size)" = "$(wc -l < "$WORK/stored")"
stop_server

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
