#!/usr/bin/env bash
# Starts a real node beside the control plane that up.sh started: containerd + runc with a bridge CNI,
# a registry of locally built images, CoreDNS for cluster.local, kube-scheduler and a kubelet, and
# local PersistentVolumes for volumeClaimTemplates. Run by up.sh; node-down.sh undoes all of it.
#
# Traffic stays on this machine: the node's address is the gateway of a bridge this script creates
# (rrw0, 10.88.0.0/16), pods live in network namespaces on it, and the registry, the API server and
# the kubelet listen on loopback.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$REPO/.cluster"
NODE="$STATE/node"
PIDS="$STATE/pids" LOGS="$STATE/logs"
export KUBECONFIG="$STATE/kubeconfig"
TIMEOUT="${RRW_CLUSTER_TIMEOUT:-60}"
VOLUMES="${RRW_NODE_VOLUMES:-200}"
BRIDGE=rrw0 SUBNET=10.88.0.0/16 GATEWAY=10.88.0.1
NODE_NAME="$(hostname)"
# The name every pod sandbox is started from (containerd's sandbox_image); the registry serves it.
PAUSE_IMAGE=registry.k8s.io/pause:3.10

log() { echo "[node] $*" >&2; }
# shellcheck source=free-port.sh
source "$HERE/free-port.sh"
# shellcheck source=processes.sh
source "$HERE/processes.sh"

for tool in containerd containerd-shim-runc-v2 runc ip iptables; do
  command -v "$tool" >/dev/null || { log "$tool is required (Debian: containerd runc iproute2 iptables)"; exit 1; }
done
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] ||
  { log "the CNI plugins are required (Debian: containernetworking-plugins)"; exit 1; }
[[ "$(id -u)" == 0 ]] || { log "a node needs root (network namespaces, mounts, cgroups)"; exit 1; }

BIN="$("$HERE/build.sh")"
IMAGES="$("$HERE/images.sh")"
NODE_COMPONENTS=(containerd registry coredns kube-scheduler kubelet)

node_ready() { [[ "$(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]; }
running=0
for c in "${NODE_COMPONENTS[@]}"; do alive "$c" && running=$((running + 1)); done
if (( running == ${#NODE_COMPONENTS[@]} )) && node_ready; then
  log "node $NODE_NAME already running, reusing it"
  exit 0
fi
(( running == 0 )) || { log "found a half-running node, restarting it"; "$HERE/node-down.sh"; }

started=$SECONDS
mkdir -p "$NODE" "$PIDS" "$LOGS"

# --- the pod network: a bridge of our own, up before CoreDNS binds its gateway address ---------------
# A bridge and chain left by a node that was never taken down (a killed run) are replaced: one node per
# machine, as the node's name (the hostname) already makes it.
if ip link show "$BRIDGE" >/dev/null 2>&1; then log "replacing a $BRIDGE left behind"; ip link delete "$BRIDGE"; fi
iptables -t nat -D PREROUTING -i "$BRIDGE" -j RRW-NODE 2>/dev/null || true
iptables -t nat -F RRW-NODE 2>/dev/null && iptables -t nat -X RRW-NODE 2>/dev/null || true
# A fixed MAC address, as docker0 has: a bridge without one takes the lowest of its ports' addresses and
# changes it when that pod's veth goes, and every pod's ARP entry for the gateway then points nowhere
# until it is probed again (10 s of DNS queries lost: Sentinels stalled in a lookup and went into TILT
# again and again, seen in whole-suite runs while an earlier test's pods were being deleted).
ip link add "$BRIDGE" address 02:72:72:77:00:01 type bridge
ip addr add "$GATEWAY/16" dev "$BRIDGE"
ip link set "$BRIDGE" up
# Pods reach the API server as in-cluster clients do, at the `kubernetes` Service (10.0.0.1:443): with no
# kube-proxy, one DNAT rule of our own chain sends it to the API server on loopback (route_localnet lets
# this bridge's traffic go to 127.0.0.1, and nothing else's).
api_port="$(sed -n 's#^ *server: https://127.0.0.1:\([0-9]*\)$#\1#p' "$KUBECONFIG")"
sysctl -qw "net.ipv4.conf.$BRIDGE.route_localnet=1"
iptables -t nat -N RRW-NODE
iptables -t nat -A RRW-NODE -d 10.0.0.1/32 -p tcp --dport 443 -j DNAT --to-destination "127.0.0.1:$api_port"
iptables -t nat -I PREROUTING -i "$BRIDGE" -j RRW-NODE

mkdir -p "$NODE/cni/net.d" "$NODE/cni/ipam"
cat >"$NODE/cni/net.d/10-rrw.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "rrw",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$SUBNET", "gateway": "$GATEWAY" }]],
        "routes": [{ "dst": "0.0.0.0/0" }],
        "dataDir": "$NODE/cni/ipam"
      }
    }
  ]
}
JSON

# --- the registry: every name pulls from it ---------------------------------------------------------
free_port; REGISTRY_PORT=$port
mkdir -p "$NODE/containerd/certs.d/_default"
cat >"$NODE/containerd/certs.d/_default/hosts.toml" <<TOML
[host."http://127.0.0.1:$REGISTRY_PORT"]
  capabilities = ["pull", "resolve"]
TOML
start_process registry node "$HERE/registry.mjs" "$IMAGES" "$REGISTRY_PORT"

