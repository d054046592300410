#!/usr/bin/env bash
# tlog_cli_test: the C2SP record end to end on the reference plan — checkpoints
# signed with every head, the council's verifier key, static tiles written
# incrementally and checked against the checkpoint, the 64 KiB entry limit,
# converting an old log, and `verify --checkpoint` catching rollbacks, middle
# deletions and reorders that the council key re-signed.
set -u
cd "$(dirname "$0")/.."
TRUCE=${TRUCE:-$PWD/build/truce}
PLAN=plans/ukraine-2025-11/plan.truce
SAMPLE=plans/ukraine-2025-11/reports/sample.jsonl
work=$(mktemp -d /tmp/truce-tlog-cli-XXXXXX)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

check() { # check NAME COMMAND...: passes when the command succeeds
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then passed=$((passed + 1)); echo "ok   $name"
    else failed=$((failed + 1)); echo "FAIL $name"; fi
}
exits() { # exits CODE COMMAND...: the command exits with CODE
    local code=$1
    shift
    "$@" >/dev/null 2>&1
    [ $? -eq "$code" ]
}
demo_key() {
    local source=$1 seed
    seed=$(printf '%s' "truce demo key $source" | sha256sum | cut -d' ' -f1)
    "$TRUCE" keygen --source "$source" --seed "$seed" --out "$work/${source/:/-}.key" >/dev/null 2>&1
}
for source in party:UA party:RU council monitor:osce monitor:iaea monitor:humanitarian; do
    demo_key "$source"
    grep "\"source\":\"$source\"" "$SAMPLE" >"$work/$source.jsonl"
    "$TRUCE" sign --key "$work/${source/:/-}.key" "$work/$source.jsonl" >>"$work/signed.jsonl" 2>/dev/null
done
total=$(wc -l <"$work/signed.jsonl")
head -n 10 "$work/signed.jsonl" >"$work/first.jsonl"
tail -n +11 "$work/signed.jsonl" >"$work/rest.jsonl"

# 1. Appending with the council key signs a checkpoint with every head.
"$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" --key "$work/council.key" "$work/first.jsonl" >/dev/null 2>&1
"$TRUCE" log checkpoint --log "$work/log.db" >"$work/cp10.txt" 2>/dev/null
check "log checkpoint prints a C2SP checkpoint (origin, size, base64 root)" \
    bash -c "sed -n 1p '$work/cp10.txt' | grep -qx 'truce/ukraine-2025-11' && sed -n 2p '$work/cp10.txt' | grep -qx 10 &&
             sed -n 3p '$work/cp10.txt' | grep -qE '^[A-Za-z0-9+/]{43}=$' && sed -n 4p '$work/cp10.txt' | grep -qx ''"
check "its signature line is the council's, named by the origin" grep -q "^— truce/ukraine-2025-11 " "$work/cp10.txt"
"$TRUCE" log vkey --agreement "$PLAN" --log "$work/log.db" >"$work/vkey" 2>/dev/null
check "log vkey prints the council's verifier key for the origin" grep -qE '^truce/ukraine-2025-11\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$' "$work/vkey"
check "vkey from the key file and from the agreement agree" \
    bash -c "'$TRUCE' log vkey --key '$work/council.key' --log '$work/log.db' | cmp -s - '$work/vkey'"
root_b64=$(sed -n 3p "$work/cp10.txt")
root_hex=$("$TRUCE" log sth --log "$work/log.db" | sed 's/.*"root_hash":"\([0-9a-f]*\)".*/\1/')
check "the checkpoint's root is the tree head's root" \
    test "$(python3 -c 'import base64,sys; print(base64.b64decode(sys.argv[1]).hex())' "$root_b64")" = "$root_hex"
check "the origin cannot change once recorded" \
    exits 5 "$TRUCE" log checkpoint --log "$work/log.db" --key "$work/council.key" --origin other.example/log

# 2. Tiles: written, complete, incremental, and they give the checkpoint's root.
check "log tiles writes the tree" "$TRUCE" log tiles --log "$work/log.db" --out "$work/tiles"
check "the checkpoint is served as written" cmp -s "$work/cp10.txt" "$work/tiles/checkpoint"
check "a partial level-0 tile of 10 hashes" test "$(stat -c %s "$work/tiles/tile/0/000.p/10")" -eq 320
check "the entry bundle holds the 10 entries" test -s "$work/tiles/tile/entries/000.p/10"
python3 - "$work/tiles" "$root_b64" >"$work/tiles.check" 2>&1 <<'PY'
import base64, hashlib, sys
d, root = sys.argv[1], base64.b64decode(sys.argv[2])
leaves = open(f"{d}/tile/0/000.p/10", "rb").read()
bundle = open(f"{d}/tile/entries/000.p/10", "rb").read()
hashes, i = [], 0
while i < len(bundle):
    n = int.from_bytes(bundle[i:i+2], "big"); hashes.append(hashlib.sha256(b"\0" + bundle[i+2:i+2+n]).digest()); i += 2 + n
