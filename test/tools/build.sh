#!/usr/bin/env bash
# Builds one of the Go test tools here (test/tools/NAME: its own go.mod) into the user cache, once per
# source version, and prints the binary's path. Needs Go and the Go module proxy.
#   health-lua    Argo CD's Lua health-check runner (argocd-cm health checks)
#   promql-check  Prometheus' PromQL parser (the alert rules and dashboard queries)
# Usage: test/tools/build.sh NAME
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="${1:?usage: test/tools/build.sh NAME}"
src="$HERE/$name"
[[ -f "$src/go.mod" ]] || { echo "[tools] no Go tool $name in $HERE" >&2; exit 1; }
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/redis-replication-webhook"
hash="$(cat "$src"/*.go "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-12)"
bin="$CACHE/$name-$hash"
if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || { echo "[tools] go is required to build $name" >&2; exit 1; }
  mkdir -p "$CACHE"
  echo "[tools] building $name (once per version of its source)" >&2
  (cd "$src" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
