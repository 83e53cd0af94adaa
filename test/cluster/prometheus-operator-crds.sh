#!/usr/bin/env bash
# Prints the prometheus-operator CustomResourceDefinitions the monitoring component uses (ServiceMonitor,
# PrometheusRule), for `kubectl apply --server-side -f -`, so kustomize/components/monitoring can be
# dry-run against the local control plane. They come from the prometheus-operator Go module
# (example/prometheus-operator-crd/), cached in the Go module cache.
# Usage: test/cluster/prometheus-operator-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail

MODULE=github.com/prometheus-operator/prometheus-operator
VERSION="${1:-v0.85.0}"
log() { echo "[prometheus-operator-crds] $*" >&2; }
fail() { log "$*"; exit 1; }

source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
dir="$(go_module_dir "$MODULE" "$VERSION")"
crds=("$dir"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,prometheusrules}.yaml)
for file in "${crds[@]}"; do
  [[ -f "$file" ]] || fail "no $(basename "$file") in $MODULE@$VERSION (${dir:-no module directory}): has the layout changed?"
  echo '---'
  cat "$file"
done
