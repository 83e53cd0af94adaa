#!/usr/bin/env bash
# Build a real Kubernetes control plane (kube-apiserver, kube-controller-manager,
# etcd) and the node's kube-scheduler and kubelet from the Go module proxy, and
# cache the binaries.
#
# Why from source: the machine has no Docker and no general internet access,
# only package registries; proxy.golang.org serves the Kubernetes sources.
#
# Output: $CACHE/<k8s-version>/bin/{kube-apiserver,kube-controller-manager,kube-scheduler,kubelet,etcd}
# The bin directory is printed on stdout (progress goes to stderr), so callers
# can do BIN=$(test/cluster/build.sh). A warm cache makes this a no-op.
set -euo pipefail

# Pinned versions (change both together; the cache is keyed by K8S_VERSION).
# 1.33 is the oldest line we want: kubectl here is v1.32, and kubectl supports
# one minor of skew. v1.33.13 is the newest 1.33 patch on the proxy and builds
# with Go 1.26. etcd 3.5.21 is what Kubernetes 1.33 is tested against (its
# go.mod pins the go.etcd.io/etcd client libraries at 3.5.21 too).
K8S_VERSION=v1.33.13
ETCD_VERSION=v3.5.21
# The node's cluster DNS: the CoreDNS release of Kubernetes 1.33's line (its own module and dependencies).
COREDNS_VERSION=v1.14.7

CACHE="${RRW_CLUSTER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/redis-replication-webhook/control-plane}"
ROOT="$CACHE/$K8S_VERSION"
BIN="$ROOT/bin"
# The Kubernetes commands, built together; etcd is a module of its own.
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubelet)
BINARIES=("${KUBE_COMMANDS[@]}" etcd coredns)

log() { echo "[build] $*" >&2; }

have_all() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN/$b" ]] || return 1; done
}

# Fast path: nothing to do (keeps up.sh cheap once the cache is warm).
if have_all; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || { log "go is required"; exit 1; }
mkdir -p "$BIN"

# Serialise concurrent builds (e.g. two test runs starting at once); the second
# one waits and then finds the binaries already present.
exec 9>"$ROOT/.build.lock"
flock 9
if have_all; then echo "$BIN"; exit 0; fi

# Never let Go fetch a different toolchain behind our back: the pinned releases
# must build with the Go that is installed. GOFLAGS is reset so a caller's
# setting (e.g. -mod=vendor) cannot change how these throwaway modules build.
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
LDFLAGS_BASE="-s -w"
start=$SECONDS

# --- the Kubernetes commands -------------------------------------------------
missing=()
for b in "${KUBE_COMMANDS[@]}"; do [[ -x "$BIN/$b" ]] || missing+=("$b"); done
if (( ${#missing[@]} > 0 )); then
  MOD="$ROOT/src/kubernetes"
  mkdir -p "$MOD"
  log "fetching k8s.io/kubernetes@$K8S_VERSION go.mod"
  upstream_gomod=$(cd "$MOD" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -f "$upstream_gomod" ]] || { log "could not download k8s.io/kubernetes@$K8S_VERSION"; exit 1; }

  # k8s.io/kubernetes replaces its staging modules (k8s.io/api, client-go, ...)
  # with ./staging/src/..., which is not part of the proxied module zip and is
  # ignored for dependencies anyway. Each staging module is published as
  # v0.<minor>.<patch>, so point the same replace set at those releases.
  staging_version="v0.${K8S_VERSION#v1.}"
  go_line=$(grep -m1 '^go ' "$upstream_gomod")
  godebug_line=$(grep -m1 '^godebug ' "$upstream_gomod" || true)
  {
    echo "module rrw.local/kube-build"
    echo
    echo "$go_line"
    [[ -n "$godebug_line" ]] && echo "$godebug_line"   # same runtime defaults as upstream builds
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\t\1 => \1 '"$staging_version"'#p' "$upstream_gomod"
    echo ")"
  } >"$MOD/go.mod"
  # Blank imports make `go mod tidy` keep exactly what the commands need.
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for b in "${KUBE_COMMANDS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
    printf ')\n'
  } >"$MOD/tools.go"
  # Unused replaces (e.g. sample-cli-plugin, not always published) are harmless:
  # Go only resolves replacements for modules actually in the build graph.
  log "resolving dependencies (go mod tidy)"
  (cd "$MOD" && go mod tidy >/dev/null 2>"$MOD/tidy.log") || { cat "$MOD/tidy.log" >&2; exit 1; }

  minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  vpkg=k8s.io/component-base/version
  # Without these, /version reports v0.0.0-master and kubectl prints skew
  # warnings. -trimpath and a fixed buildDate also make the build reproducible.
  ldflags="$LDFLAGS_BASE -X $vpkg.gitVersion=$K8S_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor \
-X $vpkg.gitTreeState=clean -X $vpkg.buildDate=1970-01-01T00:00:00Z"

  log "building ${missing[*]} $K8S_VERSION (slow on a cold cache)"
  tmp=$(mktemp -d "$ROOT/.out.XXXXXX")
  # One `go build` for all commands so shared packages compile only once.
  (cd "$MOD" && go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${missing[@]/#/k8s.io/kubernetes/cmd/}")
  # Rename into place only after success: an interrupted build never leaves a
  # half-written binary that the fast path above would trust.
  for b in "${missing[@]}"; do mv "$tmp/$b" "$BIN/"; done
  rmdir "$tmp"
fi

# --- etcd and CoreDNS ---------------------------------------------------------
# program NAME GO REQUIREMENT: builds NAME from a module of its own (its dependency graph must not be
# bent by Kubernetes'), requiring REQUIREMENT, with the main.go read from stdin.
program() {
  local name="$1" go_version="$2" requirement="$3" mod="$ROOT/src/$1"
  if [[ -x "$BIN/$name" ]]; then cat >/dev/null; return 0; fi
  mkdir -p "$mod"
  printf 'module rrw.local/%s-build\n\ngo %s\n\nrequire %s\n' "$name" "$go_version" "$requirement" >"$mod/go.mod"
  cat >"$mod/main.go"
  log "resolving $name dependencies ($requirement)"
  (cd "$mod" && go mod tidy >/dev/null 2>"$mod/tidy.log") || { cat "$mod/tidy.log" >&2; exit 1; }
  log "building $name"
  (cd "$mod" && go build -trimpath -ldflags "$LDFLAGS_BASE" -o "$BIN/.$name.tmp" .)
  mv "$BIN/.$name.tmp" "$BIN/$name"
}

program etcd 1.23 "go.etcd.io/etcd/server/v3 $ETCD_VERSION" <<'GO'
// Same entry point as etcd's own main package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO

program coredns 1.25.0 "github.com/coredns/coredns $COREDNS_VERSION" <<'GO'
// Same entry point as CoreDNS's own main package, with its default plugin set.
package main

import (
	_ "github.com/coredns/coredns/core/plugin"
	"github.com/coredns/coredns/coremain"
)

func main() { coremain.Run() }
GO

log "done in $((SECONDS - start))s -> $BIN"
echo "$BIN"
