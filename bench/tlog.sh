#!/bin/bash
# bench: the C2SP record at scale — `truce log tiles` exporting a log of N
# entries (first run and incremental), tile reads per second from `truce
# serve` (wrk, random full level-0 tiles and entry bundles), and a witness's
# add-checkpoint latency (bench/witness_bench.c). Builds the log with
# `truce sign` and `truce log append` (about 2 minutes for 1M on 2 cores).
# Usage: [TRUCE=build/truce] [N=1000000] [DURATION=10] bash bench/tlog.sh
set -eu
cd "$(dirname "$0")/.."
TRUCE=${TRUCE:-$PWD/build/truce}
N=${N:-1000000}
DURATION=${DURATION:-10}
DATA=tests/data/ledger
work=$(mktemp -d /tmp/truce-tlog-bench-XXXXXX)
SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$work"' EXIT
# Keys must be private (mode 0600); a checkout gives 0644, so work on copies.
cp -r tests/data/ledger "$work/keys" && chmod 600 "$work"/keys/*.key
DATA=$work/keys
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "{\"id\":\"b-%d\",\"source\":\"party:UA\",\"time\":\"2026-01-05T10:%02d:%02dZ\",\"kind\":\"strike\",\"actor\":\"RU\",\"at\":[%.3f,%.3f],\"note\":\"bench report %d\"}\n",
           i, (i / 60) % 60, i % 60, 30 + (i % 1000) / 100.0, 45 + (i % 777) / 100.0, i }' > "$work/unsigned.jsonl"
head -n $((N - 1000)) "$work/unsigned.jsonl" > "$work/first.jsonl"
tail -n 1000 "$work/unsigned.jsonl" > "$work/last.jsonl"
"$TRUCE" sign --key $DATA/party-UA.key -o "$work/first.signed" "$work/first.jsonl" 2>/dev/null
"$TRUCE" sign --key $DATA/party-UA.key -o "$work/last.signed" "$work/last.jsonl" 2>/dev/null
"$TRUCE" log append --log "$work/log.db" --agreement $DATA/agreement.truce --key $DATA/council.key \
    --origin truce/bench "$work/first.signed" > /dev/null

t0=$(now); "$TRUCE" log tiles --log "$work/log.db" --out "$work/tiles" > "$work/tiles.out"; t1=$(now)
echo "truce log tiles, $((N - 1000)) entries, first export:   $(secs "$t0" "$t1") s ($(cat "$work/tiles.out"))"
"$TRUCE" log append --log "$work/log.db" --agreement $DATA/agreement.truce --key $DATA/council.key "$work/last.signed" > /dev/null
t0=$(now); "$TRUCE" log tiles --log "$work/log.db" --out "$work/tiles" > "$work/tiles.out"; t1=$(now)
echo "truce log tiles, +1000 entries, incremental:  $(secs "$t0" "$t1") s ($(cat "$work/tiles.out"))"
echo "tiles on disk: $(du -sm "$work/tiles" | cut -f1) MB"

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc bench/witness_bench.c build/libtruce.a \
    $(pkg-config --cflags --libs libsodium sqlite3 geos libmicrohttpd libcurl) -lm -o "$work/witness_bench"
"$work/witness_bench" "$work/log.db" $DATA/council.key 200 1000

if command -v wrk > /dev/null; then
    "$TRUCE" serve --agreement $DATA/agreement.truce --log "$work/log.db" --listen 127.0.0.1:0 \
        --council-key $DATA/council.key 2> "$work/server.log" &
    SERVER_PID=$!
    for i in $(seq 300); do
        port=$(sed -n 's|.* on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/server.log")
        [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/checkpoint" > /dev/null && break
        sleep 0.2
    done
    full=$((N / 256))
    cat > "$work/tiles.lua" <<LUA
math.randomseed(os.time())
request = function()
  local n = math.random(0, $full - 1)
  local path = string.format("/tile/%s/%s", math.random(0, 1) == 0 and "0" or "entries",
    n >= 1000 and string.format("x%03d/%03d", math.floor(n / 1000), n % 1000) or string.format("%03d", n))
  return wrk.format("GET", path)
end
LUA
    wrk -t2 -c64 -d"${DURATION}s" --latency -s "$work/tiles.lua" "http://127.0.0.1:$port" > "$work/wrk.out"
    echo "truce serve, random full tiles (half hash tiles of 8 KiB, half entry bundles of ~45 KiB), 64 connections:"
    grep -E "Requests/sec|Transfer/sec| 50%| 99%|Non-2xx" "$work/wrk.out" | sed 's/^/    /'
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
fi
