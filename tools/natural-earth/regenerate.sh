#!/usr/bin/env bash
# Regenerates plans/ukraine-2025-11/zones/{ukraine,russia,poland}.geojson from
# Natural Earth 1:50m (public domain) as packaged by world-atlas 2.0.2 (ISC),
# installing the pinned npm packages into a temporary folder (needs node + npm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../../plans/ukraine-2025-11/zones}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/extract-countries.js" "$work/"
(cd "$work" && npm install --no-audit --no-fund --no-package-lock --silent >/dev/null)
mkdir -p "$out"
node "$work/extract-countries.js" "$work/node_modules/world-atlas/countries-50m.json" "$out"
