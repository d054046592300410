#!/bin/bash
# run.sh TARGET [SECONDS]: builds fuzz/TARGET_fuzz.c (report, agreement or geojson) with
# clang's libFuzzer, ASan and UBSan against the library sources, seeds a corpus
# (sample report lines, or the bundled agreements), and fuzzes for SECONDS
# (default 300). Crashes are written to fuzz/out/TARGET/crash-*.
set -euo pipefail
target=${1:?usage: fuzz/run.sh report|agreement|geojson|note|witness [SECONDS]}
seconds=${2:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=fuzz/out/$target
mkdir -p "$out/corpus"
sources=$(ls src/base/*.c src/agreement/*.c src/geo/*.c src/report/*.c)
packages="geos libsodium"
if [ "$target" = note ] || [ "$target" = witness ]; then   # the C2SP parsers: the ledger, tlog and witness code
    sources="$sources $(ls src/ledger/*.c src/tlog/*.c src/witness/witness.c)"
    packages="$packages sqlite3"
fi
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -Isrc $(pkg-config --cflags $packages)"
clang $flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    "fuzz/${target}_fuzz.c" $sources $(pkg-config --libs $packages) -lgeos_c -lm -o "$out/fuzzer"
seed() {  # one corpus file per seed, named by its hash
    local data=$1
    printf '%s' "$data" > "$out/corpus/seed-$(printf '%s' "$data" | sha1sum | cut -c1-12)"
}
if [ "$target" = geojson ]; then
    for f in plans/ukraine-2025-11/zones/buffer-zone.geojson plans/ukraine-2025-11/zones/occupied.geojson tests/data/geo/*; do
        cp "$f" "$out/corpus/"
    done
elif [ "$target" = report ]; then
    while IFS= read -r line; do seed "$line"; done < plans/ukraine-2025-11/reports/sample.jsonl
    seed "$(cat plans/ukraine-2025-11/reports/sample.jsonl)"
elif [ "$target" = note ]; then
    for f in tests/data/vectors/tessera-log/testdata/log/checkpoint*; do cp "$f" "$out/corpus/"; done
    seed "$(sed -n 's/^export LOG_PUBLIC_KEY="\(.*\)"$/\1/p' tests/data/vectors/tessera-log/testdata/build_log.sh)"
    seed "$(printf 'log a+00000000+AQ==\nwitness W b+00000000+BA==\ngroup g any W\nquorum g\n')"
    seed "0/x001/234.p/17"
elif [ "$target" = witness ]; then
    seed "$(printf 'old 0\n\n'; cat tests/data/vectors/tessera-log/testdata/log/checkpoint.3)"
    seed "$(printf 'old 2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n'; cat tests/data/vectors/tessera-log/testdata/log/checkpoint.5)"
else
    # Zone files make a run slow (GEOS validates every polygon), so the plan's
    # seed draws its places as circles; the fuzzer can still find `file`.
    seed "$(sed -E 's/file "[^"]*"/at 30, 50 radius 100 km/' plans/ukraine-2025-11/plan.truce)"
    for f in tests/data/agreements/*.truce; do cp "$f" "$out/corpus/"; done
fi
"$out/fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="$out/" "$out/corpus" 2>&1 | tail -n 25
