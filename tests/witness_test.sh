#!/usr/bin/env bash
# witness_test: witnesses end to end (curl): `truce witness` answers with the
# tlog-witness status codes; `truce serve --policy` gets every checkpoint
# cosigned by two parties' witnesses and reports a witness that is down; and
# a split view — the council forks the log (same prefix, other entries after
# it) — is refused by the witnesses (409/422), and `truce verify --policy`
# fails naming both the kept cosigned checkpoint and the fork's. A rollback
# is caught the same way.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRUCE=${TRUCE:-$ROOT/build/truce}
PLAN=$ROOT/plans/ukraine-2025-11/plan.truce
SAMPLE=$ROOT/plans/ukraine-2025-11/reports/sample.jsonl
WORK=$(mktemp -d)
KEYS=$WORK/keys
passed=0
failed=0
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else fail "$name"; fi; }
no_sanitizer_report() { ! grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$@"; }

start_witness() { # start_witness NAME: a witness of the council's log on a free port; sets PORT_<NAME>
  local name=$1 i port
  "$TRUCE" keygen --source "witness:$name" --out "$KEYS/witness-$name.key" >/dev/null 2>&1
  "$TRUCE" witness --key "$KEYS/witness-$name.key" --name "$name.example/witness" --state "$WORK/witness-$name.db" \
    --log-key "$(cat "$WORK/log.vkey")" --listen 127.0.0.1:0 2>"$WORK/witness-$name.log" &
  PIDS+=($!)
  eval "PID_$name=$!"
  for i in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/witness-$name.log")
    [ -n "$port" ] && { eval "PORT_$name=$port"; return 0; }
    sleep 0.1
  done
  echo "witness $name did not start"; cat "$WORK/witness-$name.log"; return 1
}
post() { # post NAME FILE: the status; body in $WORK/answer, content type in $WORK/type
  local port
  eval "port=\$PORT_$1"
  curl -s -o "$WORK/answer" -w '%{http_code} %{content_type}' --data-binary @"$2" "http://127.0.0.1:$port/add-checkpoint" > "$WORK/status"
  cut -d' ' -f2- "$WORK/status" > "$WORK/type"
  cut -d' ' -f1 "$WORK/status"
}
start_server() { # start_server DB ARGS...: sets BASE
  : > "$WORK/server.log"
  "$TRUCE" serve --agreement "$PLAN" --log "$1" --listen 127.0.0.1:0 "${@:2}" 2>"$WORK/server.log" &
  SERVER_PID=$!
  PIDS+=($SERVER_PID)
  local i port
  for i in $(seq 300); do
    port=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$WORK/server.log")
    if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then BASE=http://127.0.0.1:$port; return 0; fi
    sleep 0.1
  done
  echo "server did not start:"; cat "$WORK/server.log"; return 1
}
stop_server() { kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; }
wait_cosigned() { # wait_cosigned N: until /checkpoint carries N cosignatures
  local i
  for i in $(seq 100); do
    [ "$(curl -s "$BASE/checkpoint" | grep -c '\.example/witness ')" -ge "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

bash "$ROOT/tools/demo.sh" keys "$KEYS" >/dev/null 2>&1 || { echo "0 passed, 1 failed"; exit 1; }
bash "$ROOT/tools/demo.sh" sign "$KEYS" < "$SAMPLE" > "$WORK/all.jsonl"
head -n 20 "$WORK/all.jsonl" > "$WORK/first20.jsonl"
"$TRUCE" log append --log "$WORK/log.db" --agreement "$PLAN" --key "$KEYS/council.key" "$WORK/first20.jsonl" >/dev/null
"$TRUCE" log vkey --agreement "$PLAN" --log "$WORK/log.db" > "$WORK/log.vkey"
start_witness ua || { echo "0 passed, 1 failed"; exit 1; }
start_witness ru || { echo "0 passed, 1 failed"; exit 1; }

# ------------------------------------------------------------ status codes
"$TRUCE" witness --request "$WORK/log.db" > "$WORK/req20"
check "first contact (old 0): 200 and a cosignature line" test "$(post ua "$WORK/req20")" = 200
check "the answer is a note signature line by the witness" grep -q '^— ua.example/witness ' "$WORK/answer"
check "old 0 again: 409" test "$(post ua "$WORK/req20")" = 409
check "409 says the witness's size" test "$(cat "$WORK/answer")" = 20
check "409 is text/x.tlog.size" test "$(cat "$WORK/type")" = "text/x.tlog.size"
sed 's/^old 0$/old 21/' "$WORK/req20" > "$WORK/req-above"
check "old above the checkpoint's size: 400" test "$(post ua "$WORK/req-above")" = 400
printf 'hello\n' > "$WORK/garbage"
check "a malformed body: 400" test "$(post ua "$WORK/garbage")" = 400
sed 's/^truce\/ukraine-2025-11$/truce\/another-log/' "$WORK/req20" > "$WORK/req-unknown"
check "an unknown origin: 404" test "$(post ua "$WORK/req-unknown")" = 404
sed '$ s/A/B/; $ s/Q/A/' "$WORK/req20" > "$WORK/req-badsig"
check "a bad council signature: 403" test "$(post ua "$WORK/req-badsig")" = 403
head -c 200000 /dev/zero | tr '\0' 'a' > "$WORK/huge"
check "an oversized body: 413" test "$(post ua "$WORK/huge")" = 413
check "GET /add-checkpoint: 405" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_ua/add-checkpoint")" = 405
check "truce witness --vkey prints its cosignature key" \
  bash -c "'$TRUCE' witness --vkey --key '$KEYS/witness-ua.key' --name ua.example/witness | grep -qE '^ua.example/witness\+[0-9a-f]{8}\+B'"

# ------------------------------------------------------------ serve --policy
UA_VKEY=$("$TRUCE" witness --vkey --key "$KEYS/witness-ua.key" --name ua.example/witness)
RU_VKEY=$("$TRUCE" witness --vkey --key "$KEYS/witness-ru.key" --name ru.example/witness)
cat > "$WORK/policy" <<POLICY
# The council's log, cosigned by both parties' witnesses.
log $(cat "$WORK/log.vkey")
witness UA $UA_VKEY http://127.0.0.1:$PORT_ua
witness RU $RU_VKEY http://127.0.0.1:$PORT_ru
group parties all UA RU
quorum parties
POLICY
start_server "$WORK/log.db" --council-key "$KEYS/council.key" --policy "$WORK/policy" --sth-interval 50 \
  || { echo "$passed passed, $((failed + 1)) failed"; exit 1; }
check "the served checkpoint gets both parties' cosignatures" wait_cosigned 2
curl -s "$BASE/checkpoint" > "$WORK/kept-20.txt"
check "verify --policy accepts the cosigned checkpoint" \
  "$TRUCE" verify --log "$WORK/log.db" --agreement "$PLAN" --policy "$WORK/policy" --checkpoint "$WORK/kept-20.txt"
sed -n 21,30p "$WORK/all.jsonl" > "$WORK/next10.jsonl"
curl -s -X POST --data-binary @"$WORK/next10.jsonl" "$BASE/v1/reports" > /dev/null
for i in $(seq 100); do [ "$(curl -s "$BASE/checkpoint" | sed -n 2p)" = 30 ] && wait_cosigned 2 && break; sleep 0.1; done
curl -s "$BASE/checkpoint" > "$WORK/kept-30.txt"
check "a new checkpoint is cosigned again (the witnesses moved on)" \
  bash -c "sed -n 2p '$WORK/kept-30.txt' | grep -qx 30 && test \$(grep -c 'example/witness ' '$WORK/kept-30.txt') -eq 2"
# A receipt for a report, with the cosigned checkpoint, checked offline against the policy.
"$TRUCE" log entries --log "$WORK/log.db" 25 26 > "$WORK/entry25.json"
KEY25=$(jq -r '.entry.source + "/" + .entry.id' "$WORK/entry25.json")
curl -s "$BASE/v1/log/receipt?key=$KEY25" > "$WORK/r25.tlog-proof"
check "GET /v1/log/receipt answers a receipt with the cosigned checkpoint" \
  bash -c "head -1 '$WORK/r25.tlog-proof' | grep -qx 'c2sp.org/tlog-proof@v1' && test \$(grep -c 'example/witness ' '$WORK/r25.tlog-proof') -eq 2"
check "verify --receipt --policy accepts it offline" bash -c "'$TRUCE' verify --receipt '$WORK/r25.tlog-proof' \
  --entry '$WORK/entry25.json' --agreement '$PLAN' --policy '$WORK/policy' | grep -q 'quorum of witnesses cosigned'"
grep -v 'ru.example/witness ' "$WORK/r25.tlog-proof" > "$WORK/r25-ua-only.tlog-proof"
check "without RU's cosignature the policy refuses it (exit 1)" \
  test "$("$TRUCE" verify --receipt "$WORK/r25-ua-only.tlog-proof" --entry "$WORK/entry25.json" --agreement "$PLAN" --policy "$WORK/policy" >/dev/null 2>&1; echo $?)" = 1
check "an unknown key: 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/log/receipt?key=party:UA/nope")" = 404
# A witness that is down is reported, not skipped.
kill -TERM "$PID_ru"; wait "$PID_ru" 2>/dev/null
sed -n 31,32p "$WORK/all.jsonl" > "$WORK/next2.jsonl"
curl -s -X POST --data-binary @"$WORK/next2.jsonl" "$BASE/v1/reports" > /dev/null
for i in $(seq 100); do grep -q 'witness ru.example/witness .* did not cosign checkpoint 32' "$WORK/server.log" && break; sleep 0.1; done
check "a witness that is down is reported on stderr" grep -q 'witness ru.example/witness .* did not cosign checkpoint 32' "$WORK/server.log"
curl -s "$BASE/checkpoint" > "$WORK/cp-32.txt"
check "a checkpoint short of the quorum fails verify --policy, naming who cosigned" \
  bash -c "'$TRUCE' verify --log '$WORK/log.db' --agreement '$PLAN' --policy '$WORK/policy' --checkpoint '$WORK/cp-32.txt' |
           grep -q 'cp-32.txt: size 32: the policy.s quorum of witnesses did not cosign it (cosigned by: ua.example/witness)'"
stop_server
check "the server stopped without sanitizer reports" no_sanitizer_report "$WORK/server.log"
start_witness ru || true

# ------------------------------------------------------------ split view and rollback
# The council forks: the first 20 reports, then the rest in another order, and signs it.
{ cat "$WORK/first20.jsonl"; tail -n +21 "$WORK/all.jsonl" | tac; } > "$WORK/fork.jsonl"
FORK_SIZE=$(wc -l < "$WORK/fork.jsonl")
"$TRUCE" log append --log "$WORK/fork.db" --agreement "$PLAN" --key "$KEYS/council.key" "$WORK/fork.jsonl" >/dev/null
"$TRUCE" witness --request "$WORK/fork.db" --old 32 > "$WORK/req-fork"
check "the fork is refused by the witness that saw size 32 (422)" test "$(post ua "$WORK/req-fork")" = 422
"$TRUCE" witness --request "$WORK/fork.db" --old 20 > "$WORK/req-fork20"
check "and with another old size (409: the witness holds 32)" test "$(post ua "$WORK/req-fork20")" = 409
check "the witness keeps the refused checkpoint as evidence" \
  python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect('$WORK/witness-ua.db').execute('select count(*) from refused where status=422').fetchone()[0] else 1)"
start_server "$WORK/fork.db" --council-key "$KEYS/council.key" --policy "$WORK/policy" --sth-interval 50 || true
for i in $(seq 100); do grep -q "witness ua.example/witness .* did not cosign checkpoint $FORK_SIZE" "$WORK/server.log" && break; sleep 0.1; done
check "serving the fork: the witnesses refuse it, and the server says so" \
  grep -q "witness ua.example/witness .* did not cosign checkpoint $FORK_SIZE: HTTP 422" "$WORK/server.log"
curl -s "$BASE/checkpoint" > "$WORK/fork-cp.txt"
stop_server
"$TRUCE" verify --log "$WORK/fork.db" --agreement "$PLAN" --policy "$WORK/policy" --checkpoint "$WORK/kept-30.txt" > "$WORK/verify-fork" 2>&1
check "verify --policy on the fork fails (exit 1)" test $? -eq 1
check "naming the kept cosigned checkpoint it contradicts" grep -q "kept-30.txt: the log's first 30 entries are not the ones the council signed" "$WORK/verify-fork"
check "and the fork's own checkpoint, which lacks the quorum" grep -q "checkpoint [0-9]*: size $FORK_SIZE: the policy.s quorum of witnesses did not cosign it" "$WORK/verify-fork"
"$TRUCE" verify --log "$WORK/fork.db" --agreement "$PLAN" --checkpoint "$WORK/kept-20.txt" > "$WORK/verify-prefix" 2>&1
check "the shared prefix still matches the kept checkpoint of size 20" grep -q "verified" "$WORK/verify-prefix"
# A rollback: the first 20 only, re-signed.
"$TRUCE" log append --log "$WORK/rolled.db" --agreement "$PLAN" --key "$KEYS/council.key" "$WORK/first20.jsonl" >/dev/null
"$TRUCE" log checkpoint --log "$WORK/rolled.db" --key "$KEYS/council.key" --agreement "$PLAN" >/dev/null
"$TRUCE" witness --request "$WORK/rolled.db" --old 20 > "$WORK/req-rolled"
check "a rollback to 20 is refused by the witness (409)" test "$(post ua "$WORK/req-rolled")" = 409
check "verify --policy with the kept checkpoint catches the rollback" \
  bash -c "'$TRUCE' verify --log '$WORK/rolled.db' --agreement '$PLAN' --policy '$WORK/policy' --checkpoint '$WORK/kept-30.txt' |
           grep -q 'kept-30.txt: the council signed a tree of 30 entries, the log holds only 20'"
kill -TERM "$PID_ua" "$PID_ru"; wait "$PID_ua" "$PID_ru" 2>/dev/null
check "the witnesses stopped without sanitizer reports" no_sanitizer_report "$WORK"/witness-*.log

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
