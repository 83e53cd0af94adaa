#!/usr/bin/env bash
# Builds the node's container images from this machine's Debian packages, as OCI images in a blob store
# that test/cluster/registry.mjs serves under every name the manifests use. No image is downloaded: the
# machine reaches no container registry.
#
#   images.sh            builds what is missing or stale; prints the store's folder on stdout
#
# Images (one rootfs each, one layer):
#   redis    the official image's layout and start: /usr/local/bin/{redis-server,redis-cli,redis-sentinel},
#            docker-entrypoint.sh (test/cluster/images/official-entrypoint.sh), gosu, user redis (999),
#            /data as working directory; a busybox shell and getent
#   valkey   the same with valkey-* names (redis-* kept, as valkey's images keep them) and user valkey (999)
#   redis-exporter  oliver006/redis_exporter's layout: Debian's prometheus-redis-exporter (the same program,
#            v1.45) at /redis_exporter as the entrypoint, user 59000, no shell
#   busybox  busybox-static with its applets
#   pause    the sandbox's pause process (a static Go program, below)
#   webhook  this project as the Dockerfile's last stage has it (built by `images.sh webhook`, from dist/)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${RRW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-replication-webhook/control-plane}"
STORE="$CACHE/images"
log() { echo "[images] $*" >&2; }

for tool in redis-server redis-cli prometheus-redis-exporter busybox gosu getent sha256sum; do
  command -v "$tool" >/dev/null || { log "$tool is required (Debian: redis-server redis-tools prometheus-redis-exporter busybox-static gosu)"; exit 1; }
done
mkdir -p "$STORE/blobs/sha256" "$STORE/names"
exec 8>"$STORE/.lock"
flock 8

# blob FILE: moves FILE into the store under its digest; prints the digest.
blob() {
  local digest
  digest="sha256:$(sha256sum "$1" | cut -d' ' -f1)"
  mv "$1" "$STORE/blobs/sha256/${digest#sha256:}"
  echo "$digest"
}
size() { stat -c %s "$STORE/blobs/sha256/${1#sha256:}"; }

# image NAME ROOTFS CONFIG_JSON: one layer of ROOTFS, the image config's `config` object, a manifest;
# records the manifest's digest under NAME.
image() {
  local name="$1" rootfs="$2" config="$3" tmp layer diff_id config_digest manifest
  tmp="$(mktemp -d "$STORE/.tmp.XXXXXX")"
  # Reproducible: sorted, fixed times, numeric owners (the rootfs was made as root with the image's ids).
  tar --sort=name --mtime=@0 --numeric-owner -C "$rootfs" -cf "$tmp/layer.tar" .
  diff_id="sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  gzip -n "$tmp/layer.tar"
  layer="$(blob "$tmp/layer.tar.gz")"
  printf '{"architecture":"amd64","os":"linux","config":%s,"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
    "$config" "$diff_id" >"$tmp/config.json"
  config_digest="$(blob "$tmp/config.json")"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
    "$config_digest" "$(size "$config_digest")" "$layer" "$(size "$layer")" >"$tmp/manifest.json"
  manifest="$(blob "$tmp/manifest.json")"
  echo "$manifest" >"$STORE/names/$name"
  rm -rf "$tmp"
  log "$name $manifest"
}

