#!/usr/bin/env bash
# Prints Knative Serving's CustomResourceDefinitions, for `kubectl apply --server-side -f -`, so the
# Knative overlay of kustomize/ can be dry-run against the local control plane. They come from the
# knative.dev/serving Go module (config/core/300-resources/), the one source of Knative reachable here,
# cached in the Go module cache.
# Usage: test/cluster/knative-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

MODULE=knative.dev/serving
VERSION="${1:-v0.51.0}"
log() { echo "[knative-crds] $*" >&2; }
fail() { log "$*"; exit 1; }

command -v go >/dev/null || fail "go is required: the CRDs come from the Go module proxy ($MODULE@$VERSION)"
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! info="$(cd "$work" && go mod download -json "$MODULE@$VERSION" 2>&1)"; then
  fail "could not download $MODULE@$VERSION from the Go module proxy ($(go env GOPROXY)):
$info"
fi
dir="$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info")"
crds=("$dir"/config/core/300-resources/*.yaml)
[[ -f "${crds[0]}" ]] || fail "no config/core/300-resources/*.yaml in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"
for file in "${crds[@]}"; do
  echo '---'
  cat "$file"
done
