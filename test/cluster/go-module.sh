# Sourced by the *-crds.sh scripts: go_module_dir MODULE VERSION prints the directory of a Go module
# downloaded from the Go module proxy (the one source of other projects' manifests reachable here) into the
# Go module cache, which outlives a fresh clone. Expects the sourcing script's fail().

go_module_dir() {
  local module="$1" version="$2" work info
  command -v go >/dev/null || fail "go is required: the CRDs come from the Go module proxy ($module@$version)"
  # Outside any module, with no toolchain switch and no caller's GOFLAGS (e.g. -mod=vendor) in the way.
  work="$(mktemp -d)"
  if ! info="$(cd "$work" && GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go mod download -json "$module@$version" 2>&1)"; then
    rm -rf "$work"
    fail "could not download $module@$version from the Go module proxy ($(go env GOPROXY)):
$info"
  fi
  rm -rf "$work"
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$info"
}
