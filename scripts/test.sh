#!/usr/bin/env bash
# Runs every test: installs what tests need (Debian packages), starts dockerd, builds, runs the xUnit suites.
# Tests that need Redis start their own redis-server on a free port. Ends with one line
# "N passed, N failed, N skipped" summing all test assemblies.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/start-dockerd.sh || echo "warning: dockerd unavailable; container tests will fail" >&2

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Orleans.sln -c Release -nologo -v q

results=$(mktemp -d)
status=0
# One test project at a time: cluster tests time failure detection, and two cores shared with the CPU-heavy
# WebAssembly suite would make them flaky.
for project in $(find Tests -name '*.Tests.csproj' | sort); do
  echo "== $project"
  dotnet test "$project" -c Release --no-build --nologo \
    --blame-hang --blame-hang-timeout 10m \
    --logger "trx" --results-directory "$results" "$@" || status=$?
done

# Sum the outcomes of every test assembly from the TRX files.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
