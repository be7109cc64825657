#!/usr/bin/env bash
# HTTP load on the Shop host's `all` role with wrk (Debian package): accepted commands/s and cached queries/s with p50/p99.
# Usage: bench/http/run.sh [seconds] [connections] [commands|queries|both]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
connections=${2:-64}
mode=${3:-both}
port=5180
key="tsk_load_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
hash="sha256:$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
data=$(mktemp -d)

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && sudo apt-get install -y wrk || apt-get install -y wrk; }
dotnet build samples/Shop.Host -c Release -v q -nologo >/dev/null

export Tessera__Api__Keys__0__Name=load Tessera__Api__Keys__0__Hash="$hash" Tessera__Api__Keys__0__User=load
export Tessera__Api__Keys__0__Scopes__0=write Tessera__Api__Keys__0__Scopes__1=read
export Tessera__Api__Keys__0__Roles__0=staff Tessera__Api__Keys__0__RequestsPerSecond=10000000
export Tessera__EmbeddedStore__DataFolder="$data/events" Tessera__ReadModels__DataFolder="$data/read-models" Logging__LogLevel__Default=Warning
dotnet samples/Shop.Host/bin/Release/net10.0/Shop.Host.dll --urls "http://127.0.0.1:$port" >"$data/host.log" 2>&1 &
host=$!
trap 'kill $host 2>/dev/null; wait $host 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.2; done

if [ "$mode" != queries ]; then
  echo "== warm-up"
  wrk -t2 -c"$connections" -d5s -s bench/http/place-order.lua -H "X-Api-Key: $key" -H "Content-Type: application/json" "http://127.0.0.1:$port" >/dev/null
  echo "== shop.place-order, $connections connections, ${seconds}s"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/http/place-order.lua -H "X-Api-Key: $key" -H "Content-Type: application/json" "http://127.0.0.1:$port"
fi
if [ "$mode" != commands ]; then
  # One order, read again and again: after the first answer the Read API serves it from the local query cache.
  order=$(cat /proc/sys/kernel/random/uuid) category=$(cat /proc/sys/kernel/random/uuid) product=$(cat /proc/sys/kernel/random/uuid)
  send() { curl -fs -X POST "http://127.0.0.1:$port/commands/$1" -H "X-Api-Key: $key" -H "Content-Type: application/json" -d "$2" | sed 's/.*"position":\([0-9]*\).*/\1/'; }
  send shop.add-category "{\"id\":\"$category\",\"name\":\"Bench $category\"}" >/dev/null
  send shop.add-product "{\"id\":\"$product\",\"categoryId\":\"$category\",\"name\":\"P\",\"price\":5}" >/dev/null
  position=$(send shop.place-order "{\"id\":\"$order\",\"customerId\":\"bench\",\"customerName\":\"Bench\",\"lines\":[{\"productId\":\"$product\",\"productName\":\"P\",\"quantity\":1,\"unitPrice\":5}]}")
  echo "order placed at position ${position:?the order was not accepted}"
  # The projections may still be catching up with the command load above: wait (up to 10 minutes) for the order.
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/queries/shop.get-order-summary?id=$order&minPosition=$position" -H "X-Api-Key: $key" >/dev/null && break
  done
  url="http://127.0.0.1:$port/queries/shop.get-order-summary?id=$order"
  curl -s -o /dev/null -w "first answer: %{http_code}\n" -H "X-Api-Key: $key" "$url"
  wrk -t2 -c"$connections" -d5s -H "X-Api-Key: $key" "$url" >/dev/null
  echo "== GET shop.get-order-summary (cached), $connections connections, ${seconds}s"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "X-Api-Key: $key" "$url"
fi
