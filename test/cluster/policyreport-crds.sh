#!/usr/bin/env bash
# Prints the Policy WG's PolicyReport CustomResourceDefinitions (wgpolicyk8s.io), for
# `kubectl apply --server-side -f -`, so the audit can publish its reports to the local control plane.
# They come from the Kyverno Go module (config/crds/policyreport/), which ships and installs them by
# default, cached in the Go module cache.
# Usage: test/cluster/policyreport-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

MODULE=github.com/kyverno/kyverno
VERSION="${1:-v1.19.1}"
log() { echo "[policyreport-crds] $*" >&2; }
fail() { log "$*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
dir="$(go_module_dir "$MODULE" "$VERSION")"
crds=("$dir"/config/crds/policyreport/wgpolicyk8s.io_*.yaml)
[[ -f "${crds[0]}" ]] || fail "no config/crds/policyreport/wgpolicyk8s.io_*.yaml in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"
for file in "${crds[@]}"; do
  echo '---'
  cat "$file"
done
