#!/usr/bin/env bash
# demo: builds truce, signs the bundled sample reports with the public demo
# keys into build/demo/log.db, prints the board, then serves it (truce serve).
#   tools/demo.sh                  the whole demo (LISTEN=127.0.0.1:8080 by default)
#   tools/demo.sh keys DIR         writes every demo key of the reference plan into DIR
#   tools/demo.sh sign DIR         signs JSON Lines from stdin with the keys in DIR, to stdout
#   PLAN_DIR=plans/minsk-2015 tools/demo.sh    the same on another bundled plan
# The demo keys come from public seeds, SHA-256("truce demo key <source>")
# (the plan's keys.truce): anyone can sign as anyone. Demo only.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PLAN_DIR=$(cd "$ROOT" && cd "${PLAN_DIR:-plans/ukraine-2025-11}" && pwd)
PLAN=$PLAN_DIR/plan.truce
SAMPLE=$PLAN_DIR/reports/sample.jsonl
TRUCE=${TRUCE:-$ROOT/build/truce}

key_file() { echo "$1/${2//:/-}.key"; }

write_keys() {
  mkdir -p "$1"
  local source seed
  for source in $(awk '$1 == "key" {print $2}' "$PLAN_DIR/keys.truce"); do
    [ -f "$(key_file "$1" "$source")" ] && continue
    seed=$(printf '%s' "truce demo key $source" | sha256sum | cut -c1-64)
    "$TRUCE" keygen --source "$source" --seed "$seed" --out "$(key_file "$1" "$source")" >/dev/null 2>&1
  done
}

# Signs line by line (keeping the order) with the key of each line's source.
sign_lines() {
  local line source
  while IFS= read -r line; do
    [ -z "${line//[[:space:]]/}" ] && continue
    source=$(printf '%s' "$line" | jq -r .source)
    printf "%s\n" "$line" | "$TRUCE" sign --key "$(key_file "$1" "$source")" - 2> >(grep -v "^signed " >&2)
  done
}

case "${1:-demo}" in
  keys) write_keys "$2"; exit 0 ;;
  sign) sign_lines "$2"; exit 0 ;;
  demo) ;;
  *) echo "usage: tools/demo.sh [keys DIR | sign DIR]" >&2; exit 2 ;;
esac

make -C "$ROOT" --no-print-directory all
OUT=$ROOT/build/demo
mkdir -p "$OUT"
write_keys "$OUT/keys"
sign_lines "$OUT/keys" < "$SAMPLE" > "$OUT/sample.signed.jsonl"
rm -f "$OUT/log.db" "$OUT/log.db-wal" "$OUT/log.db-shm" "$OUT/log.db.outbox"*
"$TRUCE" log append --log "$OUT/log.db" --agreement "$PLAN" --key "$(key_file "$OUT/keys" council)" \
  "$OUT/sample.signed.jsonl" | tail -1
"$TRUCE" check "$PLAN" "$OUT/sample.signed.jsonl" || true
LISTEN=${LISTEN:-127.0.0.1:8080}
echo
echo "Open http://$LISTEN/ (the board, live), /map, /timeline; the API is under /v1 (docs/server.md)."
echo "Post a report: signed with tools/demo.sh sign $OUT/keys, then curl --data-binary @FILE http://$LISTEN/v1/reports"
echo "Ctrl-C stops the server."
exec "$TRUCE" serve --agreement "$PLAN" --log "$OUT/log.db" --council-key "$(key_file "$OUT/keys" council)" --listen "$LISTEN"
