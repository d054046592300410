#!/bin/bash
# tests: durability of `truce log append` under SIGKILL. Appends a large signed
# file, kills the appender at random moments, and after each kill checks that
# every line acknowledged on stdout is in the log and that `truce verify`
# passes; a final run must complete the rest (earlier lines as duplicates).
# Usage: TRUCE=build/truce [N=100000] [KILLS=20] bash tests/kill_test.sh
set -u
cd "$(dirname "$0")/.."
TRUCE=${TRUCE:-$PWD/build/truce}
case "$TRUCE" in
  *build-asan*) N=${N:-20000}; KILLS=${KILLS:-8} ;;   # the sanitizer pass: same test, smaller
  *) N=${N:-100000}; KILLS=${KILLS:-20} ;;
esac
DATA=tests/data/ledger
AGREEMENT=$DATA/agreement.truce
work=$(mktemp -d /tmp/truce-kill-test-XXXXXX)
trap 'rm -rf "$work"' EXIT
# Secret keys are read only when their owner alone may read them (git checks
# them out 0644), so the test keys are copied with mode 0600.
install -m 600 $DATA/party-UA.key $DATA/council.key "$work/"
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

echo "== generating and signing $N reports"
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"id\":\"k-%d\",\"source\":\"party:UA\",\"time\":\"2026-01-05T10:%02d:%02dZ\",\"kind\":\"strike\",\"actor\":\"RU\",\"at\":[%.3f,%.3f]}\n",
           i, (i / 60) % 60, i % 60, 30 + (i % 1000) / 100.0, 45 + (i % 777) / 100.0 }' > "$work/unsigned.jsonl"
"$TRUCE" sign --key "$work/party-UA.key" -o "$work/signed.jsonl" "$work/unsigned.jsonl" 2>/dev/null || { echo "FAIL: sign"; exit 1; }

# exec: the background job must be truce itself, so that kill -9 hits it.
append() { exec "$TRUCE" log append --log "$work/log.db" --agreement $AGREEMENT --key "$work/council.key" "$work/signed.jsonl"; }

# Ids in the log, one per line, sorted.
logged_ids() {
    "$TRUCE" log entries --log "$work/log.db" 0 100000000 | sed -E 's/.*"id":"([^"]*)".*/\1/' | sort
}

# Ids acknowledged on stdout (complete lines only), sorted.
acknowledged_ids() {
    grep -E '^[^ ]+: (appended|duplicate) [0-9]+ party:UA/k-[0-9]+$' "$1" | sed -E 's|.*/||' | sort -u
}

for k in $(seq 1 "$KILLS"); do
    (append > "$work/out.$k" 2> "$work/err.$k") &
    pid=$!
    delay=$(awk -v seed="$RANDOM" 'BEGIN { srand(seed); printf "%.2f", 0.05 + rand() * 2.5 }')
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if kill -0 "$pid" 2>/dev/null; then fail "kill $k: the appender survived SIGKILL"; fi
    acknowledged_ids "$work/out.$k" > "$work/acked.$k"
    [ -f "$work/log.db" ] || { echo "kill $k after ${delay}s: no log yet"; continue; }
    logged_ids > "$work/logged.$k"
    missing=$(comm -23 "$work/acked.$k" "$work/logged.$k" | wc -l)
    [ "$missing" -eq 0 ] || fail "kill $k: $missing acknowledged entries are not in the log"
    # Killed while the log was being created: its schema is one transaction,
    # so the file holds either no log at all (nothing acknowledged) or a log.
    if [ ! -s "$work/acked.$k" ] && "$TRUCE" verify --log "$work/log.db" --agreement $AGREEMENT 2>&1 | grep -q 'not a truce log'; then
        echo "kill $k after ${delay}s: killed while creating the log, before any entry"
        continue
    fi
    if ! "$TRUCE" verify --log "$work/log.db" --agreement $AGREEMENT > "$work/verify.$k" 2>&1; then
        fail "kill $k: verify failed"; head -5 "$work/verify.$k"
    fi
    echo "kill $k after ${delay}s: $(wc -l < "$work/acked.$k") acknowledged, $(wc -l < "$work/logged.$k") in the log, verify ok"
done

echo "== resuming to the end"
(append > "$work/out.final" 2> "$work/err.final") || fail "final append exited $?"
tail -2 "$work/out.final"
logged_ids > "$work/logged.final"
[ "$(wc -l < "$work/logged.final")" -eq "$N" ] || fail "the log holds $(wc -l < "$work/logged.final") entries, expected $N"
[ "$(sort -u "$work/logged.final" | wc -l)" -eq "$N" ] || fail "the log holds an entry twice"
grep -q "appended .*, duplicates .*, rejected 0; log size $N" "$work/out.final" || fail "final summary is wrong"
"$TRUCE" verify --log "$work/log.db" --agreement $AGREEMENT || fail "final verify failed"

if [ "$failures" -eq 0 ]; then echo "kill test: PASS ($KILLS kills, $N entries)"; else echo "kill test: $failures failures"; fi
echo "$((failures == 0 ? 1 : 0)) passed, $((failures == 0 ? 0 : 1)) failed"

[ "$failures" -eq 0 ]
