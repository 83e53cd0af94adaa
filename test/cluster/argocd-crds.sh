#!/usr/bin/env bash
# Prints Argo CD's CustomResourceDefinitions (Application, ApplicationSet, AppProject), for
# `kubectl apply --server-side -f -`, so the Argo CD objects of kustomize/argocd can be dry-run against
# the local control plane. They come from the argo-cd Go module (manifests/crds/), cached in the Go
# module cache. v3.5 is the newest whose module the Go 1.26 toolchain here accepts (v3.6 asks for 1.27).
# Usage: test/cluster/argocd-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

MODULE=github.com/argoproj/argo-cd/v3
VERSION="${1:-v3.5.7}"
log() { echo "[argocd-crds] $*" >&2; }
fail() { log "$*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
dir="$(go_module_dir "$MODULE" "$VERSION")"
crds=("$dir"/manifests/crds/*-crd.yaml)
[[ -f "${crds[0]}" ]] || fail "no manifests/crds/*-crd.yaml in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"
for file in "${crds[@]}"; do
  echo '---'
  cat "$file"
done
