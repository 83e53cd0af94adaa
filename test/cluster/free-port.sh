# Sourced by up.sh and node-up.sh. free_port sets $port to a TCP port no socket uses and this run has not
# handed out yet. Picked below the kernel's ephemeral range (32768+ by default), where outgoing
# connections would otherwise grab ports between our check and the bind; random start so concurrent
# checkouts rarely collide. (Not $(free_port): a subshell would lose the `taken` bookkeeping.)
taken=" "
in_use() {
  if command -v ss >/dev/null; then
    [[ -n "$(ss -Htan "( sport = :$1 )")" ]]   # any state, not only LISTEN
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}
free_port() {
  local p=$((10000 + RANDOM % 20000))
  while [[ "$taken" == *" $p "* ]] || in_use "$p"; do p=$((10000 + (p - 10000 + 1) % 20000)); done
  taken+="$p "
  port=$p
}
