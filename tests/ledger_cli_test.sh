#!/usr/bin/env bash
# ledger_cli_test: the record commands end to end on the reference plan —
# keygen, sign, log append, check --log (the same rulings as from the files),
# --record, verify, offline proofs, and the refusals and exit codes on the way.
set -u
cd "$(dirname "$0")/.."
TRUCE=${TRUCE:-$PWD/build/truce}
PLAN=plans/ukraine-2025-11/plan.truce
SAMPLE=plans/ukraine-2025-11/reports/sample.jsonl
work=$(mktemp -d /tmp/truce-ledger-cli-XXXXXX)
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

# The demo keys of the reference plan come from public seeds (keys.truce).
demo_key() {
    local source=$1 seed
    seed=$(printf '%s' "truce demo key $source" | sha256sum | cut -d' ' -f1)
    "$TRUCE" keygen --source "$source" --seed "$seed" --out "$work/${source/:/-}.key" >"$work/${source/:/-}.pub" 2>/dev/null
}

for source in party:UA party:RU council monitor:osce monitor:iaea monitor:humanitarian; do
    demo_key "$source"
    grep "\"source\":\"$source\"" "$SAMPLE" >"$work/$source.jsonl"
    "$TRUCE" sign --key "$work/${source/:/-}.key" "$work/$source.jsonl" >>"$work/signed.jsonl" 2>/dev/null
done

check "keygen writes the secret key readable only by its owner" test "$(stat -c %a "$work/party-UA.key")" = 600
check "keygen prints the registry line, which the plan registers" \
    grep -qE "^key party:UA +$(awk '{print $3}' "$work/party-UA.pub" | sed 's/[+/]/\\&/g')$" plans/ukraine-2025-11/keys.truce
check "keygen never overwrites a key" exits 3 "$TRUCE" keygen --source party:UA --out "$work/party-UA.key"
check "every sample report is signed" test "$(wc -l <"$work/signed.jsonl")" -eq "$(grep -c . "$SAMPLE")"
check "sign refuses a report of another source" exits 4 "$TRUCE" sign --key "$work/party-UA.key" "$work/party:RU.jsonl"

check "log append stores every signed report" \
    "$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" --key "$work/council.key" "$work/signed.jsonl"
again=$("$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" "$work/signed.jsonl" 2>/dev/null | tail -1)
check "appending again only acknowledges duplicates" grep -q "appended 0, duplicates $(wc -l <"$work/signed.jsonl")" <<<"$again"

# An impersonation: party:RU's report re-signed... by party:UA's key, claiming RU.
sed 's/"source":"party:UA"/"source":"party:RU"/' "$work/party:UA.jsonl" | head -1 >"$work/forged.jsonl"
"$TRUCE" sign --key "$work/party-UA.key" "$work/party:UA.jsonl" 2>/dev/null | head -1 |
    sed 's/"source":"party:UA"/"source":"party:RU"/' >"$work/impersonation.jsonl"
check "log append rejects an impersonation (exit 4)" \
    exits 4 "$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" "$work/impersonation.jsonl"
check "log append rejects an unsigned report" \
    exits 4 "$TRUCE" log append --log "$work/log.db" --agreement "$PLAN" "$work/party:RU.jsonl"

"$TRUCE" check "$PLAN" "$SAMPLE" --json >"$work/from-files.json" 2>/dev/null
"$TRUCE" check "$PLAN" --log "$work/log.db" --json >"$work/from-log.json" 2>"$work/from-log.err"
check "check --log gives the same rulings as the files" cmp "$work/from-files.json" "$work/from-log.json"
check "check --log names the tree head it ruled at" grep -q "signed tree head" "$work/from-log.err"
check "check --record appends a council record" \
    exits 1 "$TRUCE" check "$PLAN" --log "$work/log.db" --record --key "$work/council.key"
check "the record is in the log" bash -c "'$TRUCE' log entries --log '$work/log.db' 0 100 | grep -q '\"cites\"'"
check "check --log skips council records" \
    bash -c "'$TRUCE' check '$PLAN' --log '$work/log.db' --json 2>/dev/null | cmp - '$work/from-files.json'"
