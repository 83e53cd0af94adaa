#!/usr/bin/env bash
# Builds health-lua (Argo CD's Lua health-check runner, see health-lua/main.go) into the user cache,
# once per source version, and prints its path. Needs Go and the Go module proxy (gopher-lua).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/redis-replication-webhook"
hash="$(cat "$HERE/health-lua/main.go" "$HERE/health-lua/go.mod" "$HERE/health-lua/go.sum" | sha256sum | cut -c1-12)"
bin="$CACHE/health-lua-$hash"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || { echo "[health-lua] go is required to build the Argo CD health-check runner" >&2; exit 1; }
  mkdir -p "$CACHE"
  (cd "$HERE/health-lua" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
