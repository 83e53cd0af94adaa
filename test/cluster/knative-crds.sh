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

source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
dir="$(go_module_dir "$MODULE" "$VERSION")"
crds=("$dir"/config/core/300-resources/*.yaml)
[[ -f "${crds[0]}" ]] || fail "no config/core/300-resources/*.yaml in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"
for file in "${crds[@]}"; do
  echo '---'
  cat "$file"
done
