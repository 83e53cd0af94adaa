#!/usr/bin/env bash
# Prints cert-manager's CustomResourceDefinitions as plain YAML, for `kubectl apply --server-side -f -`,
# so the cert-manager objects of kustomize/ can be dry-run against the local control plane.
#
# They come from the cert-manager Go module, the one source of cert-manager reachable here (the Go module
# proxy), and are cached in the Go module cache. There they are Helm chart sources: the template
# directives sit in YAML comments, except for a few label values, whose lines are dropped.
# Usage: test/cluster/cert-manager-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
# A directive outside a comment would be a label value such as '{{ template "cert-manager.name" . }}'.
module_files github.com/cert-manager/cert-manager "${1:-v1.16.5}" 'deploy/crds/crd-*.yaml' | sed -e '/^[[:space:]]*#/b' -e '/{{/d'
