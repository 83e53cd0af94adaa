// The init container's script. POSIX sh, because it runs in whatever shell the redis image has
// (dash, busybox ash), and the tests run it unchanged on the host. It reads only environment
// variables that the webhook sets on the init container, so nothing else can steer the role.
export const roleScript = `set -eu
name="\${POD_NAME:?POD_NAME is not set}"
ordinal="\${name##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "redis-replication: cannot read an ordinal from pod name '$name'" >&2; exit 1 ;;
esac
conf="$REDIS_CONFIG_FILE"
tmp="$conf.tmp"
mkdir -p "$(dirname "$conf")" "$REDIS_DATA_DIR"
# A redis.conf string, double-quoted with every byte written as \\xHH: quotes, backslashes and
# newlines (a Secret made from a file often ends in one) reach Redis exactly as the clients send them.
# The value is piped, never put through $(...), which would drop its trailing newlines.
quote() { printf '"%s"' "$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \\n' | sed 's/../\\\\x&/g')"; }
{
  echo "port $REDIS_PORT"
  echo "bind $REDIS_BIND"
  # printf, not echo, for values that may hold a backslash: dash's echo (the redis image's sh) rewrites them.
  printf 'dir %s\\n' "$(quote "$REDIS_DATA_DIR")"
  printf '%s\\n' "$REDIS_REPLICATION_CONFIG"
  if [ -n "\${REDIS_PASSWORD:-}" ]; then
    printf 'requirepass %s\\n' "$(quote "$REDIS_PASSWORD")"
    printf 'masterauth %s\\n' "$(quote "$REDIS_PASSWORD")"
  fi
} > "$tmp"
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
if [ "$ordinal" = 0 ]; then
  role=leader
else
  role=follower
  # Pod 0 may still be starting: its DNS name exists only once it does. Wait, but not forever,
  # so a broken leader shows up as a failing init container rather than a hung pod.
  waited=0
  until resolves "$REDIS_LEADER_HOST"; do
    if [ "$waited" -ge "$REDIS_LEADER_WAIT_SECONDS" ]; then
      echo "redis-replication: leader $REDIS_LEADER_HOST did not resolve within \${REDIS_LEADER_WAIT_SECONDS}s" >&2
      exit 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "replicaof $REDIS_LEADER_HOST $REDIS_PORT" >> "$tmp"
fi
mv "$tmp" "$conf"
echo "redis-replication: $name is the $role ($conf)"
`;
