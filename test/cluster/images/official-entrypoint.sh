#!/bin/sh
# The official redis and valkey images' entrypoint (docker-library), by behaviour: arguments that are
# options or a config file are for the server; as root, it hands the working directory to the server's
# user and runs itself again as that user; it tightens a default umask; without a config file that sets
# protected-mode, it adds `--protected-mode no`. @SERVER@ and @USER@ are filled in per image.
set -e
case "$1" in
  -*|*.conf) set -- @SERVER@ "$@" ;;
esac
if [ "$1" = @SERVER@ ] && [ "$(id -u)" = 0 ]; then
  find . \! -user @USER@ -exec chown @USER@ '{}' +
  exec gosu @USER@ "$0" "$@"
fi
if [ "$(umask)" = 0022 ]; then umask 0077; fi
if [ "$1" = @SERVER@ ]; then
  file=
  protect=yes
  if [ -f "${2:-}" ]; then
    file=$2
    if grep -q '^protected-mode' "$file"; then protect=; fi
  fi
  if [ -n "$protect" ]; then
    shift
    if [ -n "$file" ]; then shift; fi
    set -- --protected-mode no "$@"
    if [ -n "$file" ]; then set -- "$file" "$@"; fi
    set -- @SERVER@ "$@"
  fi
fi
exec "$@"