# --- containerd -------------------------------------------------------------------------------------
# restrict_oom_score_adj: root here lacks CAP_SYS_RESOURCE, so runc could not lower a score.
cat >"$NODE/containerd/config.toml" <<TOML
version = 2
root = "$NODE/containerd/root"
state = "$NODE/containerd/state"
[grpc]
  address = "$NODE/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$NODE/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$NODE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$NODE/containerd/certs.d"
TOML
start_process containerd containerd --config "$NODE/containerd/config.toml"
# The kubelet exits at once when the runtime does not answer yet (a fresh-clone CI run found it).
deadline=$((SECONDS + TIMEOUT))
until ctr --address "$NODE/containerd/containerd.sock" version >/dev/null 2>&1; do
  alive containerd || { log "containerd exited:"; tail -n 20 "$LOGS/containerd.log" >&2; "$HERE/node-down.sh"; exit 1; }
  (( SECONDS < deadline )) || { log "containerd did not answer within ${TIMEOUT}s"; "$HERE/node-down.sh"; exit 1; }
  sleep 0.2
done

# --- CoreDNS ----------------------------------------------------------------------------------------
# cluster.local from the API server, with no cache (a name withdrawn is gone at once, as the records' 5 s
# TTL allows). Every other name goes nowhere: this machine reaches no DNS server beyond it, so, as in an
# air-gapped cluster whose upstream does not answer, such a query is dropped and the client times out.
# With the node's search domain below, a lookup of a withdrawn pod name that walks the search list ends
# in that time-out: the condition under which a Sentinel that resolves names in its main thread stalls.
cat >"$NODE/Corefile" <<COREFILE
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
  bind $GATEWAY
  errors
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $KUBECONFIG rrw
    pods insecure
    ttl 5
  }
}
.:53 {
  bind $GATEWAY
  erratic {
    drop 1
  }
}
COREFILE
start_process coredns "$BIN/coredns" -conf "$NODE/Corefile"

# --- kube-scheduler ---------------------------------------------------------------------------------
start_process kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$KUBECONFIG" --leader-elect=false --secure-port=0

# --- kubelet ----------------------------------------------------------------------------------------
free_port; KUBELET_PORT=$port
# The node's resolv.conf, as the kubelet passes it on to pods: cluster DNS, and a search domain of the
# node's own, as cloud and corporate nodes have (pods search it after the cluster's domains).
printf 'nameserver %s\nsearch node.rrw.test\n' "$GATEWAY" >"$NODE/resolv.conf"
mkdir -p "$NODE/kubelet" "$NODE/pod-logs"
# cgroupfs without QoS cgroups and with no node allocatable enforcement: the machine's cgroups are v1 and
# systemd is not its init. Image garbage collection and eviction are off: images are local and a test
# machine's disk may be fuller than a node's thresholds. The kubelet listens on loopback only (the API
# server reaches it by the node's hostname, which resolves to 127.0.0.1), so anonymous access is safe.
cat >"$NODE/kubelet-config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: $KUBELET_PORT
readOnlyPort: 0
healthzPort: 0
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization: { mode: AlwaysAllow }
containerRuntimeEndpoint: unix://$NODE/containerd/containerd.sock
cgroupDriver: cgroupfs
cgroupsPerQOS: false
enforceNodeAllocatable: []
failSwapOn: false
failCgroupV1: false
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
clusterDNS: [$GATEWAY]
clusterDomain: cluster.local
resolvConf: $NODE/resolv.conf
podLogsDir: $NODE/pod-logs
maxPods: 250
YAML
start_process kubelet "$BIN/kubelet" --config="$NODE/kubelet-config.yaml" --kubeconfig="$KUBECONFIG" \
  --root-dir="$NODE/kubelet" --node-ip="$GATEWAY" --hostname-override="$NODE_NAME"

# --- storage for volumeClaimTemplates ---------------------------------------------------------------
# Local PersistentVolumes on this node, bound when a pod is scheduled (the kubelet applies fsGroup to
# them, which the hostPath provisioner does not). The default StorageClass, so claims need no class.
{
  cat <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Retain
YAML
  for i in $(seq -w 1 "$VOLUMES"); do
    mkdir -p "$NODE/volumes/pv-$i"
    cat <<YAML
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: local-$i, labels: { rrw.local/node-volume: "true" } }
spec:
  capacity: { storage: 100Gi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local
  local: { path: $NODE/volumes/pv-$i }
  nodeAffinity:
    required:
      nodeSelectorTerms: [{ matchExpressions: [{ key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME] }] }]
YAML
  done
} | kubectl apply -f - >/dev/null

deadline=$((SECONDS + TIMEOUT))
until node_ready; do
  for c in "${NODE_COMPONENTS[@]}"; do
    alive "$c" || { log "$c exited while the node came up:"; tail -n 20 "$LOGS/$c.log" >&2; "$HERE/node-down.sh"; exit 1; }
  done
  (( SECONDS < deadline )) || { log "node $NODE_NAME not Ready within ${TIMEOUT}s"; tail -n 20 "$LOGS/kubelet.log" >&2; "$HERE/node-down.sh"; exit 1; }
  sleep 0.5
done
log "node $NODE_NAME Ready in $((SECONDS - started))s (pods on $SUBNET, DNS at $GATEWAY, logs in $LOGS)"
