#!/usr/bin/env bash
# Restores, builds and runs every test of the solution; installs and starts what the tests need first.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet restore Tessera.slnx
dotnet build Tessera.slnx -c Release --no-restore
dotnet format Tessera.slnx --verify-no-changes --no-restore
dotnet test Tessera.slnx -c Release --no-build