assert b"".join(hashes) == leaves, "bundle does not hash to the tile"
def mth(h):
    if len(h) == 1: return h[0]
    k = 1
    while k * 2 < len(h): k *= 2
    return hashlib.sha256(b"\1" + mth(h[:k]) + mth(h[k:])).digest()
assert mth(hashes) == root, "tiles do not give the checkpoint's root"
print("ok")
PY
check "an independent reader (Python) gets the checkpoint's root from the tiles" grep -qx ok "$work/tiles.check"
"$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" --key "$work/council.key" "$work/rest.jsonl" >/dev/null 2>&1
out=$("$TRUCE" log tiles --log "$work/log.db" --out "$work/tiles" 2>&1)
check "tiles follow the log: the new checkpoint and the new partial tiles" \
    bash -c "sed -n 2p '$work/tiles/checkpoint' | grep -qx $total && test -f '$work/tiles/tile/0/000.p/$total'"
out=$("$TRUCE" log tiles --log "$work/log.db" --out "$work/tiles" 2>&1)
check "a second run rewrites nothing" grep -q ": 0 tiles written" <<<"$out"
check "log tiles without a checkpoint is refused (exit 3)" bash -c "
    '$TRUCE' log append --log '$work/bare.db' --agreement '$PLAN' '$work/first.jsonl' >/dev/null 2>&1;
    '$TRUCE' log tiles --log '$work/bare.db' --out '$work/bare'; test \$? -eq 3"

# 3. The 64 KiB limit of an entry bundle, refused at append with the reason.
python3 - "$work/party:UA.jsonl" >"$work/big.jsonl" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readline()); r["id"] = "big-1"; r["note"] = "x" * 70000
print(json.dumps(r))
PY
"$TRUCE" sign --key "$work/party-UA.key" "$work/big.jsonl" >"$work/big.signed.jsonl" 2>/dev/null
"$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" "$work/big.signed.jsonl" >/dev/null 2>"$work/big.err"
check "an entry over 65535 bytes is refused at append, with the reason" grep -q "too large.*65535" "$work/big.err"

# 4. Verify against kept checkpoints.
"$TRUCE" log checkpoint --log "$work/log.db" >"$work/cp-all.txt" 2>/dev/null
check "verify with the kept checkpoints passes on the true log" \
    "$TRUCE" verify --log "$work/log.db" --agreement "$PLAN" --checkpoint "$work/cp10.txt" --checkpoint "$work/cp-all.txt"
# A rollback: the first 10 entries again, with a fresh head and checkpoint by the council key.
"$TRUCE" log append --log "$work/rolled.db" --agreement "$PLAN" --key "$work/council.key" "$work/first.jsonl" >/dev/null 2>&1
check "a rolled-back log passes verify on its own (what a party cannot see)" \
    "$TRUCE" verify --log "$work/rolled.db" --agreement "$PLAN"
check "the kept checkpoint catches the rollback (exit 1)" \
    exits 1 "$TRUCE" verify --log "$work/rolled.db" --agreement "$PLAN" --checkpoint "$work/cp-all.txt"
check "and names the checkpoint it contradicts" bash -c "'$TRUCE' verify --log '$work/rolled.db' --agreement '$PLAN' \
    --checkpoint '$work/cp-all.txt' | grep -q 'cp-all.txt: the council signed a tree of $total entries, the log holds only 10'"
# A middle deletion, re-signed: every report but the 5th, in order.
sed 5d "$work/signed.jsonl" >"$work/deleted.jsonl"
"$TRUCE" log append --log "$work/deleted.db" --agreement "$PLAN" --key "$work/council.key" "$work/deleted.jsonl" >/dev/null 2>&1
check "a log with a middle entry deleted and re-signed passes verify on its own" \
    "$TRUCE" verify --log "$work/deleted.db" --agreement "$PLAN"
check "the kept checkpoint of size 10 catches the deletion" bash -c "'$TRUCE' verify --log '$work/deleted.db' \
    --agreement '$PLAN' --checkpoint '$work/cp10.txt' | grep -q 'cp10.txt: the log.s first 10 entries are not the ones the council signed'"
