#!/usr/bin/env bash
# Prints the prometheus-operator CustomResourceDefinitions the monitoring component uses (ServiceMonitor,
# PrometheusRule), for `kubectl apply --server-side -f -`, so kustomize/components/monitoring can be
# dry-run against the local control plane.
# Usage: test/cluster/prometheus-operator-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
module_files github.com/prometheus-operator/prometheus-operator "${1:-v0.85.0}" \
  'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml' \
  'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml'
