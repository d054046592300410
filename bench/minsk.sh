#!/usr/bin/env bash
# minsk.sh: the Minsk II plan's figures for the README: the start-up cost of
# `truce check` on plans/minsk-2015 (loading the plan: two line versions, nine
# buffers and their combinations computed with GEOS, grids built) and the check
# rate on a 1M-report illustrative stream (bench/minsk_generate.py), on one
# core. Environment: SIZE (default 1000000), RUNS (default 5; medians).
set -euo pipefail
cd "$(dirname "$0")/.."
PLAN=plans/minsk-2015/plan.truce
OUT=bench/out
SIZE=${SIZE:-1000000}
RUNS=${RUNS:-5}
PIN=(taskset -c 0)
mkdir -p "$OUT"
make --no-print-directory all >/dev/null
file=$OUT/minsk-$SIZE.jsonl
if [[ ! -f $file || bench/minsk_generate.py -nt $file ]]; then
  echo "generating $file ..." >&2
  python3 bench/minsk_generate.py "$SIZE" 1 > "$file.tmp" && mv "$file.tmp" "$file"
fi
summary=$({ ./build/truce check --json "$PLAN" "$file" 2>&1 >/dev/null || true; } | tail -n 1)
echo "$summary" >&2
[[ $summary == *" 0 rejected"* ]] || { echo "minsk.sh: rejected lines" >&2; exit 1; }

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# Start-up: the whole check on an empty stream.
startup=$(for _ in $(seq "$RUNS"); do
  /usr/bin/time -f "%e" "${PIN[@]}" ./build/truce check --json "$PLAN" /dev/null 2>&1 >/dev/null | tail -n 1
done | median)
startup_rss=$( { /usr/bin/time -f "%M" ./build/truce check --json "$PLAN" /dev/null >/dev/null; } 2>&1 | tail -n 1)
wall=$(for _ in $(seq "$RUNS"); do
  { /usr/bin/time -f "%e" "${PIN[@]}" ./build/truce check --json "$PLAN" "$file" >/dev/null 2>/dev/null || true; } 2>&1 | tail -n 1
done | median)
rss=$( { /usr/bin/time -f "%M" ./build/truce check --json "$PLAN" "$file" >/dev/null 2>/dev/null || true; } 2>&1 | tail -n 1)
echo "| plan | start-up (empty stream) | $SIZE reports | rate | peak memory |"
echo "|---|---|---|---|---|"
awk -v s="$startup" -v w="$wall" -v n="$SIZE" -v r="$rss" -v sr="$startup_rss" 'BEGIN {
  printf "| minsk-2015 | %.0f ms (%.0f MB) | %.2f s | %.2fM reports/s | %.0f MB |\n", s * 1000, sr / 1024, w, n / w / 1e6, r / 1024 }'
