#!/usr/bin/env bash
# Prints Knative Serving's CustomResourceDefinitions, for `kubectl apply --server-side -f -`, so the
# Knative overlay of kustomize/ can be dry-run against the local control plane.
# Usage: test/cluster/knative-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
module_files knative.dev/serving "${1:-v0.51.0}" 'config/core/300-resources/*.yaml'