# A reorder, re-signed.
{ sed -n 2p "$work/signed.jsonl"; sed -n 1p "$work/signed.jsonl"; tail -n +3 "$work/signed.jsonl"; } >"$work/reordered.jsonl"
"$TRUCE" log append --log "$work/reordered.db" --agreement "$PLAN" --key "$work/council.key" "$work/reordered.jsonl" >/dev/null 2>&1
check "the kept checkpoints catch a reorder (exit 1)" \
    exits 1 "$TRUCE" verify --log "$work/reordered.db" --agreement "$PLAN" --checkpoint "$work/cp10.txt"
# A checkpoint not signed by the council, or for another origin.
sed 's/^— truce\/ukraine-2025-11 ./— truce\/ukraine-2025-11 B/' "$work/cp10.txt" >"$work/cp-bad.txt"
check "a kept checkpoint with a broken signature is named" bash -c "'$TRUCE' verify --log '$work/log.db' \
    --agreement '$PLAN' --checkpoint '$work/cp-bad.txt' | grep -q 'cp-bad.txt: not a council checkpoint'"
check "a checkpoint of another origin is refused" \
    exits 1 "$TRUCE" verify --log "$work/log.db" --agreement "$PLAN" --origin other.example/log --checkpoint "$work/cp10.txt"

# 4b. Receipts (c2sp.org/tlog-proof), checked offline.
"$TRUCE" log entries --log "$work/log.db" 3 4 > "$work/entry3.json"
key3=$(python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["entry"]; print(e["source"] + "/" + e["id"])' "$work/entry3.json")
"$TRUCE" log receipt --log "$work/log.db" --entry "$key3" > "$work/r3.tlog-proof" 2>/dev/null
check "log receipt prints a tlog-proof receipt" bash -c "head -1 '$work/r3.tlog-proof' | grep -qx 'c2sp.org/tlog-proof@v1' && sed -n 2p '$work/r3.tlog-proof' | grep -qx 'index 3'"
check "verify --receipt accepts it with the entry" \
    "$TRUCE" verify --receipt "$work/r3.tlog-proof" --entry "$work/entry3.json" --agreement "$PLAN"
"$TRUCE" log entries --log "$work/log.db" 4 5 > "$work/entry4.json"
check "another entry does not match the receipt (exit 1)" \
    exits 1 "$TRUCE" verify --receipt "$work/r3.tlog-proof" --entry "$work/entry4.json" --agreement "$PLAN"
sed '3 s/^./A/; 3 s/^AA/BA/' "$work/r3.tlog-proof" > "$work/r3-bad.tlog-proof"
check "a damaged proof line fails (exit 1)" \
    exits 1 "$TRUCE" verify --receipt "$work/r3-bad.tlog-proof" --entry "$work/entry3.json" --agreement "$PLAN"
sed '1 s/.*/c2sp.org\/tlog-proof@v2/' "$work/r3.tlog-proof" > "$work/r3-v2.tlog-proof"
check "a receipt of another format is refused as input (exit 3)" \
    exits 3 "$TRUCE" verify --receipt "$work/r3-v2.tlog-proof" --entry "$work/entry3.json" --agreement "$PLAN"
check "log receipt for an unknown entry (exit 3)" exits 3 "$TRUCE" log receipt --log "$work/log.db" --entry party:UA/nope

# 5. A log made before checkpoints: it keeps verifying, and one command converts it.
cp "$work/log.db" "$work/old.db"
python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.executescript("DROP TABLE checkpoints; DELETE FROM meta WHERE name = '"'origin'"';"); db.commit()' "$work/old.db"
check "an old log (no checkpoints) still verifies" "$TRUCE" verify --log "$work/old.db" --agreement "$PLAN"
check "log checkpoint on an old log without --key says there is none (exit 3)" \
    exits 3 "$TRUCE" log checkpoint --log "$work/old.db"
check "log checkpoint --key --agreement converts it" \
    "$TRUCE" log checkpoint --log "$work/old.db" --key "$work/council.key" --agreement "$PLAN"
check "the converted log verifies with its new checkpoint and the old kept one" \
    "$TRUCE" verify --log "$work/old.db" --agreement "$PLAN" --checkpoint "$work/cp10.txt"

check "log checkpoint --help exits 0" "$TRUCE" log checkpoint --help
check "log tiles without --out is a usage error" exits 2 "$TRUCE" log tiles --log "$work/log.db"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