check "check --record without --key is a usage error" exits 2 "$TRUCE" check "$PLAN" --log "$work/log.db" --record
check "check --log with report files is a usage error" exits 2 "$TRUCE" check "$PLAN" --log "$work/log.db" "$SAMPLE"
check "check --size beyond the log is refused" exits 3 "$TRUCE" check "$PLAN" --log "$work/log.db" --size 999
check "verify passes on the untouched log" "$TRUCE" verify --log "$work/log.db" --agreement "$PLAN"

"$TRUCE" log sth --log "$work/log.db" >"$work/sth.json" 2>/dev/null
"$TRUCE" log proof --log "$work/log.db" --inclusion monitor:osce/osce-0009 >"$work/proof.json" 2>/dev/null
"$TRUCE" log entries --log "$work/log.db" 0 40 2>/dev/null | grep '"id":"osce-0009"' | head -1 >"$work/entry.json"
check "an inclusion proof verifies offline against the tree head" \
    "$TRUCE" verify --inclusion "$work/proof.json" --sth "$work/sth.json" --entry "$work/entry.json" --agreement "$PLAN"

# Tamper with one stored byte: verify must fail (exit 1) and name the entry.
/usr/bin/python3 - "$work/log.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
table = [r[0] for r in db.execute("select name from sqlite_master where type='table'") if r[0] == 'entries'][0]
column = [r[1] for r in db.execute(f"pragma table_info({table})") if r[2].upper() in ('BLOB', 'TEXT') and r[1] in ('bytes', 'entry', 'data', 'body')][0]
row = db.execute(f"select rowid, {column} from {table} order by rowid limit 1 offset 5").fetchone()
data = bytearray(row[1] if isinstance(row[1], bytes) else row[1].encode())
data[10] ^= 1
db.execute(f"update {table} set {column} = ? where rowid = ?", (bytes(data) if isinstance(row[1], bytes) else data.decode('latin-1'), row[0]))
db.commit()
EOF
check "verify detects a flipped byte (exit 1)" exits 1 "$TRUCE" verify --log "$work/log.db" --agreement "$PLAN"
check "verify names the altered entry" bash -c "'$TRUCE' verify --log '$work/log.db' --agreement '$PLAN' 2>&1 | grep -q 'entry 5'"

# A council whose source is called `tcg`, not `council`: heads, records and
# verification use the key the agreement declares for it.
TCG=tests/data/agreements/council-tcg.truce
test_key() { # keys of council-tcg.truce, from public seeds
    local source=$1 seed
    seed=$(printf '%s' "truce test key $source" | sha256sum | cut -d' ' -f1)
    "$TRUCE" keygen --source "$source" --seed "$seed" --out "$work/tcg-${source/:/-}.key" >/dev/null 2>&1
}
for source in tcg party:A monitor:m; do test_key "$source"; done
echo '{"id":"sig-1","source":"tcg","time":"2026-01-01T00:00:00Z","kind":"agreement.signed"}' >"$work/tcg-council.jsonl"
echo '{"id":"m-1","source":"monitor:m","time":"2026-01-02T00:00:00Z","kind":"shelling","actor":"B"}' >"$work/tcg-monitor.jsonl"
"$TRUCE" sign --key "$work/tcg-tcg.key" "$work/tcg-council.jsonl" >"$work/tcg-signed.jsonl" 2>/dev/null
"$TRUCE" sign --key "$work/tcg-monitor-m.key" "$work/tcg-monitor.jsonl" >>"$work/tcg-signed.jsonl" 2>/dev/null
check "council tcg: lint passes" "$TRUCE" lint "$TCG"
check "council tcg: log append signs a tree head with tcg's key" \
    "$TRUCE" log append --log "$work/tcg.db" --agreement "$TCG" --key "$work/tcg-tcg.key" "$work/tcg-signed.jsonl"
check "council tcg: a party's key cannot sign the heads (exit 3)" \
    exits 3 "$TRUCE" log append --log "$work/tcg.db" --agreement "$TCG" --key "$work/tcg-party-A.key" "$work/tcg-signed.jsonl"
