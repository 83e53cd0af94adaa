#!/usr/bin/env bash
# Stops the webhook that webhook-up.sh started. Idempotent.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cluster/webhook"
pid="$(cat "$DIR/pid" 2>/dev/null)" || exit 0
if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'dist/cli.js serve'; then
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$DIR/pid" "$DIR/port"
