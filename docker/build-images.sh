#!/usr/bin/env bash
# Builds the images with podman, from the repository root's sources:
#   docker.io/library/debian:bookworm-slim  (docker/podman/base-image.sh, once)
#   localhost/startales-build:<version>     (docker/services/build/Dockerfile)
#   localhost/startales-{api,stt,tts}:<version>  (docker/services/<role>/Dockerfile)
# <version> is CMakeLists.txt's project VERSION. Prints each build's time and each image's size.
# Usage: docker/build-images.sh [ROLE...]   (default: api stt tts)   Env: JOBS (compile jobs).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/docker/podman/containers.conf}"
command -v podman >/dev/null 2>&1 ||
  { echo "build-images: podman is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }
version="$(sed -n 's/^project(startales VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ -n "$version" ] || { echo "build-images: no project VERSION in CMakeLists.txt" >&2; exit 1; }
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=(api stt tts)
for role in "${roles[@]}"; do
  [ -f "docker/services/$role/Dockerfile" ] ||
    { echo "build-images: no docker/services/$role/Dockerfile (roles: api stt tts)" >&2; exit 2; }
done

bash docker/podman/base-image.sh
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# --format docker keeps HEALTHCHECK (the OCI format drops it); --pull=never: no registry here,
# every FROM is the base above or the build image.
build() {
  local tag="$1" file="$2" start=$SECONDS
  shift 2
  if ! podman build --format docker --pull=never --layers -q -f "$file" -t "$tag" \
      --build-arg "STARTALES_VERSION=$version" "$@" . >"/tmp/build-images.$$.log" 2>&1; then
    tail -40 "/tmp/build-images.$$.log" >&2
    rm -f "/tmp/build-images.$$.log"
    echo "build-images: building $tag from $file failed (log above)" >&2
    exit 1
  fi
  rm -f "/tmp/build-images.$$.log"
  echo "build-images: $tag built in $((SECONDS - start)) s, $(podman image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1 / 1e6}')"
}
# This machine's CA bundle, for an egress proxy that re-signs TLS (npm in the build stage).
ca_bundle="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
[ -s "$ca_bundle" ] || { echo "build-images: no CA bundle at $ca_bundle (set CA_BUNDLE)" >&2; exit 1; }
build "localhost/startales-build:$version" docker/services/build/Dockerfile \
  --build-arg "JOBS=${JOBS:-}" --secret "id=ca-certificates,src=$ca_bundle"
for role in "${roles[@]}"; do
  build "localhost/startales-$role:$version" "docker/services/$role/Dockerfile" \
    --build-arg "STARTALES_REVISION=$revision" --build-arg "STARTALES_CREATED=$created"
done
