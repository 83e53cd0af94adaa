#!/usr/bin/env bash
# Prints Argo CD's CustomResourceDefinitions (Application, ApplicationSet, AppProject), for
# `kubectl apply --server-side -f -`, so the Argo CD objects of kustomize/argocd can be dry-run against
# the local control plane. v3.5 is the newest argo-cd module the Go 1.26 toolchain here accepts (v3.6
# asks for 1.27).
# Usage: test/cluster/argocd-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
module_files github.com/argoproj/argo-cd/v3 "${1:-v3.5.7}" 'manifests/crds/*-crd.yaml'
