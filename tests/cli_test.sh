#!/bin/bash
# cli_test: end-to-end checks of the truce command line (help, usage errors,
# lint, check: board, JSON Lines, rejected lines, --explain, --as-of, stdin,
# duplicates). Uses $TRUCE (default: the repository's build/truce). Prints a
# line per check and ends with "N passed, M failed"; exits 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
TRUCE=${TRUCE:-$root/build/truce}
PLAN=$root/plans/ukraine-2025-11/plan.truce
SAMPLE=$root/plans/ukraine-2025-11/reports/sample.jsonl
BROKEN=$here/data/agreements/broken.truce
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }

# run ARGS...: runs truce, keeping stdout, stderr and the exit code.
run() {
    "$TRUCE" "$@" > "$tmp/out" 2> "$tmp/err" < "${STDIN:-/dev/null}"
    code=$?
}

# expect_code NAME CODE ARGS...
expect_code() {
    local name=$1 want=$2
    shift 2
    run "$@"
    if [ "$code" = "$want" ]; then ok "$name (exit $want)"; else fail "$name" "exit $code, expected $want"; fi
}

# expect_in NAME FILE(out|err) PATTERN: the output matches the extended regex.
expect_in() {
    if grep -Eq -- "$3" "$tmp/$2"; then ok "$1"; else fail "$1" "no /$3/ in std$2"; fi
}

# expect_ruling NAME POINT PARTY JQ-TEST: the JSON ruling of POINT and PARTY in
# stdout passes the jq test (jq -s: -e alone misjudges several inputs in jq 1.6).
expect_ruling() {
    if jq -s -e --arg p "$2" --arg q "$3" "map(select(.point == \$p and .party == \$q)) | length == 1 and (.[0] | $4)" \
        "$tmp/out" > /dev/null 2>&1; then ok "$1"; else fail "$1"; fi
}

# ------------------------------------------------------------------- help
listed=$("$TRUCE" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on = 0}')
for command in "" $(printf '%s\n' check lint $listed | sort -u); do
    expect_code "truce $command --help" 0 $command --help
    expect_in "truce $command --help prints usage on stdout" out '^usage: truce'
done

# ------------------------------------------------------------ usage errors
expect_code "no command" 2
expect_in "no command: usage on stderr" err '^usage: truce'
expect_code "unknown command" 2 frobnicate
expect_in "unknown command: message on stderr" err "unknown command 'frobnicate'"
expect_code "check without arguments" 2 check
expect_in "check without arguments: usage on stderr" err '^usage: truce check'
expect_code "check without reports" 2 check "$PLAN"
expect_in "check without reports: usage on stderr" err '^usage: truce check'
expect_code "lint without arguments" 2 lint
expect_in "lint without arguments: usage on stderr" err '^usage: truce lint'
expect_code "check with an unknown option" 2 check --bogus "$PLAN" "$SAMPLE"
expect_code "check with a bad --as-of" 2 check --as-of yesterday "$PLAN" "$SAMPLE"

