#!/usr/bin/env bash
# Soak of the embedded store's kill test: hundreds of SIGKILL rounds against one data folder.
# Usage: tests/crash-soak.sh [rounds]   (default 500; the normal test suite runs 20)
set -euo pipefail
cd "$(dirname "$0")/.."
export TESSERA_CRASH_ROUNDS="${1:-500}"
dotnet build tests/Tessera.Storage.Embedded.Tests -c Release
dotnet test tests/Tessera.Storage.Embedded.Tests -c Release --no-build \
  --filter "FullyQualifiedName~ProcessKillTests" --logger "console;verbosity=normal"
