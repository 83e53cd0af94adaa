#!/usr/bin/env bash
# Stop the cluster started by up.sh (node and control plane) and delete its etcd data.
# Idempotent: exits 0 when nothing is running.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$(cd "$HERE/../.." && pwd)/.cluster"
PIDS="$STATE/pids"
GRACE="${RRW_CLUSTER_STOP_TIMEOUT:-15}"   # seconds before SIGKILL

log() { echo "[down] $*" >&2; }

# shellcheck source=processes.sh
source "$HERE/processes.sh"

# The node first (its kubelet would otherwise report to a vanishing API server), then the
# controller-manager and apiserver, etcd last, so the clients don't spend their shutdown retrying a
# vanished etcd.
"$HERE/node-down.sh"
stop_processes "$GRACE" kube-controller-manager kube-apiserver
stop_processes "$GRACE" etcd

rm -rf "$PIDS" "$STATE/etcd"