check "council tcg: log sth --agreement signs with tcg's key" \
    "$TRUCE" log sth --log "$work/tcg.db" --key "$work/tcg-tcg.key" --agreement "$TCG"
check "council tcg: log sth --agreement refuses a party's key (exit 3)" \
    exits 3 "$TRUCE" log sth --log "$work/tcg.db" --key "$work/tcg-party-A.key" --agreement "$TCG"
check "council tcg: check --record records the rulings (exit 1: a violation)" \
    exits 1 "$TRUCE" check "$TCG" --log "$work/tcg.db" --record --key "$work/tcg-tcg.key"
check "council tcg: the record's source is tcg" \
    bash -c "'$TRUCE' log entries --log '$work/tcg.db' 2 3 | jq -e '.entry.source == \"tcg\" and .entry.cites.tree_size == 2'"
check "council tcg: check --log skips the record (2 reports, none rejected)" \
    bash -c "'$TRUCE' check '$TCG' --log '$work/tcg.db' --json 2>&1 >/dev/null | grep -q '2 reports read from the log: 2 accepted.* 0 rejected'"
check "council tcg: verify checks heads and the record against tcg's key" \
    bash -c "'$TRUCE' verify --log '$work/tcg.db' --agreement '$TCG' | grep -q 'verified: 3 entries (1 council records), 2 tree heads'"
"$TRUCE" log sth --log "$work/tcg.db" >"$work/tcg-sth.json" 2>/dev/null
"$TRUCE" log proof --log "$work/tcg.db" --inclusion monitor:m/m-1 >"$work/tcg-proof.json" 2>/dev/null
"$TRUCE" log entries --log "$work/tcg.db" 1 2 >"$work/tcg-entry.json" 2>/dev/null
check "council tcg: an inclusion proof verifies offline with tcg's key" \
    "$TRUCE" verify --inclusion "$work/tcg-proof.json" --sth "$work/tcg-sth.json" --entry "$work/tcg-entry.json" --agreement "$TCG"

# The clock: a report dated more than --max-future (default 10 minutes) after
# its receipt is refused with the reason and not stored.
echo '{"id":"m-2031","source":"monitor:m","time":"2031-01-01T00:00:00Z","kind":"shelling","actor":"A"}' |
    "$TRUCE" sign --key "$work/tcg-monitor-m.key" - >"$work/tcg-future.jsonl" 2>/dev/null
size_before=$("$TRUCE" log entries --log "$work/tcg.db" 0 100 2>/dev/null | wc -l)
check "log append refuses a report dated 2031 (exit 4)" \
    exits 4 "$TRUCE" log append --log "$work/tcg.db" --agreement "$TCG" "$work/tcg-future.jsonl"
check "log append says why" bash -c "'$TRUCE' log append --log '$work/tcg.db' --agreement '$TCG' '$work/tcg-future.jsonl' 2>&1 |
    grep -q 'tcg-future.jsonl:1: time 2031-01-01T00:00:00Z is 4 years after receipt (tolerance 10 minutes)'"
check "the future-dated report is not stored" \
    test "$("$TRUCE" log entries --log "$work/tcg.db" 0 100 2>/dev/null | wc -l)" -eq "$size_before"
check "log append --max-future 1m also refuses it" \
    bash -c "'$TRUCE' log append --log '$work/tcg.db' --agreement '$TCG' --max-future 1m '$work/tcg-future.jsonl' 2>&1 | grep -q 'tolerance 1 minute)'"
check "log append --max-future 3000d accepts it" \
    "$TRUCE" log append --log "$work/tcg.db" --agreement "$TCG" --max-future 3000d "$work/tcg-future.jsonl"
check "log append --max-future needs a duration (exit 2)" \
    exits 2 "$TRUCE" log append --log "$work/tcg.db" --agreement "$TCG" --max-future soon "$work/tcg-future.jsonl"
check "check --log --as-of counts the reports it ignores" \
    bash -c "'$TRUCE' check '$TCG' --log '$work/tcg.db' --size 4 --as-of 2026-01-01T12:00:00Z 2>&1 >/dev/null |
    grep -qx 'truce: 2 reports dated after --as-of 2026-01-01T12:00:00Z are ignored'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
