#!/usr/bin/env bash
# Runs the webhook from source (dist/) next to the local control plane and registers it there with
# the manifests from webhook/. Prints the URL on stdout. Reuses a running webhook.
# Env: RRW_POLICIES_DIR (default: the repo's policies/).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$REPO/.cluster"
DIR="$STATE/webhook"
export KUBECONFIG="$STATE/kubeconfig"
POLICIES="${RRW_POLICIES_DIR:-$REPO/policies}"
log() { echo "[webhook] $*" >&2; }

[[ -f "$KUBECONFIG" ]] || { log "no control plane: run test/cluster/up.sh first"; exit 1; }
mkdir -p "$DIR"

ready() { curl -sf --noproxy '*' --max-time 2 --cacert "$DIR/ca.crt" "https://127.0.0.1:$(cat "$DIR/port")/readyz" -o /dev/null; }

if [[ -f "$DIR/pid" && -f "$DIR/port" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null && ready; then
  log "webhook already running (pid $(cat "$DIR/pid"))"
else
  (cd "$REPO" && npx tsc -p .)
  # The webhook watches ReplicationPolicy objects: their CRD first, established, so its first list works.
  kubectl apply -f "$REPO/kustomize/base/crd/replicationpolicy-crd.yaml" >&2
  # Polled, not `kubectl wait`, which fails instead of waiting while a new CRD's status has no conditions.
  established() { [[ "$(kubectl get crd replicationpolicies.redis-replication.io -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}')" == True ]]; }
  for _ in $(seq 1 150); do established && break; sleep 0.2; done
  established || { log "the ReplicationPolicy CRD was not established within 30 s"; exit 1; }
  # Below the kernel's ephemeral range (32768+), so no outgoing connection holds it.
  port=$((10000 + RANDOM % 20000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port" >"$DIR/port"
  # setsid: the webhook outlives this shell, like the control plane does; webhook-down.sh stops it.
  setsid node "$REPO/dist/cli.js" serve --host 127.0.0.1 --port "$port" --dev-cert-dir "$DIR" \
    --policies "$POLICIES" --watch-cluster-policies --check-services --check-config-files --watch-statefulsets --shutdown-grace-seconds 2 </dev/null >"$STATE/logs/webhook.log" 2>&1 &
  echo $! >"$DIR/pid"
  for _ in $(seq 1 100); do ready && break; sleep 0.1; done
  ready || { log "webhook did not become ready:"; tail -n 20 "$STATE/logs/webhook.log" >&2; exit 1; }
  log "webhook running on https://127.0.0.1:$port (pid $(cat "$DIR/pid"), policies from $POLICIES, log $STATE/logs/webhook.log)"
fi
node "$HERE/register-webhook.mjs" "https://127.0.0.1:$(cat "$DIR/port")" "$DIR/ca.crt" | kubectl apply -f - >&2
echo "https://127.0.0.1:$(cat "$DIR/port")"
