#!/usr/bin/env bash
# Installs the Debian 12 packages truce needs to build and test, only if some
# are missing. Needs root (or sudo) the first time; a no-op afterwards.
set -euo pipefail
packages=(build-essential pkg-config libgeos-dev libsodium-dev libsqlite3-dev
          libmicrohttpd-dev libcurl4-openssl-dev libcmocka-dev python3 jq curl
          tzdata)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "truce: installing Debian packages: ${missing[*]}" >&2
run=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "truce: error: need root to install ${missing[*]}" >&2; exit 1; }
  run=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
