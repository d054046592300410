#!/bin/bash
# bench: signed-ingest rate of `truce log append` against its ceiling, the raw
# libsodium Ed25519 verification rate on one core. Generates N reports, signs
# them, appends them to a fresh log, verifies the log; prints reports/s.
# Usage: [TRUCE=build/truce] [N=1000000] bash bench/ingest.sh
set -eu
cd "$(dirname "$0")/.."
TRUCE=${TRUCE:-$PWD/build/truce}
N=${N:-1000000}
DATA=tests/data/ledger
work=$(mktemp -d /tmp/truce-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
# Secret keys are read only when their owner alone may read them (git checks
# them out 0644), so the test keys are copied with mode 0600.
install -m 600 $DATA/party-UA.key $DATA/council.key "$work/"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", n / (b - a) }'; }

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L bench/verify_rate.c $(pkg-config --cflags --libs libsodium) -o "$work/verify_rate"
verify=$("$work/verify_rate" | awk '{ print $2 }')
echo "libsodium Ed25519 verify (1 core):   $verify signatures/s"

awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"id\":\"b-%d\",\"source\":\"party:UA\",\"time\":\"2026-01-05T10:%02d:%02dZ\",\"kind\":\"strike\",\"actor\":\"RU\",\"at\":[%.3f,%.3f],\"note\":\"bench report %d\"}\n",
           i, (i / 60) % 60, i % 60, 30 + (i % 1000) / 100.0, 45 + (i % 777) / 100.0, i }' > "$work/unsigned.jsonl"
t0=$(now)
"$TRUCE" sign --key "$work/party-UA.key" -o "$work/signed.jsonl" "$work/unsigned.jsonl" 2>/dev/null
t1=$(now)
echo "truce sign:                          $(rate "$N" "$t0" "$t1") reports/s ($N reports)"

t0=$(now)
"$TRUCE" log append --log "$work/log.db" --agreement $DATA/agreement.truce --key "$work/council.key" \
    "$work/signed.jsonl" > "$work/append.out"
t1=$(now)
tail -1 "$work/append.out"
ingest=$(rate "$N" "$t0" "$t1")
echo "truce log append (signed ingest):    $ingest reports/s ($(awk -v a="$ingest" -v b="$verify" 'BEGIN { printf "%.0f", 100 * a / b }')% of the verify rate)"

t0=$(now)
"$TRUCE" log append --log "$work/log.db" --agreement $DATA/agreement.truce "$work/signed.jsonl" > /dev/null
t1=$(now)
echo "truce log append (all duplicates):   $(rate "$N" "$t0" "$t1") reports/s"

t0=$(now)
"$TRUCE" log proof --log "$work/log.db" --inclusion party:UA/b-$((N / 3)) > /dev/null
"$TRUCE" log proof --log "$work/log.db" --consistency $((N / 3)) "$N" > /dev/null
t1=$(now)
echo "inclusion + consistency proof:       $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') s (two process runs, $N entries)"

t0=$(now)
"$TRUCE" verify --log "$work/log.db" --agreement $DATA/agreement.truce > /dev/null
t1=$(now)
echo "truce verify (whole log):            $(rate "$N" "$t0" "$t1") entries/s"
echo "log size on disk:                    $(du -m "$work/log.db" | cut -f1) MB"
