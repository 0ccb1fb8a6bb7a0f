#!/usr/bin/env bash
# Installs every Debian package StarTales needs to build, test and run.
# Idempotent: when everything is present it only checks and exits quickly.
# Works as root or through sudo. Debian 12 packages only.
# Usage: scripts/bootstrap.sh [--build]   (--build: only what building needs, see below)
set -euo pipefail
build_only=0
case "${1:-}" in
  --build) build_only=1 ;;
  "") ;;
  *) echo "bootstrap: unknown argument '$1' (expected --build)" >&2; exit 2 ;;
esac

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git curl
  # make fuzz: clang with libFuzzer and the sanitizer runtimes; llvm-symbolizer for reports
  clang-14 libclang-rt-14-dev llvm-14
  # libraries
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libsqlite3-dev libhiredis-dev prometheus-cpp-dev
  # the cluster node (startales api): NATS client for the bus (Redis: hiredis, above)
  libnats-dev
  libsodium-dev libcli11-dev
  # the server's allocator (many threads, many small short-lived allocations per message)
  libjemalloc-dev
  # AI memory: approximate nearest-neighbour search (header-only)
  libhnswlib-dev
  # speech: recognition (pocketsphinx 0.8 with its en-us model and pronouncing dictionary,
  # which the game's names are checked against), synthesis (espeak-ng), resampling
  pocketsphinx-en-us libpocketsphinx-dev libsphinxbase-dev
  espeak-ng libespeak-ng-dev libsamplerate0-dev
  # tests: soxi checks the WAV files the TTS service writes
  sox
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql redis-server wrk procps
  # the cluster tests: a real NATS server and nginx in front of the api nodes
  nats-server nginx
  # the web client's end-to-end tests: headless Chromium driven by playwright-core
  chromium
  # monitoring (docker/tests/monitoring.sh): promtool and a real Prometheus for the rules and dashboards
  prometheus
  # containers (docker/): rootful podman on runc (crun fails on this machine's cgroups), its
  # network stack, the pause image's init for kube play, a debootstrap'd base image,
  # docker-compose 1.29 on podman's socket; shellcheck for every script
  podman buildah runc conmon catatonit netavark aardvark-dns iptables debootstrap docker-compose shellcheck
)
# --build (the images' build stage, docker/services/build/Dockerfile): only what compiling the
# release binary and the web client needs; no test servers, browser, fuzzer or container
# tools. Every name here is also in the list above (docker/tests/compose.sh checks).
build_packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev libsqlite3-dev libhiredis-dev prometheus-cpp-dev libnats-dev
  libsodium-dev libcli11-dev libjemalloc-dev libhnswlib-dev
  libpocketsphinx-dev libsphinxbase-dev libespeak-ng-dev libsamplerate0-dev
)
[ "$build_only" -eq 0 ] || packages=("${build_packages[@]}")
# The web client is built with node and npm: Debian's (node 18), unless a node is already
# installed (e.g. from another repository, which ships its own npm).
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The Kubernetes manifests are checked with `kubectl kustomize` (docker/tests/k8s.sh): any kubectl
# already installed, else Debian's (1.20, whose kustomize v2 the manifests are written for too).
[ "$build_only" -eq 1 ] || command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
