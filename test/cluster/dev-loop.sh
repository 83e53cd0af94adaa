#!/usr/bin/env bash
# `npm run cluster:up`: the newcomer's loop. Control plane and node up, webhook running from source and
# registered, the sample StatefulSet applied, what the API server stored printed, and its pods running
# and replicating on the node.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export_line="$("$HERE/up.sh")"
eval "$export_line"
"$HERE/webhook-up.sh" >/dev/null
kubectl apply -f "$HERE/sample-statefulset.yaml" >&2
echo "--- the StatefulSet as stored, after the webhook (kubectl get statefulset sample -o yaml):" >&2
kubectl get statefulset sample -o yaml >&2
echo "--- its pods on the node, each Ready once its readiness probe passes:" >&2
kubectl rollout status statefulset sample --timeout=180s >&2
kubectl get pods -l app=sample -o wide >&2
echo "--- the leader's view (kubectl exec sample-0 -c redis -- redis-cli info replication):" >&2
kubectl exec sample-0 -c redis -- redis-cli info replication | grep -E '^(role|connected_slaves|slave[0-9])' >&2
echo "--- stop everything with: npm run cluster:down" >&2
echo "$export_line"
