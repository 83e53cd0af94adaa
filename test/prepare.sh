#!/usr/bin/env bash
# Everything the test suite needs, prepared or reported: nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

need_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null
}
if ! need_redis; then
  echo "prepare: redis-server is missing; installing Debian's redis-server package" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq redis-server >&2 || true
  # The package starts a shared system instance; tests start their own on 127.0.0.x.
  (service redis-server stop || true) >/dev/null 2>&1
  need_redis || { echo "prepare: FAILED: redis-server and redis-cli are required (apt-get install -y redis-server)" >&2; exit 1; }
fi

command -v kubectl >/dev/null || { echo "prepare: FAILED: kubectl is required on PATH" >&2; exit 1; }

# The kubelet stand-in (test/fixtures/kubelet/) runs pods in network and mount namespaces of their own.
if ! command -v ip >/dev/null; then
  echo "prepare: ip is missing; installing Debian's iproute2 package" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq iproute2 >&2 || true
fi
for tool in ip unshare nsenter setpriv; do
  command -v "$tool" >/dev/null || { echo "prepare: FAILED: $tool is required (Debian: iproute2, util-linux)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "prepare: FAILED: the tests that run pods (kubelet stand-in) need root for network and mount namespaces" >&2; exit 1; }

# The alert rules' tests: promtool (Debian's prometheus package) evaluates them on series; test/redis runs
# a real Prometheus scraping prometheus-redis-exporter (oliver006's redis_exporter) beside each redis-server.
need_monitoring() {
  command -v promtool >/dev/null && command -v prometheus >/dev/null && command -v prometheus-redis-exporter >/dev/null
}
if ! need_monitoring; then
  echo "prepare: promtool, prometheus or prometheus-redis-exporter is missing; installing Debian's prometheus and prometheus-redis-exporter packages" >&2
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  # No recommends: prometheus would bring prometheus-node-exporter, one more service nothing uses.
  $apt_get update -qq >&2 && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq --no-install-recommends prometheus prometheus-redis-exporter >&2 || true
  # The packages start shared services; the tests start their own on free ports.
  for service in prometheus prometheus-redis-exporter; do (service "$service" stop || true) >/dev/null 2>&1; done
  need_monitoring || { echo "prepare: FAILED: promtool, prometheus and prometheus-redis-exporter are required (apt-get install -y prometheus prometheus-redis-exporter)" >&2; exit 1; }
fi

# The local cluster's node (test/cluster/node-up.sh): containerd, runc and the CNI plugins run its pods;
# its images are built from Debian's busybox-static and gosu beside redis-server.
node_packages=(containerd runc containernetworking-plugins busybox-static gosu iptables)
missing=()
for package in "${node_packages[@]}"; do dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package"); done
if (( ${#missing[@]} > 0 )); then
  echo "prepare: installing Debian packages for the node: ${missing[*]}" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 ||
    { echo "prepare: FAILED: apt-get install ${missing[*]}" >&2; exit 1; }
fi

# AWS's linter for the Lambda example's SAM template, from PyPI.
if ! python3 -c "import cfnlint.runner" >/dev/null 2>&1; then
  echo "prepare: cfn-lint is missing; installing it from PyPI" >&2
  python3 -m pip install --quiet cfn-lint==1.51.0 >&2 || { echo "prepare: FAILED: pip install cfn-lint==1.51.0" >&2; exit 1; }
fi

# The tests start the CLI from dist/, as users do, and import the function-host bundle.
npm run bundle --silent >/dev/null

# The Go test tools (test/tools/: Argo CD's Lua health-check runner, the PromQL parser), cached outside the clone.
bash test/tools/build.sh health-lua >/dev/null
bash test/tools/build.sh promql-check >/dev/null

# The cluster's binaries (control plane, kubelet, scheduler, CoreDNS) and the node's images for the
# end-to-end tests (cached outside the clone; fast when warm).
bash test/cluster/build.sh >/dev/null
bash test/cluster/images.sh >/dev/null
bash test/cluster/images.sh webhook >/dev/null
