#!/usr/bin/env bash
# Prints cert-manager's CustomResourceDefinitions as plain YAML, for `kubectl apply --server-side -f -`,
# so the cert-manager objects of kustomize/ can be dry-run against the local control plane.
#
# They come from the cert-manager Go module, the one source of cert-manager reachable here (the Go module
# proxy), and are cached in the Go module cache. There they are Helm chart sources: the template
# directives sit in YAML comments, except for a few label values, whose lines are dropped.
# Usage: test/cluster/cert-manager-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

MODULE=github.com/cert-manager/cert-manager
VERSION="${1:-v1.16.5}"
log() { echo "[cert-manager-crds] $*" >&2; }
fail() { log "$*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
dir="$(go_module_dir "$MODULE" "$VERSION")"
crds=("$dir"/deploy/crds/crd-*.yaml)
[[ -f "${crds[0]}" ]] || fail "no deploy/crds/crd-*.yaml in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"

for file in "${crds[@]}"; do
  echo '---'
  # A directive outside a comment would be a label value such as '{{ template "cert-manager.name" . }}'.
  sed -e '/^[[:space:]]*#/b' -e '/{{/d' "$file"
done
