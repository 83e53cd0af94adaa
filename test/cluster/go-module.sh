# Sourced by the *-crds.sh scripts, which print other projects' manifests from their Go modules: the
# Go module proxy is the one source of them reachable here, and the Go module cache outlives a fresh clone.
#   module_files MODULE VERSION PATTERN...  prints every file of the module matching a pattern (relative
#                                           to the module root), each after a '---' line
#   go_module_dir MODULE VERSION            prints the module's directory, downloading it first

_script="$(basename "${BASH_SOURCE[1]:-go-module}" .sh)"
log() { echo "[$_script] $*" >&2; }
fail() { log "$*"; exit 1; }

go_module_dir() {
  local module="$1" version="$2" work info
  command -v go >/dev/null || fail "go is required: the manifests come from the Go module proxy ($module@$version)"
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

module_files() {
  local module="$1" version="$2" dir pattern file
  shift 2
  dir="$(go_module_dir "$module" "$version")"
  for pattern in "$@"; do
    # shellcheck disable=SC2206 # the pattern is a glob, expanded here on purpose
    local matched=("$dir"/$pattern)
    [[ -f "${matched[0]}" ]] || fail "no $pattern in $module@$version (${dir:-no module directory}): has the layout changed?"
    for file in "${matched[@]}"; do
      echo '---'
      cat "$file"
    done
  done
}
