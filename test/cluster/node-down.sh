#!/usr/bin/env bash
# Undoes node-up.sh: stops the node's processes and every container, unmounts what they left under
# .cluster/node, deletes the bridge, the iptables chains (ours and the kubelet's KUBE-* ones) and the
# node's files. Idempotent: exits 0 when nothing is there.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$(cd "$HERE/../.." && pwd)/.cluster"
NODE="$STATE/node"
PIDS="$STATE/pids"
BRIDGE=rrw0
log() { echo "[node-down] $*" >&2; }
# shellcheck source=processes.sh
source "$HERE/processes.sh"

# The kubelet first, so it restarts nothing; the containers' shims outlive containerd, so they go by
# the runc root's state: every container killed, then the shims.
stop_processes 15 kubelet kube-scheduler coredns registry
if [[ -d "$NODE/containerd/runc" ]]; then
  for ns in "$NODE/containerd/runc"/*; do
    [[ -d "$ns" ]] || continue
    for id in $(runc --root "$ns" list -q 2>/dev/null); do runc --root "$ns" kill "$id" KILL 2>/dev/null || true; done
  done
fi
stop_processes 10 containerd
for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $NODE/containerd/containerd.sock" || true); do kill -KILL "$pid" 2>/dev/null || true; done

# Mounts under the node's folder (overlay roots, volumes, network namespaces, shm), deepest first.
if [[ -d "$NODE" ]]; then
  mapfile -t mounts < <(awk -v dir="$NODE/" 'index($2, dir) == 1 { print $2 }' /proc/self/mounts | sort -r)
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || log "could not unmount $m"; done
fi

if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link delete "$BRIDGE"; fi
# The pods' veths went with their namespaces; our DNAT chain and the chains the kubelet made.
iptables -t nat -D PREROUTING -i "$BRIDGE" -j RRW-NODE 2>/dev/null || true
iptables -t nat -F RRW-NODE 2>/dev/null && iptables -t nat -X RRW-NODE 2>/dev/null || true
for table in filter nat mangle; do
  for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
    # Remove every jump to it first, then the chain.
    iptables -t "$table" -S 2>/dev/null | awk -v c="$chain" '$1 == "-A" && / -j / { for (i = 1; i <= NF; i++) if ($i == "-j" && $(i + 1) == c) { $1 = "-D"; print; break } }' |
      while read -r rule; do eval "iptables -t $table $rule" 2>/dev/null || true; done
  done
  for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do iptables -t "$table" -F "$chain" 2>/dev/null || true; done
  for chain in $(iptables -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do iptables -t "$table" -X "$chain" 2>/dev/null || true; done
done
rm -rf "$NODE"
# The node object and its volumes go with the control plane's etcd data; when the control plane stays,
# they are deleted here (their folders are gone).
if alive kube-apiserver; then
  kubectl --kubeconfig "$STATE/kubeconfig" delete node "$(hostname)" --ignore-not-found --wait=false >/dev/null 2>&1 || true
  kubectl --kubeconfig "$STATE/kubeconfig" delete pv -l rrw.local/node-volume --wait=false >/dev/null 2>&1 || true
fi
log "node removed"
