# Sourced by up.sh, node-up.sh and the down scripts: the cluster's processes, each with a pid file in
# $PIDS and a log in $LOGS.

# alive NAME: the pid file points at a live process started as NAME's program. The argv[0] check guards
# against stale pid files whose pid was reused, and treats zombies (empty cmdline) as dead.
alive() {
  local pid
  pid="$(cat "$PIDS/$1" 2>/dev/null)" || return 1
  runs "$pid" "$(cat "$PIDS/$1.program" 2>/dev/null || echo "$1")"
}

# runs PID PROGRAM: PID is a live process whose argv[0] is PROGRAM (by base name).
runs() {
  local argv0
  argv0="$(tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | head -n1)" || return 1
  [[ -n "$argv0" && "${argv0##*/}" == "${2##*/}" ]]
}

# start_process NAME PROGRAM ARGS...: runs PROGRAM detached from this shell. setsid puts it in its own
# session so a test runner killing our process group (or Ctrl-C in the terminal that ran up.sh) does not
# take the cluster down with it; 9>&- keeps the up.sh lock out of it.
start_process() {
  local name="$1" program="$2"
  shift 2
  setsid "$program" "$@" </dev/null >"$LOGS/$name.log" 2>&1 9>&- &
  echo $! >"$PIDS/$name"
  echo "$program" >"$PIDS/$name.program"
}

# stop_processes GRACE NAME...: SIGTERM to each running one, SIGKILL after GRACE seconds; waits until gone.
stop_processes() {
  local grace="$1" name pid i deadline
  shift
  local pids=() names=()
  for name in "$@"; do
    pid="$(cat "$PIDS/$name" 2>/dev/null)" || continue
    if [[ -n "$pid" ]] && alive "$name"; then
      echo "[down] stopping $name (pid $pid)" >&2
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid") names+=("$name")
    fi
  done
  deadline=$((SECONDS + grace))
  for i in "${!pids[@]}"; do
    while alive "${names[$i]}"; do
      if (( SECONDS >= deadline )); then
        echo "[down] ${names[$i]} ignored SIGTERM for ${grace}s, sending SIGKILL" >&2
        kill -KILL "${pids[$i]}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  done
  # A killed daemon stays a zombie until whoever inherited it (init) reaps it; wait a bounded moment.
  deadline=$((SECONDS + 5))
  for pid in "${pids[@]}"; do
    while [[ -e "/proc/$pid" ]] && (( SECONDS < deadline )); do sleep 0.1; done
  done
  for name in "$@"; do rm -f "$PIDS/$name" "$PIDS/$name.program"; done
}
