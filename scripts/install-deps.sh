#!/usr/bin/env bash
# Installs the Debian packages the tests and benchmarks need, if any is missing. Idempotent.
set -euo pipefail

packages=(redis-server redis-tools wabt clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 docker.io busybox-static
  chromium)  # chromium: the dashboard's browser tests (Playwright drives it; Playwright's own browser download is never used)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
