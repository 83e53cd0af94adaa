#!/usr/bin/env bash
# Stop the control plane started by up.sh and delete its etcd data.
# Idempotent: exits 0 when nothing is running.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="$(cd "$HERE/../.." && pwd)/.cluster"
PIDS="$STATE/pids"
GRACE="${RRW_CLUSTER_STOP_TIMEOUT:-15}"   # seconds before SIGKILL

log() { echo "[down] $*" >&2; }

# runs PID NAME: PID is a live process whose argv[0] is the NAME binary. Pid
# files can outlive their process (reboot, crash) and the pid be reused by
# something unrelated; zombies have an empty cmdline and count as gone.
runs() {
  local argv0
  argv0="$(tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | head -n1)" || return 1
  [[ "${argv0##*/}" == "$2" ]]
}

# Controller-manager and apiserver first, etcd last, so the clients don't spend
# their shutdown retrying a vanished etcd.
pids=() names=()
for name in kube-controller-manager kube-apiserver etcd; do
  pid="$(cat "$PIDS/$name" 2>/dev/null)" || continue
  if [[ -n "$pid" ]] && runs "$pid" "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid") names+=("$name")
  fi
done

deadline=$((SECONDS + GRACE))
for i in "${!pids[@]}"; do
  while runs "${pids[$i]}" "${names[$i]}"; do
    if (( SECONDS >= deadline )); then
      log "${names[$i]} ignored SIGTERM for ${GRACE}s, sending SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
done

# A killed daemon stays a zombie until whoever inherited it (init) reaps it,
# and zombies still show up in `pgrep -f kube-apiserver`; wait a bounded moment.
deadline=$((SECONDS + 5))
for pid in "${pids[@]}"; do
  while [[ -e "/proc/$pid" ]] && (( SECONDS < deadline )); do sleep 0.1; done
done

rm -rf "$PIDS" "$STATE/etcd"
