#!/usr/bin/env bash
# tlog_server_test: `truce serve` speaking the C2SP formats over HTTP (curl):
# /checkpoint signed with every tree head, the tlog-tiles paths with their
# cache headers, refusals of malformed or unsigned tiles, and a reader that
# rebuilds the checkpoint's root from the served tiles alone.
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

cleanup() {
  [ -n "${KEEP:-}" ] && return
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok; else fail "$name"; fi; }

start_server() { # start_server ARGS...: on a free port; sets BASE
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
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; local status=$?
  SERVER_PID=
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK/server.log"; then
    fail "sanitizer report:"; cat "$WORK/server.log"
  fi
  return $status
}
code() { curl -s -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$BASE$1"; }
header() { grep -i "^$1:" "$WORK/headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
report() { # report ID: a monitor:osce report of forces seen in Kharkiv
  printf '{"id":"%s","source":"monitor:osce","time":"2026-04-21T08:00:00Z","kind":"forces.present","actor":"RU","at":[36.23,49.99],"value":1}\n' "$1"
}

bash "$ROOT/tools/demo.sh" keys "$KEYS" >/dev/null 2>&1 || { echo "cannot make demo keys"; echo "0 passed, 1 failed"; exit 1; }
bash "$ROOT/tools/demo.sh" sign "$KEYS" < "$SAMPLE" > "$WORK/base.jsonl"
"$TRUCE" log append --log "$WORK/log.db" --agreement "$PLAN" "$WORK/base.jsonl" >/dev/null
for i in $(seq 1 300); do report "tile-$i"; done | "$TRUCE" sign --key "$KEYS/monitor-osce.key" - 2>/dev/null > "$WORK/more.jsonl"
BASE_SIZE=$(wc -l < "$WORK/base.jsonl")

start_server || { echo "0 passed, 1 failed"; exit 1; }
check "no council key, no checkpoint: /checkpoint is 404" test "$(code /checkpoint)" = 404
check "and tiles are 404 (nothing signed to publish)" test "$(code /tile/0/000.p/1)" = 404
stop_server

start_server --council-key "$KEYS/council.key" --sth-interval 50 || { echo "0 passed, 1 failed"; exit 1; }
check "the server signs a checkpoint on start" test "$(code /checkpoint)" = 200
check "text/plain; charset=utf-8" test "$(header Content-Type)" = "text/plain; charset=utf-8"
check "the checkpoint may be cached a few seconds only" test "$(header Cache-Control)" = "public, max-age=2"
check "its size is the log's" test "$(sed -n 2p "$WORK/body")" = "$BASE_SIZE"
check "its origin is the default for the agreement" test "$(sed -n 1p "$WORK/body")" = "truce/ukraine-2025-11"

curl -s -X POST --data-binary @"$WORK/more.jsonl" "$BASE/v1/reports" > "$WORK/post"
TOTAL=$((BASE_SIZE + 300))
for i in $(seq 100); do [ "$(curl -s "$BASE/checkpoint" | sed -n 2p)" = "$TOTAL" ] && break; sleep 0.1; done
curl -s "$BASE/checkpoint" > "$WORK/checkpoint"
check "a new checkpoint follows the new entries" test "$(sed -n 2p "$WORK/checkpoint")" = "$TOTAL"
"$TRUCE" log vkey --agreement "$PLAN" --log "$WORK/log.db" > "$WORK/vkey"

check "a full level-0 tile: 8192 bytes" test "$(code /tile/0/000)" = 200 -a "$(stat -c %s "$WORK/body")" = 8192
check "immutable, cached for a year" test "$(header Cache-Control)" = "public, max-age=31536000, immutable"
check "application/octet-stream" test "$(header Content-Type)" = "application/octet-stream"
PART=$((TOTAL - 256))
check "the partial level-0 tile" test "$(code /tile/0/001.p/$PART)" = 200 -a "$(stat -c %s "$WORK/body")" = $((PART * 32))
check "the partial level-1 tile of width 1" test "$(code /tile/1/000.p/1)" = 200 -a "$(stat -c %s "$WORK/body")" = 32
check "a full entry bundle" test "$(code /tile/entries/000)" = 200
check "a partial tile wider than the tree is 404" test "$(code /tile/0/001.p/$((PART + 1)))" = 404
check "a tile beyond the tree is 404" test "$(code /tile/0/002)" = 404
check "a malformed tile path is 400" test "$(code /tile/0/1)" = 400
check "a leading zero in the level is 400" test "$(code /tile/00/000)" = 400
check "width 0 is 400" test "$(code /tile/0/000.p/0)" = 400
check "a level above 63 is 400" test "$(code /tile/64/000)" = 400
check "POST on a tile is 405" test "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$BASE/tile/0/000")" = 405

# An independent reader: fetch the checkpoint and the tiles it needs, check the
# council's signature with the vkey and rebuild the root (Python, no truce code).
python3 - "$BASE" "$(cat "$WORK/vkey")" > "$WORK/reader.out" 2>&1 <<'PY'
import base64, hashlib, sys, urllib.request
base, vkey = sys.argv[1], sys.argv[2]
get = lambda p: urllib.request.urlopen(base + p).read()
note = get("/checkpoint").decode()
text, sigs = note.split("\n\n", 1)
origin, size, root = text.split("\n")[:3]
size, root = int(size), base64.b64decode(root)
name, keyid, key = vkey.split("+")
sig = base64.b64decode(sigs.strip().split(" ")[-1])
assert sig[:4].hex() == keyid and name == origin
try:
    from nacl.signing import VerifyKey
    VerifyKey(base64.b64decode(key)[1:]).verify((text + "\n").encode(), sig[4:])
except ImportError:
    pass  # PyNaCl absent: the signature is checked by truce's own tests
def tile(level, n, width):
    path = f"/tile/{level}/{n:03d}" + ("" if width == 256 else f".p/{width}")
    return get(path)
leaves = tile(0, 0, 256) + tile(0, 1, size - 256)
bundle = get("/tile/entries/000") + get(f"/tile/entries/001.p/{size - 256}")
i, hashes = 0, []
while i < len(bundle):
    n = int.from_bytes(bundle[i:i + 2], "big"); hashes.append(hashlib.sha256(b"\0" + bundle[i + 2:i + 2 + n]).digest()); i += 2 + n
assert b"".join(hashes) == leaves, "entries do not hash to the level-0 tiles"
def mth(h):
    if len(h) == 1: return h[0]
    k = 1
    while k * 2 < len(h): k *= 2
    return hashlib.sha256(b"\1" + mth(h[:k]) + mth(h[k:])).digest()
level1 = tile(1, 0, 1)
assert level1 == mth([leaves[j:j + 32] for j in range(0, 256 * 32, 32)]), "level-1 tile is not the level-0 tile's root"
assert mth([leaves[j:j + 32] for j in range(0, len(leaves), 32)]) == root, "tiles do not give the checkpoint's root"
print("ok")
PY
check "a Python reader rebuilds the checkpoint's root from the served tiles" grep -qx ok "$WORK/reader.out" || cat "$WORK/reader.out"
check "truce verify accepts the served checkpoint as a kept one" \
  "$TRUCE" verify --log "$WORK/log.db" --agreement "$PLAN" --checkpoint "$WORK/checkpoint"
check "the server stops cleanly" stop_server

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
