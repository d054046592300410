#!/usr/bin/env bash
# browser_test: runs tests/browser/dashboard.test.mjs (node --test, playwright-core
# driving Debian's chromium) against `truce serve`. Installs chromium (apt, as
# root) and the pinned npm packages (npm ci) when missing. Skipped under the
# sanitizer build, to keep CI time down.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export TRUCE=${TRUCE:-$ROOT/build/truce}
case "$TRUCE" in
  *build-asan*) echo "SKIP: browser test under the sanitizer build"; echo "0 passed, 0 failed"; exit 0 ;;
esac
skip() { echo "SKIP: $*"; echo "0 passed, 0 failed"; exit 0; }
fail_setup() { echo "error: $*"; echo "0 passed, 1 failed"; exit 1; }

if [ ! -x /usr/bin/chromium ]; then
  [ "$(id -u)" -eq 0 ] || skip "chromium is not installed (apt-get install -y chromium, as root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } \
    || fail_setup "cannot install chromium"
fi
command -v node >/dev/null && command -v npm >/dev/null || skip "node and npm are needed"
cd "$ROOT/tests/browser"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund >/dev/null 2>&1 || fail_setup "npm ci failed in tests/browser"
fi
output=$(node --test --test-reporter=tap dashboard.test.mjs 2>&1)
status=$?
echo "$output" | grep -E '^(not )?ok |^# (pass|fail)|Error|error' | head -40
pass=$(echo "$output" | sed -n 's/^# pass \([0-9]*\)/\1/p')
failed=$(echo "$output" | sed -n 's/^# fail \([0-9]*\)/\1/p')
echo "${pass:-0} passed, ${failed:-1} failed"
[ "$status" -eq 0 ]
