#!/usr/bin/env bash
# The compiled load generator the HTTP benches drive the server with: vegeta, open loop at a fixed
# offered rate, latency percentiles from the generator (so a Python client does not measure itself).
# Built once from the Go module proxy into bench/.bin; prints where it is. Installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"
VEGETA_VERSION=v12.13.0
bin="$PWD/.bin"
if [ -x "$bin/vegeta" ] && [ "$(cat "$bin/vegeta.version" 2>/dev/null)" = "$VEGETA_VERSION" ]; then
  echo "$bin/vegeta"; exit 0
fi
command -v go >/dev/null || { echo "bench/tools.sh: Go is needed to build vegeta (https://go.dev/dl/)" >&2; exit 1; }
mkdir -p "$bin"
echo "bench/tools.sh: building vegeta $VEGETA_VERSION from the Go module proxy (about a minute, once) ..." >&2
GOBIN="$bin" GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION" >&2
echo "$VEGETA_VERSION" > "$bin/vegeta.version"
echo "$bin/vegeta"
