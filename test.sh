#!/usr/bin/env bash
# Restores, builds and runs every test of the solution; installs and starts what the tests need first.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Servers and tools some tests start themselves (PostgreSQL 15, NATS with JetStream, Chromium).
# Only the binaries are needed: tests run throwaway instances on 127.0.0.1 and stop them.
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
command -v nats-server >/dev/null || need+=(nats-server)
command -v chromium >/dev/null || need+=(chromium)
command -v runuser >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
# The Debian package starts a cluster on port 5432; the tests do not use it.
service postgresql stop >/dev/null 2>&1 || true

dotnet restore Tessera.slnx
dotnet build Tessera.slnx -c Release --no-restore
dotnet format Tessera.slnx --verify-no-changes --no-restore
dotnet test Tessera.slnx -c Release --no-build
