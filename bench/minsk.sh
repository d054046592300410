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
measured=$OUT/minsk.time
# one run: "wall_seconds max_rss_kb cpu_seconds" of truce check on a stream,
# pinned to one core (CPU time too: on a shared machine the wall time says more
# about the neighbours than about truce)
measure() {
  /usr/bin/time -f "%e %M %U %S" -o "$measured" "${PIN[@]}" ./build/truce check --json "$PLAN" "$1" >/dev/null 2>&1 || true
  tail -n 1 "$measured"   # after "Command exited with non-zero status 1" (findings)
}
# Start-up: the whole check on an empty stream.
startup=$(for _ in $(seq "$RUNS"); do measure /dev/null | cut -d' ' -f1; done | median)
startup_cpu=$(for _ in $(seq "$RUNS"); do measure /dev/null | awk '{print $3 + $4}'; done | median)
startup_rss=$(measure /dev/null | cut -d' ' -f2)
wall=$(for _ in $(seq "$RUNS"); do measure "$file" | cut -d' ' -f1; done | median)
cpu=$(for _ in $(seq "$RUNS"); do measure "$file" | awk '{print $3 + $4}'; done | median)
rss=$(measure "$file" | cut -d' ' -f2)
echo "| plan | start-up, wall (CPU) | $SIZE reports, wall (CPU) | rate by wall (by CPU) | peak memory |"
echo "|---|---|---|---|---|"
awk -v s="$startup" -v sc="$startup_cpu" -v w="$wall" -v c="$cpu" -v n="$SIZE" -v r="$rss" 'BEGIN {
  printf "| minsk-2015 | %.0f ms (%.0f ms) | %.2f s (%.2f s) | %.2fM/s (%.2fM/s) | %.0f MB |\n", s * 1000, sc * 1000, w, c, n / w / 1e6, n / c / 1e6, r / 1024 }'