# libraries ROOTFS BINARY...: copies the binaries' shared libraries (and the loader) into ROOTFS.
libraries() {
  local rootfs="$1" lib
  shift
  for lib in $(ldd "$@" 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# base ROOTFS: a shell and the tools start scripts use (busybox), getent, /etc files, /tmp.
base() {
  local rootfs="$1" applet
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(busybox --list-full); do
    [[ -e "$rootfs/$applet" ]] || ln -s /bin/busybox "$rootfs/$applet"
  done
  cp /usr/bin/getent "$rootfs/usr/bin/getent"
  libraries "$rootfs" /usr/bin/getent
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
}

PATH_ENV='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'

# server_image NAME SERVER USER: the official redis or valkey image.
server_image() {
  local name="$1" server="$2" user="$3" rootfs="$STORE/.rootfs-$1" bin
  rm -rf "$rootfs"
  base "$rootfs"
  bin="$rootfs/usr/local/bin"
  mkdir -p "$bin"
  cp -L /usr/bin/redis-server "$bin/redis-server"
  cp -L /usr/bin/redis-cli "$bin/redis-cli"
  libraries "$rootfs" /usr/bin/redis-server /usr/bin/redis-cli
  # redis-server becomes a Sentinel when called redis-sentinel, as in the official images.
  ln -s redis-server "$bin/redis-sentinel"
  ln -s redis-server "$bin/redis-check-aof"
  ln -s redis-server "$bin/redis-check-rdb"
  if [[ "$server" == valkey-server ]]; then
    ln -s redis-server "$bin/valkey-server"
    ln -s redis-cli "$bin/valkey-cli"
    # redis-server turns into a Sentinel by the name redis-sentinel only.
    printf '#!/bin/sh\nexec redis-sentinel "$@"\n' >"$bin/valkey-sentinel"
    chmod 755 "$bin/valkey-sentinel"
  fi
  cp "$(command -v gosu)" "$bin/gosu"
  sed -e "s/@SERVER@/$server/g" -e "s/@USER@/$user/g" "$HERE/images/official-entrypoint.sh" >"$bin/docker-entrypoint.sh"
  chmod 755 "$bin/docker-entrypoint.sh"
  echo "$user:x:999:999::/home/$user:/bin/sh" >>"$rootfs/etc/passwd"
  echo "$user:x:999:" >>"$rootfs/etc/group"
  mkdir -p "$rootfs/data"
  chown 999:999 "$rootfs/data"
  image "$name" "$rootfs" "{\"Env\":[$PATH_ENV],\"Entrypoint\":[\"docker-entrypoint.sh\"],\"Cmd\":[\"$server\"],\"WorkingDir\":\"/data\",\"ExposedPorts\":{\"6379/tcp\":{}},\"Volumes\":{\"/data\":{}}}"
  rm -rf "$rootfs"
}

# The exporter the policy's metrics.exporter runs (defaultExporter in src/core/policy/defaultPolicy.ts):
# like oliver006/redis_exporter's scratch image, the binary at /redis_exporter as its entrypoint, set up by
# env (REDIS_ADDR, REDIS_PASSWORD, REDIS_EXPORTER_WEB_LISTEN_ADDRESS), user 59000, its libraries (Debian
# may link it dynamically) and /etc files for name lookups.
exporter_image() {
  local rootfs="$STORE/.rootfs-redis-exporter"
  rm -rf "$rootfs"
  mkdir -p "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp -L "$(command -v prometheus-redis-exporter)" "$rootfs/redis_exporter"
  libraries "$rootfs" "$(command -v prometheus-redis-exporter)"
  printf 'root:x:0:0:root:/root:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  image redis-exporter "$rootfs" '{"Entrypoint":["/redis_exporter"],"User":"59000:59000","ExposedPorts":{"9121/tcp":{}}}'
  rm -rf "$rootfs"
}

busybox_image() {
  local rootfs="$STORE/.rootfs-busybox"
  rm -rf "$rootfs"
  base "$rootfs"
  image busybox "$rootfs" "{\"Env\":[$PATH_ENV],\"Cmd\":[\"sh\"]}"
  rm -rf "$rootfs"
}

# The pause process: PID 1 of every pod sandbox, holding its namespaces; it reaps orphans and leaves on
# SIGINT or SIGTERM, as Kubernetes' own pause does.
pause_image() {
  local src="$STORE/.pause-src" rootfs="$STORE/.rootfs-pause"
  rm -rf "$src" "$rootfs"
  mkdir -p "$src" "$rootfs"
  cat >"$src/main.go" <<'GO'
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			os.Exit(0)
		}
		for {
			if pid, _ := syscall.Wait4(-1, nil, syscall.WNOHANG, nil); pid <= 0 {
				break
			}
		}
	}
}
GO
  printf 'module pause\n\ngo 1.22\n' >"$src/go.mod"
  (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -trimpath -ldflags '-s -w' -o "$rootfs/pause" .)
  image pause "$rootfs" '{"Entrypoint":["/pause"],"User":"65535:65535"}'
  rm -rf "$src" "$rootfs"
}

# webhook: the Dockerfile's final stage from this checkout's dist/ and its production dependencies:
# node at /nodejs/bin/node (where distroless has it), user 65532, the same ENV, ENTRYPOINT and CMD.
webhook_image() {
  local rootfs="$STORE/.rootfs-webhook" deps="$CACHE/webhook-dependencies" lock_hash
  [[ -f "$REPO/dist/cli.js" ]] || { log "dist/ is missing: run npm run build first"; exit 1; }
  # Production dependencies from the lockfile, kept between runs while the lockfile is unchanged.
  lock_hash="$(cat "$REPO/package.json" "$REPO/package-lock.json" | sha256sum | cut -c1-16)"
  if [[ ! -f "$deps/$lock_hash/.done" ]]; then
    rm -rf "$deps"
    mkdir -p "$deps/$lock_hash"
    cp "$REPO/package.json" "$REPO/package-lock.json" "$deps/$lock_hash/"
    (cd "$deps/$lock_hash" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund >&2)
    touch "$deps/$lock_hash/.done"
  fi
  rm -rf "$rootfs"
  mkdir -p "$rootfs/nodejs/bin" "$rootfs/app" "$rootfs/etc" "$rootfs/tmp"
  chmod 1777 "$rootfs/tmp"
  cp -L "$(command -v node)" "$rootfs/nodejs/bin/node"
  libraries "$rootfs" "$(command -v node)"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
  printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  cp "$REPO/package.json" "$rootfs/app/"
  cp -r "$deps/$lock_hash/node_modules" "$rootfs/app/node_modules"
  cp -r "$REPO/dist" "$rootfs/app/dist"
  rm -rf "$rootfs/app/dist/function"
  image webhook "$rootfs" "{\"Env\":[$PATH_ENV,\"NODE_ENV=production\",\"NODE_OPTIONS=--max-semi-space-size=4 --max-old-space-size=128\"],\"Entrypoint\":[\"/nodejs/bin/node\",\"dist/cli.js\"],\"Cmd\":[\"serve\"],\"WorkingDir\":\"/app\",\"User\":\"65532:65532\",\"ExposedPorts\":{\"8443/tcp\":{}}}"
  rm -rf "$rootfs"
}

if [[ "${1:-}" == webhook ]]; then
  webhook_image
  echo "$STORE"
  exit 0
fi

# Rebuilt when what goes into them changes: this script, the entrypoint, the Debian packages' versions.
inputs="$(cat "$0" "$HERE/images/official-entrypoint.sh"; dpkg-query -W redis-server redis-tools prometheus-redis-exporter busybox-static gosu libc6 2>/dev/null || true)"
stamp="$(sha256sum <<<"$inputs" | cut -c1-16)"
if [[ "$(cat "$STORE/.stamp" 2>/dev/null)" != "$stamp" ]]; then
  server_image redis redis-server redis
  server_image valkey valkey-server valkey
  exporter_image
  busybox_image
  pause_image
  echo "$stamp" >"$STORE/.stamp"
fi
echo "$STORE"
