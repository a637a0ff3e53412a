#!/usr/bin/env bash
# Runs Granary all in one process (role inabox): in-memory membership, directory, storage and streams;
# no external service needed. Extra arguments go to the silo (e.g. --Granary:Silo:Port=0).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project Silos/Granary.Silo -- --role inabox "$@"
