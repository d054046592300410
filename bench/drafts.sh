#!/usr/bin/env bash
# drafts.sh: what `truce check --drafts` saves. Times the three bundled drafts
# of the Ukraine framework on one stream of reports, as three separate
# `truce check` runs and as one `truce check --drafts` run (read and validate
# once), on one core; prints a Markdown table.
# Environment: SIZE (default 1M), MIX (default realistic), RUNS (default 3;
# the median is reported), SEED (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=plans/ukraine-2025-11
DRAFTS=("$DIR/plan.truce" "$DIR/e3.truce" "$DIR/20-points.truce")
SIZE=${SIZE:-1M}
MIX=${MIX:-realistic}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
OUT=bench/out
FILE=$OUT/reports-$SIZE-$MIX.jsonl
PIN=(taskset -c 0)

make --no-print-directory build/truce build/truce-gen >&2
mkdir -p "$OUT"
[[ -f $FILE ]] || ./build/truce-gen --count "$SIZE" --mix "$MIX" --seed "$SEED" > "$FILE"

# median_of N CMD...: the median wall and CPU seconds of N runs, "wall cpu".
median_of() {
    local runs=$1 samples
    shift
    samples=$(mktemp)
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%e %U %S" -o "$samples.one" "$@" > /dev/null 2>&1 || true
        tail -n 1 "$samples.one" | awk '{ print $1, $2 + $3 }' >> "$samples"  # after "Command exited with ..."
    done
    local wall cpu
    wall=$(cut -d' ' -f1 "$samples" | sort -n | sed -n "$(((runs + 1) / 2))p")
    cpu=$(cut -d' ' -f2 "$samples" | sort -n | sed -n "$(((runs + 1) / 2))p")
    rm -f "$samples" "$samples.one"
    echo "$wall $cpu"
}

separate_wall=0 separate_cpu=0
for draft in "${DRAFTS[@]}"; do
    read -r wall cpu < <(median_of "$RUNS" "${PIN[@]}" ./build/truce check --json --quiet "$draft" "$FILE")
    echo "  check $(basename "$draft"): ${wall} s wall, ${cpu} s CPU" >&2
    separate_wall=$(awk -v a="$separate_wall" -v b="$wall" 'BEGIN { print a + b }')
    separate_cpu=$(awk -v a="$separate_cpu" -v b="$cpu" 'BEGIN { print a + b }')
done
read -r drafts_wall drafts_cpu < <(median_of "$RUNS" "${PIN[@]}" ./build/truce check --drafts --json --quiet "${DRAFTS[@]}" "$FILE")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| $SIZE reports ($MIX), 3 drafts | wall (median of $RUNS) | CPU |"
echo "|---|---|---|"
echo "| three separate \`truce check\` runs | ${separate_wall} s | ${separate_cpu} s |"
echo "| one \`truce check --drafts\` run | ${drafts_wall} s | ${drafts_cpu} s |"
echo "| saved | $(awk -v a="$separate_wall" -v b="$drafts_wall" 'BEGIN { printf "%.0f%%", 100 * (a - b) / a }') | $(awk -v a="$separate_cpu" -v b="$drafts_cpu" 'BEGIN { printf "%.0f%%", 100 * (a - b) / a }') |"