# --------------------------------------------------------------------- lint
expect_code "lint the reference plan" 0 lint "$PLAN"
expect_in "lint summary" out 'ok: 38 points \(23 machine-checked, 15 declaratory\)'
expect_code "lint a broken agreement" 3 lint "$BROKEN"
expect_in "lint: unknown party at FILE:LINE:COLUMN" err "^$BROKEN:6:10: error: unknown party 'XX'"
expect_in "lint: unknown kind at FILE:LINE:COLUMN" err "^$BROKEN:7:13: error: unknown kind 'nothing.here'"
expect_in "lint: point without rule at FILE:LINE:COLUMN" err "^$BROKEN:8:1: error: point 2 has no rule"
expect_code "lint a missing file" 3 lint "$tmp/none.truce"
MINSK=$root/plans/minsk-2015/plan.truce
MINSK_SAMPLE=$root/plans/minsk-2015/reports/sample.jsonl
expect_code "lint Minsk II" 0 lint "$MINSK"
expect_in "lint Minsk II: summary" out 'ok: 13 points \(9 machine-checked, 4 declaratory\)'
expect_in "lint: a line place with its length" out 'place loc: line, [0-9]+ km long, illustrative'
expect_in "lint: a computed zone with its area" out 'place ua-artillery-band: zone, [0-9]+ km², illustrative, = \(within 25 km of loc\) and ukraine'
expect_code "check Minsk II's sample (findings)" 1 check "$MINSK" "$MINSK_SAMPLE"
expect_in "Minsk board: the formations' side violated the ceasefire" out '^1 +Ceasefire +disputed\? +VIOLATED'
expect_in "Minsk board: the border waits for elections" out '^9 +State border +pending'
expect_in "Minsk: every sample line accepted" err ' 0 rejected$'
expect_code "explain Minsk point 2" 1 check --explain 2 "$MINSK" "$MINSK_SAMPLE"
expect_in "explain names the member of a side that acted" out 'violation by LPR of ORDLO'
expect_code "Minsk: incidents per day at the mission's 19:30 cut-off" 0 incidents --daily --by party --day-ends 19:30+02:00 "$MINSK" "$MINSK_SAMPLE"
expect_in "Minsk: unattributed explosions counted per day" out '^2015-02-15 unattributed +3 +0 +0 +0 +3'
expect_in "Minsk: the formations' incidents under their side" out '^2015-02-15 ORDLO +1 '
printf '%s\n' '{"id":"w","source":"monitor:osce","time":"2015-03-20T10:00:00Z","kind":"weapon.seen","actor":"UA","at":[37.45,47.75],"weapon":"howitzer","calibre":152}' > "$tmp/bad-detail.jsonl"
expect_code "a report with a word not in the detail's list" 4 check "$MINSK" "$tmp/bad-detail.jsonl"
expect_in "the rejection names the detail" err "bad-detail.jsonl:1: rejected: detail 'weapon': unknown word 'howitzer'"
# Warnings (legal, but no effect) print as FILE:LINE:COLUMN: warning: and exit 0.
printf '%s\n' 'agreement w "W"' 'party A "Alpha"' 'kind strike needs actor' 'kind spare  needs actor' \
    'point 1' '  forbid A strike' > "$tmp/warn.truce"
expect_code "lint with only warnings" 0 lint "$tmp/warn.truce"
expect_in "lint: unused kind is a warning at FILE:LINE:COLUMN" err "^$tmp/warn.truce:4:6: warning: kind spare is used by no rule, event or assessment"
expect_in "lint: the summary counts the warnings" out "^$tmp/warn.truce: ok: .*; 1 warning$"
expect_code "check does not print lint warnings" 0 check "$tmp/warn.truce" /dev/null
if grep -q warning "$tmp/err"; then fail "check does not print lint warnings"; else ok "check prints no lint warning"; fi
# Errors: constructs with no effect, and near misses with the nearest name.
printf '%s\n' 'agreement w "W"' 'party A "Alpha"' 'party any "Anyone"' 'kind strike needs actor' 'kind signed' \
    'event signature = strike by A' 'event sealed = signed by A' 'point 1' '  forbid A strike by 2026-06-30' '  forbd A strike' \
    '  require A strike from signatur' '  require A strike by 2015-02-30' > "$tmp/noeffect.truce"
expect_code "lint constructs with no effect" 3 lint "$tmp/noeffect.truce" "$tmp/warn.truce"
expect_in "lint: party any" err "^$tmp/noeffect.truce:3:7: error: 'any' cannot be a party code"
expect_in "lint: event by PARTY on a kind without actor" err "^$tmp/noeffect.truce:7:23: error: event sealed: .by PARTY. reads field 'actor'"
expect_in "lint: a deadline on a prohibition" err "^$tmp/noeffect.truce:9:19: error: .by. sets a deadline, but a forbid rule has none"
expect_in "lint: did you mean a keyword" err "^$tmp/noeffect.truce:10:3: error: unknown statement 'forbd' \\(did you mean 'forbid'\\?\\)$"
expect_in "lint: did you mean a name" err "^$tmp/noeffect.truce:11:25: error: unknown event 'signatur' \\(did you mean 'signature'\\?\\)$"
expect_in "lint: a bad date says what is wrong" err "^$tmp/noeffect.truce:12:23: error: 2015-02-30: February 2015 has 28 days$"
expect_in "lint: the other file is still checked" out "^$tmp/warn.truce: ok:"
expect_code "check with a broken agreement" 3 check "$BROKEN" "$SAMPLE"

