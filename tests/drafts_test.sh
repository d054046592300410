#!/bin/bash
# drafts_test: `truce diff` on every bundled pair of drafts of the Ukraine
# framework (a renumbered point, a changed zone, a changed consequence, a point
# turned declaratory), its JSON form and exit codes, and mismatched or broken
# drafts answered with clear errors. Ends with "N passed, M failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
TRUCE=${TRUCE:-$root/build/truce}
DIR=$root/plans/ukraine-2025-11
US=$DIR/plan.truce E3=$DIR/e3.truce P20=$DIR/20-points.truce
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
run() {
    "$TRUCE" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
    code=$?
}
expect_code() {
    local name=$1 want=$2
    shift 2
    run "$@"
    if [ "$code" = "$want" ]; then ok "$name (exit $want)"; else fail "$name" "exit $code, expected $want"; fi
}
expect_in() {
    if grep -Eq -- "$3" "$tmp/$2"; then ok "$1"; else fail "$1" "no /$3/ in std$2"; fi
}
expect_not_in() {
    if grep -Eq -- "$3" "$tmp/$2"; then fail "$1" "/$3/ in std$2"; else ok "$1"; fi
}
# expect_json NAME JQ-TEST: some change of the JSON in stdout passes the test.
expect_json() {
    if jq -s -e "any(.[]; $2)" "$tmp/out" > /dev/null 2>&1; then ok "$1"; else fail "$1" "no change with $2"; fi
}

# ------------------------------------------------------------ usage, same
expect_code "diff --help" 0 diff --help
expect_in "diff --help: synopsis" out '^usage: truce diff'
expect_code "diff with one file" 2 diff "$US"
expect_code "a draft against itself" 0 diff "$US" "$US"
if [ ! -s "$tmp/out" ]; then ok "a draft against itself: nothing printed"; else fail "a draft against itself: nothing printed"; fi

# ------------------------------------------------------- 28 points -> E3
expect_code "28 points -> E3" 1 diff --color never "$US" "$E3"
expect_in "E3: army cap raised" out '^  bound: at most 600000 -> at most 800000$'
expect_in "E3: word diff of the army cap" out '\[-600,000 personnel\.-\] \{\+800,000 personnel in peacetime\.\+\}'
expect_in "E3: point 3 removed" out '^point 3 "No invasion, no NATO expansion" \(old draft\)$'
expect_in "E3: point 8 turned declaratory" out "^  became declaratory: 'permanently' and 'in peacetime' are not defined"
expect_in "E3: the buffer zone becomes all Ukrainian-held territory, with its area" out \
    '^  zone: in buffer-zone -> in ukraine-held \(zone gains 4[0-9]{5} km², loses 0 km²\)$'
expect_in "E3: 10c no longer voids the recognition of 21a" out '^  consequence removed: on violation by RU: void 21a for RU$'
expect_in "E3: the withdrawal obligation is gone" out '^  rule removed: require UA withdrawal.completed target buffer-zone'
expect_code "28 points -> E3, JSON" 1 diff --json "$US" "$E3"
expect_json "JSON: the bound, old and new" '.change == "rule.changed" and .old_point == "6" and .field == "bound" and .old == "at most 600000" and .new == "at most 800000"'
expect_json "JSON: the zone with km² gained and lost" '.change == "rule.changed" and .field == "zone" and .km2_gained > 400000 and .km2_lost == 0'
expect_json "JSON: a removed point" '.change == "point.removed" and .old_point == "3" and .new_point == null'
expect_json "JSON: a changed consequence" '.change == "consequence.removed" and .old_point == "10c" and .old == "on violation by RU: consequence recognition:revoked"'
expect_json "JSON: a point turned declaratory" '.change == "became.declaratory" and .new_point == "7"'
if jq -e . "$tmp/out" > /dev/null 2>&1; then ok "JSON: every line parses"; else fail "JSON: every line parses"; fi

# ------------------------------------------------ 28 points -> 20 points
expect_code "28 points -> 20 points" 1 diff --json "$US" "$P20"
expect_json "20 points: 6 renumbered 4" '.change == "point.renumbered" and .old_point == "6" and .new_point == "4"'
expect_json "20 points: the cap in the renumbered point" '.change == "rule.changed" and .new_point == "4" and .new == "at most 800000"'
expect_json "20 points: elections turned declaratory" '.change == "became.declaratory" and .old_point == "25" and .new_point == "18"'
expect_json "20 points: the old point 4 (dialogue) removed, not matched to the new 4" '.change == "point.removed" and .old_point == "4"'
expect_json "20 points: the amnesty dropped" '.change == "point.removed" and .old_point == "26"'
expect_json "20 points: the Zaporizhzhia split dropped" '.change == "rule.removed" and .old_point == "19" and (.rule | startswith("share power.delivered"))'
run diff --json "$US" "$P20"
if jq -s -e 'any(.[]; .old_point == "22" and (.change | startswith("consequence")))' "$tmp/out" > /dev/null 2>&1; then
    fail "20 points: voiding 5 and 10 renumbered to 3 and 5 is no change of consequence"
else ok "20 points: voiding 5 and 10 renumbered to 3 and 5 is no change of consequence"; fi

