#!/usr/bin/env bash
# run.sh: the "truce check performance" benchmark. Builds truce and truce-gen,
# generates 1M and 10M report streams into bench/out/, times `truce check` on
# one core against the Python/Shapely buffer-zone baseline, prints Markdown.
#
# Environment: SIZES (default "1M 10M"), MIXES (default "realistic dense":
# about 1% or about a quarter of the reports bear on a rule), RUNS (truce runs per size, default 5;
# the median wall time is reported), SEED (default 1), PYTHON_LIMIT (seconds a
# Python run may be predicted to take before it is extrapolated, default 120).
set -euo pipefail
cd "$(dirname "$0")/.."

PLAN=plans/ukraine-2025-11/plan.truce
ZONES=plans/ukraine-2025-11/zones
OUT=bench/out
SIZES=${SIZES:-"1M 10M"}
MIXES=${MIXES:-"realistic dense"}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
PYTHON_LIMIT=${PYTHON_LIMIT:-120}
PYTHON=/usr/bin/python3   # Debian's, with python3-shapely (not the pyenv one)
PIN=(taskset -c 0)   # one core

count_of() { # 1M -> 1000000
    local n=${1%[kMG]}
    case $1 in *k) echo $((n * 1000)) ;; *M) echo $((n * 1000000)) ;; *G) echo $((n * 1000000000)) ;; *) echo "$n" ;; esac
}

# What a generated file depends on; a file is reused only if this matches.
fingerprint() {
    echo "count=$(count_of "$1") mix=$2 seed=$SEED $(cat bench/generate.c "$ZONES/line-of-contact.geojson" \
        "$ZONES/buffer-zone.geojson" | md5sum | cut -c1-16)"
}

# generate SIZE MIX: bench/out/reports-SIZE-MIX.jsonl
generate() {
    local size=$1 mix=$2 file=$OUT/reports-$1-$2.jsonl stamp=$OUT/reports-$1-$2.stamp
    if [[ -f $file && -f $stamp && $(cat "$stamp") == "$(fingerprint "$size" "$mix")" ]]; then
        echo "reusing $file ($(du -h "$file" | cut -f1))" >&2
        return
    fi
    echo "generating $file ..." >&2
    local started=$SECONDS
    ./build/truce-gen --count "$size" --mix "$mix" --seed "$SEED" > "$file.tmp"
    mv "$file.tmp" "$file"
    fingerprint "$size" "$mix" > "$stamp"
    echo "  $(du -h "$file" | cut -f1) in $((SECONDS - started)) s" >&2
}

# One unmeasured run (it also warms the page cache): every line must be accepted.
check_all_accepted() {
    local file=$1 summary
    summary=$({ ./build/truce check --json "$PLAN" "$file" 2>&1 >/dev/null || true; } | tail -n 1)
    echo "  $summary" >&2
    if [[ $summary != *" 0 rejected"* ]]; then
        echo "run.sh: $file has rejected lines" >&2
        exit 1
    fi
}

# Runs a command N times under /usr/bin/time; prints "median_wall min_wall
# median_cpu max_rss_kb" (seconds, seconds, seconds, KiB). The command's own
# exit status is ignored (truce check exits 1 when it finds violations).
measure() {
    local runs=$1 samples median=$((($1 + 1) / 2))
    shift
    samples=$(mktemp)
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%e %U %S %M" -o "$samples.one" "$@" > /dev/null 2>&1 || true
        tail -n 1 "$samples.one" >> "$samples"
    done
    echo "$(sort -n "$samples" | sed -n "${median}p" | cut -d' ' -f1)" \
         "$(sort -n "$samples" | head -n 1 | cut -d' ' -f1)" \
         "$(awk '{ print $2 + $3 }' "$samples" | sort -n | sed -n "${median}p")" \
         "$(awk '$4 > rss { rss = $4 } END { print rss }' "$samples")"
    rm -f "$samples" "$samples.one"
}

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
human_rate() { awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.2fM", r / 1e6; else printf "%.0fk", r / 1e3 }'; }

# Python/Shapely on one file: sets PY_RATE (reports/s) and PY_HOW (measured,
# or extrapolated from the previous size when a run would exceed PYTHON_LIMIT).
PY_RATE=
PY_HOW=
python_rate() {
    local size=$1 count file=$2 wall
    count=$(count_of "$size")
    if [[ -n $PY_RATE ]] && awk -v n="$count" -v r="$PY_RATE" -v l="$PYTHON_LIMIT" 'BEGIN { exit !(n / r > l) }'; then
        PY_HOW=extrapolated
        return
    fi
    echo "python baseline on $file ..." >&2
    read -r wall _ < <(measure 1 "${PIN[@]}" "$PYTHON" bench/zone_baseline.py "$file")
    PY_RATE=$(rate "$count" "$wall")
    PY_HOW=measured
}

print_machine() {
    echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')," \
         "$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); $(uname -sr)"
    echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
    echo "shapely $($PYTHON -c 'import shapely; print(shapely.__version__)'), $(${PYTHON} --version 2>&1)"
}

main() {
    make --no-print-directory build/truce build/truce-gen >&2
    mkdir -p "$OUT"
    local rows=() size mix count file wall min cpu rss truce_rate py kept
    for mix in $MIXES; do
        for size in $SIZES; do
            generate "$size" "$mix"
        done
    done
    print_machine
    for mix in $MIXES; do
    PY_RATE=
    for size in $SIZES; do
        count=$(count_of "$size")
        file=$OUT/reports-$size-$mix.jsonl
        echo "truce check on $file ($RUNS runs) ..." >&2
        check_all_accepted "$file"
        read -r wall min cpu rss < <(measure "$RUNS" "${PIN[@]}" ./build/truce check --json "$PLAN" "$file")
        truce_rate=$(rate "$count" "$wall")
        python_rate "$size" "$file"
        py="$(human_rate "$PY_RATE")/s"
        [[ $PY_HOW == extrapolated ]] && py="$py (extrapolated from the previous size)"
        kept=$(./build/truce check --json "$PLAN" "$file" 2>&1 >/dev/null | sed -n 's/.*: \([0-9]*\) accepted.*/\1/p' | tail -n 1)
        rows+=("| $size $mix | ${wall} s (best ${min} s) | $(human_rate "$truce_rate")/s | $(human_rate "$(rate "$count" "$cpu")")/s | $((rss / 1024)) MB | ${kept:-?} | $py | $(awk -v a="$truce_rate" -v b="$PY_RATE" 'BEGIN { printf "%.1fx", a / b }') |")
    done
    done
    echo
    echo "| input | truce wall (median of $RUNS) | truce reports/s | truce reports/s (CPU time) | truce peak RSS | incidents kept | Shapely reports/s | speed-up |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "targets: >= 25x the Shapely baseline on the realistic mix, >= 15x on the dense mix; bytes per kept"
    echo "incident = (peak RSS - the realistic mix's peak RSS) / (incidents kept - its incidents kept), roughly."
    echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
}

main "$@"
