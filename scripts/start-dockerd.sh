#!/usr/bin/env bash
# Starts dockerd (no bridge, no iptables: containers use the host network on 127.0.0.1) unless one already
# answers on /var/run/docker.sock. Waits until the Engine API answers.
set -euo pipefail

if docker version >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "dockerd is not installed (scripts/install-deps.sh installs docker.io)" >&2
  exit 1
fi

log=${TMPDIR:-/tmp}/granary-dockerd.log
nohup dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker version >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "dockerd did not start; see $log" >&2
tail -n 20 "$log" >&2 || true
exit 1
