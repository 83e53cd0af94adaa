#!/usr/bin/env bash
# Start a local Kubernetes cluster for integration tests: a control plane
# (etcd, kube-apiserver, kube-controller-manager) on 127.0.0.1, and a real node
# (node-up.sh: containerd, kube-scheduler, kubelet, CoreDNS) where Pods run.
# RRW_NODE=0 starts the control plane alone (Pods then stay Pending).
#
# State lives in <repo>/.cluster/ (git-ignored). On success the only stdout
# line is `export KUBECONFIG=...`, so `eval "$(test/cluster/up.sh)"` works.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$REPO/.cluster"
PKI="$STATE/pki" LOGS="$STATE/logs" PIDS="$STATE/pids"
KUBECONFIG_PATH="$STATE/kubeconfig"
TIMEOUT="${RRW_CLUSTER_TIMEOUT:-60}"   # seconds to wait for readiness
COMPONENTS=(etcd kube-apiserver kube-controller-manager)

log() { echo "[up] $*" >&2; }
export_line() { echo "export KUBECONFIG=$KUBECONFIG_PATH"; }

BIN="$("$HERE/build.sh")"
mkdir -p "$STATE"

# One up.sh at a time per checkout (parallel test runners would otherwise race
# on ports and pid files).
exec 9>"$STATE/.lock"
flock 9

# shellcheck source=processes.sh
source "$HERE/processes.sh"
# shellcheck source=free-port.sh
source "$HERE/free-port.sh"

# curl against the apiserver as the admin user; prints the HTTP status code.
api() {
  local port
  port="$(sed -n 's#^ *server: https://127.0.0.1:\([0-9]*\)$#\1#p' "$KUBECONFIG_PATH" 2>/dev/null)"
  [[ -n "$port" ]] || { echo 000; return; }
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 --noproxy '*' \
    --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$port$1" || true
}
api_ok() { [[ "$(api "$1")" == 200 ]]; }