# -------------------------------------------------------------------- check
expect_code "check the sample (findings)" 1 check --as-of 2026-04-20T00:00:00Z "$PLAN" "$SAMPLE"
expect_in "board row 10c" out '^10c +Russian invasion of Ukraine +\. +VIOLATED'
expect_in "board row 21d" out '^21d +Donetsk buffer zone +in effect +VIOLATED'
expect_in "summary line" err '^truce: 35 reports read from 1 file: 32 accepted, 3 without bearing on any rule, 0 duplicates, 0 conflicting, 0 rejected$'

expect_code "check --json" 1 check --json "$PLAN" "$SAMPLE"
cp "$tmp/out" "$tmp/rulings.jsonl"
if jq -e . "$tmp/rulings.jsonl" > /dev/null 2>&1 && [ "$(wc -l < "$tmp/rulings.jsonl")" -eq 52 ]; then
    ok "--json is JSON Lines, one ruling per point and party"
else
    fail "--json is JSON Lines" "$(wc -l < "$tmp/rulings.jsonl") lines"
fi
fields='["point","party","status","since","standing","evidence","consequences","why"]'
extensions='["score","evidence_count","counts","first","last","confirmed_by","disputed_by","contested_by","late_by","respected_since"]'
bad=$(jq -c --argjson f "$fields" --argjson x "$extensions" 'select((keys - $f - $x) != [] or ($f - keys) != [])' "$tmp/rulings.jsonl" | head -1)
if [ -z "$bad" ]; then ok "--json has exactly the spec's fields (+ the documented extensions)"; else fail "--json fields" "$bad"; fi
bad=$(jq -c 'select((.point|type) != "string" or (.evidence|type) != "array" or (.consequences|type) != "array"
                    or (.since != null and (.since|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")|not))
                    or (.standing|IN("confirmed","claimed","alleged","disputed","none")|not)
                    or (.evidence_count|type) != "number" or .evidence_count < (.evidence|length))' "$tmp/rulings.jsonl" | head -1)
if [ -z "$bad" ]; then ok "--json field types"; else fail "--json field types" "$bad"; fi
expect_ruling "--json ruling 10c RU" 10c RU '.status == "violated" and .standing == "confirmed" and (.consequences | index(["sanctions:reinstated"]))'

# ------------------------------------------------------------ rejected lines
{
    head -3 "$SAMPLE"
    echo 'not json'
    echo '{"id":"x","source":"council","time":"2026-02-30T00:00:00Z","kind":"agreement.signed"}'
    sed -n 4,10p "$SAMPLE"
    echo '{"id":"y","source":"party:XX","time":"2026-02-01T00:00:00Z","kind":"agreement.signed"}'
    grep '"id":"osce-0009"' "$SAMPLE"   # a confirmed Russian offensive: a finding
} > "$tmp/bad.jsonl"
expect_code "check with rejected lines (still findings)" 1 check --json "$PLAN" "$tmp/bad.jsonl"
expect_in "rejected line 4" err "^$tmp/bad.jsonl:4: rejected: not a JSON object"
expect_in "rejected line 5" err "^$tmp/bad.jsonl:5: rejected: field 'time' is not an RFC 3339 time: 2026-02-30: February 2026 has 28 days$"
expect_in "rejected line 13" err "^$tmp/bad.jsonl:13: rejected: field 'source': unknown source"
expect_in "summary counts rejected lines" err '14 reports read from 1 file: .* 3 rejected$'
if [ "$(wc -l < "$tmp/out")" -eq 52 ]; then ok "rulings printed despite rejected lines"; else fail "rulings printed despite rejected lines"; fi
expect_code "--quiet hides rejected lines" 1 check --quiet "$PLAN" "$tmp/bad.jsonl"
if grep -q rejected: "$tmp/err"; then fail "--quiet hides rejected lines"; else ok "--quiet prints no rejected: lines"; fi
{ head -1 "$SAMPLE"; echo 'not json'; } > "$tmp/rejects-only.jsonl"
expect_code "rejected lines without findings" 4 check "$PLAN" "$tmp/rejects-only.jsonl"
head -1 "$SAMPLE" > "$tmp/clean.jsonl"
expect_code "no findings" 0 check "$PLAN" "$tmp/clean.jsonl"
expect_code "missing reports file" 3 check "$PLAN" "$tmp/none.jsonl"
expect_in "missing reports file: message" err "cannot read $tmp/none.jsonl"

# ------------------------------------------------------------------ explain
expect_code "--explain 21d" 1 check --explain 21d "$PLAN" "$SAMPLE"
expect_in "--explain shows the rule" out 'forbid RU forces.present in buffer-zone from signature'
expect_in "--explain shows the event" out "takes effect: event 'withdrawal' at 2026-02-01T18:00:00Z \(monitor:osce/osce-0004\)"
expect_in "--explain shows the evidence" out 'party:UA/ua-0202'
expect_code "--explain an unknown point" 2 check --explain NOPE "$PLAN" "$SAMPLE"
expect_in "--explain an unknown point: message" err "no point 'NOPE'"

# ------------------------------------------------------------------- as-of
expect_code "--as-of before the signature" 0 check --json --as-of 2026-01-01 "$PLAN" "$SAMPLE"
bad=$(jq -c 'select(.status != "pending" and .status != "declaratory" and .point != "27")' "$tmp/out" | head -1)
if [ -z "$bad" ]; then ok "--as-of before the signature: all pending"; else fail "--as-of before the signature" "$bad"; fi
expect_code "--as-of day 99 (25 not yet overdue)" 1 check --json --as-of 2026-04-14T10:00:00Z "$PLAN" "$SAMPLE"
expect_ruling "25 in effect on day 99" 25 UA '.status == "in_effect"'
expect_in "--as-of: the summary counts the reports it ignores" err '^truce: 1 report dated after --as-of 2026-04-14T10:00:00Z is ignored$'
expect_code "--as-of before the first report" 0 check --json --as-of 2026-01-01 "$PLAN" "$SAMPLE"
expect_in "--as-of before every report: all are ignored" err '^truce: 35 reports dated after --as-of 2026-01-01T00:00:00Z are ignored$'
run check --json "$PLAN" "$SAMPLE"
if grep -q 'after --as-of' "$tmp/err"; then fail "no --as-of, no count of ignored reports"; else ok "no --as-of: the default clock ignores nothing"; fi

# -------------------------------------------------------- stdin, duplicates
STDIN=$SAMPLE expect_code "reports from stdin (-)" 1 check --json "$PLAN" -
if cmp -s "$tmp/out" "$tmp/rulings.jsonl"; then ok "stdin gives the same rulings as the file"; else fail "stdin gives the same rulings"; fi
expect_code "the sample twice" 1 check --json "$PLAN" "$SAMPLE" "$SAMPLE"
expect_in "summary counts duplicates" err '70 reports read from 2 files: 32 accepted, 6 without bearing on any rule, 32 duplicates, 0 conflicting, 0 rejected'
if cmp -s "$tmp/out" "$tmp/rulings.jsonl"; then ok "duplicates change no ruling"; else fail "duplicates change no ruling"; fi
{ cat "$SAMPLE"; sed -n 16p "$SAMPLE" | sed 's/"value":6000/"value":5000/'; } > "$tmp/conflict.jsonl"
expect_code "a conflicting duplicate" 1 check --json "$PLAN" "$tmp/conflict.jsonl"
expect_in "conflict warning" err "conflict.jsonl:36: warning: monitor:humanitarian/hc-0005 was already reported with other content"
expect_in "summary counts the conflict" err '1 conflicting'

# --------------------------------------------------------------- history
expect_code "check --history" 1 check --history "$PLAN" "$SAMPLE"
expect_in "history: 10c RU went from in effect to violated" out '^10c +RU +2026-01-05T10:00:00Z in_effect \(none\) -> 2026-03-03T04:00:00Z violated \(confirmed\)'
expect_code "check --json --history" 1 check --json --history "$PLAN" "$SAMPLE"
expect_ruling "--json --history: 13 RU in effect, then void" 13 RU '[.history[].status] == ["in_effect","void"]'

# -------------------------------------------------------------- incidents
CEASEFIRE=$here/data/agreements/ceasefire.truce
cat > "$tmp/shelling.jsonl" <<'REPORTS'
{"id":"sig","source":"council","time":"2026-01-01T00:00:00Z","kind":"agreement.signed"}
{"id":"m1","source":"monitor:m","time":"2026-01-04T10:00:00Z","kind":"shelling","at":[30.3,50.3]}
{"id":"m2","source":"monitor:m","time":"2026-01-04T17:29:00Z","kind":"shelling","at":[30.3,50.3]}
{"id":"m3","source":"monitor:m","time":"2026-01-04T17:30:00Z","kind":"shelling","at":[30.3,50.3]}
{"id":"m4","source":"monitor:m","time":"2026-01-05T09:00:00Z","kind":"shelling","actor":"A","at":[30.3,50.3]}
{"id":"a1","source":"party:B","time":"2026-01-05T10:00:00Z","kind":"shelling","actor":"A","at":[30.4,50.4]}
REPORTS
expect_code "incidents (JSON Lines)" 0 incidents "$CEASEFIRE" "$tmp/shelling.jsonl"
if [ "$(wc -l < "$tmp/out")" -eq 5 ] && jq -e . "$tmp/out" > /dev/null 2>&1; then ok "incidents: one JSON line per incident"; else fail "incidents: one JSON line per incident" "$(wc -l < "$tmp/out") lines"; fi
expect_in "incidents: unattributed observation" out '"party":"unattributed","standing":"confirmed","role":"observation"'
expect_in "incidents: an allegation says so" out '"report":"party:B/a1".*' 
expect_code "incidents --party A --standing alleged" 0 incidents --party A --standing alleged "$CEASEFIRE" "$tmp/shelling.jsonl"
if [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q '"party:B/a1"' "$tmp/out"; then ok "incidents: filters by party and standing"; else fail "incidents: filters" "$(cat "$tmp/out")"; fi
expect_code "incidents --format csv" 0 incidents --format csv "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_in "csv header" out '^time,point,rule_line,party,standing,role,counted,report,kind,confirmed_by,disputed_by,contested_by,lon,lat,value,zones'
if [ "$(wc -l < "$tmp/out")" -eq 6 ]; then ok "csv: a row per incident"; else fail "csv: a row per incident"; fi
expect_code "incidents --format geojson" 0 incidents --format geojson "$CEASEFIRE" "$tmp/shelling.jsonl"
if jq -e '.type == "FeatureCollection" and (.features | length) == 5 and .features[0].geometry.type == "Point"' "$tmp/out" > /dev/null; then ok "geojson: a FeatureCollection of points"; else fail "geojson"; fi
# The mission's day ends at 19:30 Kyiv time (17:30 UTC in winter): m2 (17:29Z)
# belongs to Jan 4, m3 (17:30Z) to Jan 5.
expect_code "incidents --daily --day-ends" 0 incidents --daily --by party --day-ends 19:30+02:00 --format csv "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_in "daily: Jan 4 has the two before the cut-off" out '^2026-01-04,unattributed,2,0,0,0,2'
expect_in "daily: Jan 5 has the one after it" out '^2026-01-05,unattributed,1,0,0,0,1'
expect_in "daily: A on Jan 5, confirmed and alleged" out '^2026-01-05,A,1,0,1,0,2'
expect_code "incidents --daily (calendar days)" 0 incidents --daily --format jsonl "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_in "daily: calendar days in UTC" out '^\{"day":"2026-01-04","confirmed":3,"claimed":0,"alleged":0,"disputed":0,"total":3\}'
expect_code "incidents: bad --day-ends" 2 incidents --daily --day-ends 25:00 "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_code "incidents: unknown point" 2 incidents --point 99 "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_code "incidents: --by without --daily" 2 incidents --by zone "$CEASEFIRE" "$tmp/shelling.jsonl"
expect_code "incidents on the sample" 0 incidents --point 10c "$PLAN" "$SAMPLE"
expect_in "incidents: zones of an incident" out '"zones":\["ukraine","ukraine-held"\]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