# ------------------------------------------------------ E3 -> 20 points
expect_code "E3 -> 20 points" 1 diff --json "$E3" "$P20"
expect_json "E3 -> 20: 8 (declaratory) removed" '.change == "point.removed" and .old_point == "8"'
expect_json "E3 -> 20: the cap is the same, only renumbered" '.change == "point.renumbered" and .old_point == "6" and .new_point == "4"'
run diff --json "$E3" "$P20"
if jq -s -e 'any(.[]; .new_point == "4" and .change == "rule.changed")' "$tmp/out" > /dev/null 2>&1; then
    fail "E3 -> 20: no rule change in the cap"; else ok "E3 -> 20: no rule change in the cap"; fi

# ------------------------------------------------------------ bad input
sed 's/^party NATO .*$//' "$DIR/common.truce" > "$tmp/common.truce"
cp "$DIR/keys.truce" "$tmp/" ; cp -r "$DIR/zones" "$tmp/"
sed -e 's/^include .*/include "common.truce"/' -e '/^point 7 /,/^$/d' -e '/^point 8 /,/^$/d' -e 's/^key party:NATO.*//' \
    "$US" > "$tmp/no-nato.truce"
grep -v 'party:NATO' "$DIR/keys.truce" > "$tmp/keys.truce"
expect_code "drafts with different parties" 2 diff "$US" "$tmp/no-nato.truce"
expect_in "different parties: a clear message" err 'declare different parties \(only the first has NATO\)'
printf 'agreement x "X"\ninclude "nowhere.truce"\n' > "$tmp/broken.truce"
printf 'agreement y "Y"\ninclude "common.truce"\npoint 1\n  limit UA nothing at most 3\n' > "$tmp/broken2.truce"
expect_code "drafts that do not lint" 3 diff "$tmp/broken.truce" "$tmp/broken2.truce"
expect_in "the first draft's lint error, with file:line:column" err "broken.truce:2:9: error: cannot read included file nowhere.truce"
expect_in "the second draft's lint error too" err "broken2.truce:4:12: error: unknown kind 'nothing'"

# ------------------------------------------- what-if: check --drafts
STREAM=$here/data/drafts/whatif.jsonl
expect_code "--drafts on the scenario stream" 1 check --drafts --as-of 2026-05-01 "$US" "$E3" "$P20" "$STREAM"
expect_in "700,000 under arms: violates 6 under the 28 points, within the cap under E3 and as 4 under the 20 points" out \
    '^6 +UA +violated +in_effect +in_effect \(as 4\)'
expect_in "a Russian unit near Kharkiv: violates E3's 21d only" out '^21d +RU +in_effect +violated +\(no such point\)'
expect_in "elections: overdue, overdue, declaratory under the 20 points" out '^25 +UA +overdue +overdue +declaratory \(as 18\)'
expect_in "the reason of each draft under its row" out '^ +e3.truce: in effect: latest personnel.strength 700000 .*within at most 800000'
expect_not_in "no row for a point all drafts rule on alike" out '^10c '
expect_not_in "no row for a dropped declaratory point" out '^3 '
expect_in "the stream is read once" err 'truce: 4 reports read once for 3 drafts, 1 rejected'
expect_in "a rejected line named with file:line" err 'whatif.jsonl:4: rejected:'
expect_code "--drafts --json" 1 check --drafts --json --quiet --as-of 2026-05-01 "$US" "$E3" "$P20" "$STREAM"
expect_json "JSON: one object per difference, a ruling per draft" \
    '.point == "6" and .party == "UA" and (.rulings | map(.status)) == ["violated","in_effect","in_effect"] and .rulings[2].point == "4"'
expect_json "JSON: a point a draft lacks is null" '.point == "21d" and .party == "RU" and .rulings[2].point == null and .rulings[2].status == null'
expect_code "--drafts, the same draft twice: no difference" 0 check --drafts "$US" "$US" "$STREAM" --quiet
expect_code "--drafts with one draft" 2 check --drafts "$US" "$STREAM"
expect_in "--drafts with one draft: why" err 'needs two drafts or more'
expect_code "--drafts without reports" 2 check --drafts "$US" "$E3"
expect_code "--drafts with different parties" 2 check --drafts "$US" "$tmp/no-nato.truce" "$STREAM"
expect_in "--drafts with different parties: why" err 'declare different parties'
expect_code "--drafts with a draft that does not lint" 3 check --drafts "$US" "$tmp/broken2.truce" "$STREAM"
expect_in "--drafts: the lint error with file:line:column" err "broken2.truce:4:12: error: unknown kind 'nothing'"

# Declarations in another order: reports are carried over by name, not index.
printf 'agreement a "A"\nparty UA "U"\nparty RU "R"\nmonitor monitor:m "M"\nkind note\nkind strike needs actor\npoint 1\n  forbid RU strike\n' > "$tmp/a.truce"
printf 'agreement b "B"\nparty RU "R"\nparty UA "U"\nmonitor monitor:m "M"\nkind strike needs actor\nkind note\npoint 1\n  forbid RU strike\n' > "$tmp/b.truce"
echo '{"id":"1","source":"monitor:m","time":"2026-01-01T00:00:00Z","kind":"strike","actor":"RU"}' > "$tmp/strike.jsonl"
expect_code "--drafts: parties and kinds declared in another order rule alike" 0 check --drafts "$tmp/a.truce" "$tmp/b.truce" "$tmp/strike.jsonl"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