# --- reuse a running cluster -------------------------------------------------
running=0
for c in "${COMPONENTS[@]}"; do alive "$c" && running=$((running + 1)); done
if (( running == ${#COMPONENTS[@]} )) && api_ok /readyz; then
  log "cluster already running, reusing it"
  [[ "${RRW_NODE:-1}" == 0 ]] || "$HERE/node-up.sh"
  export_line
  exit 0
fi
if (( running > 0 )); then
  log "found a half-running cluster, restarting it"
  "$HERE/down.sh"
fi

# --- fresh start -------------------------------------------------------------
rm -rf "$PKI" "$STATE/etcd" "$PIDS"
mkdir -p "$PKI" "$LOGS" "$PIDS"

free_port; ETCD_PORT=$port; free_port; ETCD_PEER_PORT=$port; free_port; API_PORT=$port

# --- PKI (openssl only; no cfssl/kubeadm available) --------------------------
log "generating certificates in $PKI"
(
  cd "$PKI"
  ossl() { openssl "$@" 2>/dev/null; }   # openssl is chatty on stderr
  ossl req -x509 -newkey rsa:2048 -nodes -days 3650 -keyout ca.key -out ca.crt \
    -subj "/CN=rrw-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  # sign NAME SUBJECT EXTENSIONS: key + certificate signed by the CA.
  sign() {
    ossl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
    ossl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -out "$1.crt" -extfile <(printf '%s\n' "$3")
    rm -f "$1.csr"
  }
  # 10.0.0.1 is the first IP of --service-cluster-ip-range, i.e. the ClusterIP
  # of the `kubernetes` Service, which in-cluster clients would dial.
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # O=system:masters is bound to cluster-admin by the default RBAC policy.
  sign admin "/O=system:masters/CN=admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # Key pair used to sign (controller-manager) and verify (apiserver) SA tokens.
  ossl genrsa -out sa.key 2048
  ossl rsa -in sa.key -pubout -out sa.pub
)

b64() { base64 -w0 <"$1"; }
umask 077   # the kubeconfig embeds the admin private key
cat >"$KUBECONFIG_PATH" <<KC
apiVersion: v1
kind: Config
clusters:
- name: rrw
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(b64 "$PKI/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$PKI/admin.crt")
    client-key-data: $(b64 "$PKI/admin.key")
contexts:
- name: rrw
  context: {cluster: rrw, user: admin, namespace: default}
current-context: rrw
KC
umask 022

start() {
  local name="$1"
  shift
  start_process "$name" "$BIN/$name" "$@"
}

fail() {
  log "$*"
  for c in "${COMPONENTS[@]}"; do
    [[ -f "$LOGS/$c.log" ]] && { echo "--- tail $LOGS/$c.log" >&2; tail -n 15 "$LOGS/$c.log" >&2; }
  done
  "$HERE/down.sh" || true
  exit 1
}

# wait_for DESCRIPTION COMMAND...: poll until COMMAND succeeds, failing fast if
# a component died (its log tail explains why) and giving up after TIMEOUT.
# COMMAND is re-run each time, so it must not contain $(...) expanded up front.
deadline=$((SECONDS + TIMEOUT))
wait_for() {
  local what="$1"; shift
  until "$@"; do
    for c in "${COMPONENTS[@]}"; do
      [[ ! -f "$PIDS/$c" ]] || alive "$c" || fail "$c exited while waiting for $what"
    done
    (( SECONDS < deadline )) || fail "timed out after ${TIMEOUT}s waiting for $what"
    sleep 0.5
  done
}

log "starting etcd on 127.0.0.1:$ETCD_PORT"
# --unsafe-no-fsync: throwaway test data, and fsync dominates etcd latency on VMs.
start etcd --name=rrw --data-dir="$STATE/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="rrw=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync
wait_for "etcd" curl -sf --noproxy '*' -o /dev/null "http://127.0.0.1:$ETCD_PORT/health"

log "starting kube-apiserver on https://127.0.0.1:$API_PORT"
# --endpoint-reconciler-type=none: the `kubernetes` Service's Endpoints may not
# hold a loopback IP, so the reconciler would log an error every 10s; nothing
# in-cluster needs to reach the apiserver through it (no Pods ever run).
# Admission: the default plugin set (which includes ServiceAccount, so Pods
# need the namespace's `default` SA) plus the two webhook plugins, explicitly.
start kube-apiserver \
  --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
  --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
  --client-ca-file="$PKI/ca.crt" \
  --authorization-mode=RBAC \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc \
  --service-account-key-file="$PKI/sa.pub" \
  --service-account-signing-key-file="$PKI/sa.key" \
  --enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook \
  --allow-privileged=true \
  --endpoint-reconciler-type=none
wait_for "kube-apiserver /readyz" api_ok /readyz

log "starting kube-controller-manager"
# Only the controllers tests need. serviceaccount creates each namespace's
# `default` ServiceAccount (required by the ServiceAccount admission plugin),
# serviceaccount-token fills explicitly created token Secrets, and
# root-ca-cert-publisher the kube-root-ca.crt ConfigMap that Pods' projected
# token volumes reference; statefulset/replicaset/deployment/job create Pods;
# garbagecollector/namespace make deletes behave like a real cluster;
# clusterrole-aggregation fills admin/edit/view, which RBAC tests may bind;
# nodelifecycle lifts the node's not-ready taint (and taints it when its
# kubelet stops), persistentvolume-binder binds claims to the node's local
# volumes, podgc removes the pods of a node that is gone. (Short names are the stable aliases of the *-controller names.)
# --secure-port=0: no health endpoint needed, and one fewer port to allocate.
# --kubeconfig: the admin (system:masters) identity; the controller manager's
# own RBAC is not what these tests are about.
start kube-controller-manager \
  --kubeconfig="$KUBECONFIG_PATH" \
  --leader-elect=false --secure-port=0 \
  --use-service-account-credentials=false \
  --service-account-private-key-file="$PKI/sa.key" \
  --root-ca-file="$PKI/ca.crt" \
  --controllers=statefulset,replicaset,deployment,job,garbagecollector,namespace,serviceaccount,serviceaccount-token,root-ca-cert-publisher,clusterrole-aggregation,endpoint,endpointslice,disruption,pvc-protection,nodelifecycle,persistentvolume-binder,podgc
wait_for "ServiceAccount default/default" api_ok /api/v1/namespaces/default/serviceaccounts/default

log "control plane ready (logs in $LOGS)"
[[ "${RRW_NODE:-1}" == 0 ]] || "$HERE/node-up.sh" || fail "the node did not come up"
export_line
