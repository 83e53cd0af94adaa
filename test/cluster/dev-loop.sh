#!/usr/bin/env bash
# `npm run cluster:up`: the newcomer's loop. Control plane up, webhook running from source and
# registered, the sample StatefulSet applied, and what the API server stored printed.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export_line="$("$HERE/up.sh")"
eval "$export_line"
"$HERE/webhook-up.sh" >/dev/null
kubectl apply -f "$HERE/sample-statefulset.yaml" >&2
echo "--- the StatefulSet as stored, after the webhook (kubectl get statefulset sample -o yaml):" >&2
kubectl get statefulset sample -o yaml >&2
echo "--- pods created by the StatefulSet controller (there is no kubelet: they stay Pending):" >&2
kubectl get pods -l app=sample >&2 || true
echo "--- stop everything with: npm run cluster:down" >&2
echo "$export_line"
