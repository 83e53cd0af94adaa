#!/usr/bin/env bash
# Prints the Policy WG's PolicyReport CustomResourceDefinitions (wgpolicyk8s.io), for
# `kubectl apply --server-side -f -`, so the audit can publish its reports to the local control plane.
# From the Kyverno module, which ships and installs them by default.
# Usage: test/cluster/policyreport-crds.sh [VERSION]   (default: the pinned one below)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/go-module.sh"
module_files github.com/kyverno/kyverno "${1:-v1.19.1}" 'config/crds/policyreport/wgpolicyk8s.io_*.yaml'
