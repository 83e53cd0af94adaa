#!/usr/bin/env bash
# Stops or starts the local control plane's kube-apiserver alone, with the arguments and port it had, for
# tests of what happens while the API server is away (watches break, reads fail) and when it comes back.
#   apiserver.sh stop     stop it (its arguments are kept in .cluster/kube-apiserver.args)
#   apiserver.sh start    start it again with those arguments; returns once /readyz answers
#   apiserver.sh compact  compact etcd up to its current revision, so watches from before expire ("410 Gone")
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$(cd "$HERE/../.." && pwd)/.cluster"
PIDS="$STATE/pids" LOGS="$STATE/logs"
BIN="$(bash "$HERE/build.sh")/"
ARGS="$STATE/kube-apiserver.args"
log() { echo "[apiserver] $*" >&2; }

case "${1:-}" in
  stop)
    pid="$(cat "$PIDS/kube-apiserver")"
    tr '\0' '\n' <"/proc/$pid/cmdline" | tail -n +2 >"$ARGS"
    # SIGKILL, as a crash or a lost node does it (a graceful stop waits a minute for its watches to drain).
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    log "stopped (pid $pid)"
    ;;
  start)
    mapfile -t args <"$ARGS"
    setsid "$BIN/kube-apiserver" "${args[@]}" </dev/null >>"$LOGS/kube-apiserver.log" 2>&1 &
    echo $! >"$PIDS/kube-apiserver"
    for _ in $(seq 1 120); do
      kubectl --kubeconfig "$STATE/kubeconfig" get --raw /readyz >/dev/null 2>&1 && { log "started (pid $(cat "$PIDS/kube-apiserver"))"; exit 0; }
      sleep 0.25
    done
    log "did not become ready"; exit 1
    ;;
  compact)
    etcd="$(tr '\0' '\n' <"/proc/$(cat "$PIDS/kube-apiserver")/cmdline" | sed -n 's/^--etcd-servers=//p')"
    revision="$(curl -sf --noproxy '*' -X POST "$etcd/v3/kv/range" -d '{"key":"AA=="}' | sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')"
    curl -sf --noproxy '*' -X POST "$etcd/v3/kv/compaction" -d "{\"revision\":\"$revision\",\"physical\":true}" >/dev/null
    log "etcd compacted to revision $revision"
    ;;
  *) echo "usage: apiserver.sh stop|start|compact" >&2; exit 2 ;;
esac
