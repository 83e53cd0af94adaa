import { sentinelObserverUser } from '../../wire/replicationNames.js';

// The init container's script. POSIX sh, because it runs in whatever shell the redis image has
// (dash, busybox ash), and the tests run it unchanged on the host. It reads only environment
// variables that the webhook sets on the init container, so nothing else can steer the role.
// Kubernetes expands $(NAME) in a container's command when NAME is one of its env variables: the
// script never spells a variable of its own that way (a password would be pasted into it).
export const roleScript = `set -eu
name="\${POD_NAME:?POD_NAME is not set}"
ordinal="\${name##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "redis-replication: cannot read an ordinal from pod name '$name'" >&2; exit 1 ;;
esac
conf="$REDIS_CONFIG_FILE"
tmp="$conf.tmp"
mkdir -p "$(dirname "$conf")"
refuse() {
  echo "redis-replication: $user_conf $1; the webhook cannot make this group replicate. $2" >&2
  exit 1
}
# The user's own config file, which the rendered one includes. The webhook never sees its contents, so
# what would break replication is refused here, where the pod's log shows it, before Redis starts.
user_conf="\${REDIS_USER_CONFIG_FILE:-}"
if [ -n "$user_conf" ]; then
  [ -r "$user_conf" ] || refuse "cannot be read" "Mount the file in the Redis container (and this init container gets the same mount)."
  has() { grep -Eiq "^[[:space:]]*$1" "$user_conf"; }
  if has '(replicaof|slaveof)[[:space:]]'; then refuse "sets replicaof/slaveof" "Remove it: the webhook makes pod 0 the leader and points every other pod at it."; fi
  if has 'cluster-enabled[[:space:]]+"?yes'; then refuse "enables Redis Cluster (cluster-enabled yes)" "Replication by the webhook is for standalone Redis; remove the label for a Redis Cluster."; fi
  if has 'tls-port[[:space:]]' || has 'port[[:space:]]+"?0"?[[:space:]]*$'; then refuse "serves TLS (tls-port or port 0)" "The injected replicaof and probes speak plain TCP; remove the TLS settings or the label."; fi
  if [ -z "\${REDIS_PASSWORD:-}" ] && has 'requirepass[[:space:]]'; then refuse "sets requirepass" "Followers and probes need the password from a Secret: put it in a Secret, give the Redis container an env variable from it (secretKeyRef) and the arguments --requirepass \\$(NAME) with that variable's name, and drop it from the file."; fi
  if [ -z "\${REDIS_PASSWORD:-}" ] && has 'protected-mode[[:space:]]+"?yes'; then refuse "sets protected-mode yes without a password" "Protected mode refuses the followers' connections: set a password from a Secret or protected-mode no."; fi
fi
# A redis.conf string, double-quoted with every byte written as \\xHH: quotes, backslashes and
# newlines (a Secret made from a file often ends in one) reach Redis exactly as the clients send them.
# The value is piped, never put through $(...), which would drop its trailing newlines.
quote() { printf '"%s"' "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \\n' | sed 's/../\\\\x&/g')"; }
{
  # First the defaults and the user's own config (its file included), then what replication owns, which
  # must win over them; redis-server applies the container's --key value arguments after the file.
  printf '%s\\n' "$REDIS_REPLICATION_CONFIG"
  echo "port $REDIS_PORT"
  echo "bind $REDIS_BIND"
  # printf, not echo, for values that may hold a backslash: dash's echo (the redis image's sh) rewrites them.
  printf 'dir %s\\n' "$(quote "$REDIS_DATA_DIR")"
  if [ -n "\${REDIS_PASSWORD:-}" ]; then
    printf 'requirepass %s\\n' "$(quote "$REDIS_PASSWORD")"
    printf 'masterauth %s\\n' "$(quote "$REDIS_PASSWORD")"
  fi
} > "$tmp"
# Waits $1 seconds more, or, once leaderWaitSeconds are used up, exits with the message $2: a member
# that cannot start shows up as a failing init container the kubelet retries, not as a hung pod.
waited=0
patience() {
  if [ "$waited" -ge "$REDIS_LEADER_WAIT_SECONDS" ]; then
    echo "redis-replication: $2" >&2
    exit 1
  fi
  sleep "$1"
  waited=$((waited + $1))
}
resolves() {
  # An IP address needs no lookup; getent would try a reverse lookup, which may fail.
  # IPv6 has a colon, IPv4 only digits and dots.
  case "$1" in
    *:*) return 0 ;;
    *[!0-9.]*) ;;
    *) return 0 ;;
  esac
  if command -v getent >/dev/null 2>&1; then getent hosts "$1"; else nslookup "$1"; fi >/dev/null 2>&1
}
# A member's DNS name made absolute (a trailing dot), so a resolver asks for that name alone and never
# walks the pod's search list. Redis and Sentinel resolve names in their main thread: a name the cluster
# DNS has withdrawn (the pod is gone or not ready) would otherwise be tried under every search domain,
# and one of a node's own domains whose DNS server does not answer stalls them for seconds each time; a
# stalled Sentinel enters TILT mode and fails nothing over. An absolute name is answered NXDOMAIN at once.
absolute() {
  case "$1" in
    *. | *:*) printf '%s' "$1" ;;
    *[!0-9.]*) printf '%s.' "$1" ;;
    *) printf '%s' "$1" ;;
  esac
}
if [ "\${REDIS_FAILOVER:-none}" = sentinel ]; then
  # Any member may lead; the other members' Sentinels know which one does. Never ask this member's own
  # Sentinel: it is not running yet, and after a restart it would only repeat what it knew before.
  base="\${name%-*}"
  me=$(absolute "$name.$REDIS_MEMBER_DOMAIN")
  sconf="$REDIS_SENTINEL_CONFIG_FILE"
  if [ -n "\${REDIS_PASSWORD:-}" ]; then export REDISCLI_AUTH="$REDIS_PASSWORD"; fi
  # Sentinel rewrites its config as it learns: on the data volume, it is this member's record of the
  # last master, and of the last epoch it voted in (kept, so it never votes twice in one epoch).
  recorded="" epoch=""
  if [ -f "$sconf" ]; then
    recorded=$(awk -v m="$REDIS_SENTINEL_MASTER" '$1 == "sentinel" && $2 == "monitor" && $3 == m { print $4 }' "$sconf")
    if [ -n "$recorded" ]; then recorded=$(absolute "$recorded"); fi
    epoch=$(awk '$1 == "sentinel" && $2 == "current-epoch" { print $3 }' "$sconf")
  fi
  cli() { if command -v timeout >/dev/null 2>&1; then timeout 3 redis-cli "$@"; else redis-cli "$@"; fi; }
  # "<master> <flags>" from the Sentinel at $1; nothing when it cannot be asked or knows no such master.
  ask() {
    resolves "$1" || return 0
    cli -h "$1" -p "$REDIS_SENTINEL_PORT" sentinel master "$REDIS_SENTINEL_MASTER" 2>/dev/null |
      awk 'NR % 2 == 1 { key = $0; next } { value[key] = $0 } END { if (value["name"] != "") print value["ip"], value["flags"] }'
  }
  has_data() {
    for f in dump.rdb appendonlydir appendonly.aof; do [ -e "$REDIS_DATA_DIR/$f" ] && return 0; done
    return 1
  }
  members="$REDIS_MEMBERS"
  if [ "$ordinal" -ge "$members" ]; then members=$((ordinal + 1)); fi
  while :; do
    answers="" busy=""
    k=0
    while [ "$k" -lt "$members" ]; do
      if [ "$k" != "$ordinal" ]; then
        answer=$(ask "$(absolute "$base-$k.$REDIS_MEMBER_DOMAIN")")
        if [ -n "$answer" ]; then
          answers="$answers $(absolute "\${answer%% *}")"
          case "$answer" in *failover_in_progress*) busy="a failover is in progress" ;; esac
        fi
      fi
      k=$((k + 1))
    done
    if [ -z "$answers" ]; then
      # No other member's Sentinel answers: the group is starting, for the first time or all at once.
      if [ -n "$recorded" ]; then master="$recorded" why="no other Sentinel answers; the last master recorded on this member's volume"
      elif [ "$ordinal" = 0 ]; then master="$me" why="no other Sentinel answers and nothing is recorded: the bootstrap member"
      else master=$(absolute "$REDIS_LEADER_HOST") why="no other Sentinel answers and nothing is recorded: following the bootstrap member"
      fi
      break
    fi
    distinct=$(printf '%s\\n' $answers | sort -u)
    if [ -z "$busy" ] && [ "$(printf '%s\\n' "$distinct" | wc -l)" -eq 1 ]; then
      master="$distinct" why="the other members' Sentinels agree"
      # Named while it was away (back within down-after, or the whole group restarted): lead with the
      # data on its volume. With none, leading would wipe every follower: let the Sentinels fail over.
      if [ "$master" != "$me" ] || has_data; then break; fi
      busy="the Sentinels name this member as the master, but it has no data to lead with"
    fi
    if [ -z "$busy" ]; then busy="the other members' Sentinels disagree on the master:$answers"; fi
    patience 1 "$busy, still after \${REDIS_LEADER_WAIT_SECONDS}s; exiting so that the kubelet retries"
  done
  if [ "$master" = "$me" ]; then role=leader; else role=follower; echo "replicaof $master $REDIS_PORT" >> "$tmp"; fi
  # Followers and Sentinels name members by DNS name, which stays while pod addresses change.
  echo "replica-announce-ip $me" >> "$tmp"
  # A Sentinel id per member that survives restarts, so the others never count one member twice.
  myid=$(printf '5e0711e15e0711e15e0711e15e0711e1%08x' "$ordinal")
  {
    echo "port $REDIS_SENTINEL_PORT"
    echo "sentinel myid $myid"
    echo "sentinel resolve-hostnames yes"
    echo "sentinel announce-hostnames yes"
    echo "sentinel announce-ip $me"
    # Who the master is, and its switches, and nothing else, for anyone: the webhook's leader labels follow them.
    echo "user ${sentinelObserverUser} on nopass -@all +ping +sentinel|get-master-addr-by-name +subscribe &+switch-master"
    if [ -n "$epoch" ]; then echo "sentinel current-epoch $epoch"; fi
    echo "sentinel monitor $REDIS_SENTINEL_MASTER $master $REDIS_PORT $REDIS_SENTINEL_QUORUM"
    printf '%s\\n' "$REDIS_SENTINEL_SETTINGS"
    # Each member's Sentinel calls the master down one second later than the member before it.
    # Sentinels that call it down together each vote for themselves, none wins, and the next try comes
    # only after twice the failover timeout (on a real node, a leader in a crash loop brought the three
    # Sentinels' pings into step: no failover). One that calls it down later has voted for the first.
    down_after=$(printf '%s\\n' "$REDIS_SENTINEL_SETTINGS" | awk -v m="$REDIS_SENTINEL_MASTER" '$1 == "sentinel" && $2 == "down-after-milliseconds" && $3 == m { print $4 }')
    if [ -n "$down_after" ]; then echo "sentinel down-after-milliseconds $REDIS_SENTINEL_MASTER $((down_after + ordinal * 1000))"; fi
    if [ -n "\${REDIS_PASSWORD:-}" ]; then
      printf 'requirepass %s\\n' "$(quote "$REDIS_PASSWORD")"
      printf 'sentinel auth-pass %s %s\\n' "$REDIS_SENTINEL_MASTER" "$(quote "$REDIS_PASSWORD")"
      printf 'sentinel sentinel-pass %s\\n' "$(quote "$REDIS_PASSWORD")"
    else
      echo "protected-mode no"
    fi
  } > "$sconf.tmp"
  mv "$sconf.tmp" "$sconf"
  echo "redis-replication: the master is $master ($why)"
elif [ "$ordinal" = 0 ]; then
  role=leader
else
  role=follower
  leader=$(absolute "$REDIS_LEADER_HOST")
  # Pod 0 may still be starting: its DNS name exists only once it does.
  until resolves "$leader"; do
    patience 2 "leader $REDIS_LEADER_HOST did not resolve within \${REDIS_LEADER_WAIT_SECONDS}s"
  done
  echo "replicaof $leader $REDIS_PORT" >> "$tmp"
fi
mv "$tmp" "$conf"
echo "redis-replication: $name is the $role ($conf)"
`;
