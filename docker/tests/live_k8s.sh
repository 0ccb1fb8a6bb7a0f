#!/usr/bin/env bash
# The Kubernetes smoke run (docker/test-deployment.sh --live, after live.sh has built the
# images): the dev overlay's stt Deployment, as kustomize renders it, run for real with
# `podman kube play` — its probes' endpoints answer, it runs as the manifest's non-root uid on
# a read-only root file system with the emptyDirs it declares. Services, Ingress, HPAs and
# NetworkPolicies do not run here (no Kubernetes); they are checked offline (k8s.sh). The api
# Deployment needs PostgreSQL, NATS, Redis and S3, which the compose live test covers.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CONTAINERS_CONF="$root/docker/podman/containers.conf"
for tool in podman kubectl node; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "live_k8s: '$tool' is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }
done
version="$(sed -n 's/^project(startales VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
podman image exists "localhost/startales-stt:$version" ||
  { echo "live_k8s: localhost/startales-stt:$version is not built (docker/build-images.sh; live.sh builds it)" >&2; exit 1; }

run="$(mktemp -d /tmp/startales-kube.XXXXXX)"
cleanup() {
  if [ -f "$run/play.yaml" ]; then timeout 60 podman kube down "$run/play.yaml" >/dev/null 2>&1 || true; fi
  rm -rf "$run"
}
trap cleanup EXIT

kubectl kustomize docker/services/k8s/overlays/dev 2>/dev/null > "$run/dev.yaml"
node docker/tests/k8s-validate/kube-play.mjs "$run/dev.yaml" stt "kube-play-speech-token-$$-0123456789" > "$run/play.yaml"
timeout 120 podman kube play "$run/play.yaml" > "$run/play.log" 2>&1 ||
  { cat "$run/play.log" >&2; echo "live_k8s: podman kube play failed" >&2; exit 1; }
# kube play names a Deployment's container <deployment>-pod-<n>-<container>.
container="$(podman ps --format '{{.Names}}' | grep -- '^stt-pod-[0-9]*-stt$' | head -1 || true)"
[ -n "$container" ] || { podman ps -a >&2; echo "live_k8s: no stt container is running" >&2; exit 1; }
echo "live_k8s: podman kube play runs Deployment/stt of the dev overlay ($container)"

# The readiness probe's endpoint, from inside the pod (kube play publishes no port).
ready=0
for _ in $(seq 60); do
  if podman exec "$container" startales healthcheck http://127.0.0.1:4000/ready >/dev/null 2>&1; then ready=1; break; fi
  sleep 1
done
[ "$ready" -eq 1 ] || { podman logs "$container" 2>&1 | tail -20 >&2; echo "live_k8s: /ready never answered 2xx" >&2; exit 1; }
podman exec "$container" startales healthcheck http://127.0.0.1:4000/health >/dev/null
echo "live_k8s: /ready and /health (its readiness and liveness probes) answer 200"

uid="$(podman exec "$container" id -u)"
[ "$uid" = 10001 ] || { echo "live_k8s: runs as uid $uid, the manifest says 10001" >&2; exit 1; }
[ "$(podman inspect "$container" --format '{{.HostConfig.ReadonlyRootfs}}')" = true ] ||
  { echo "live_k8s: the root file system is writable" >&2; exit 1; }
if podman exec "$container" sh -c 'echo x > /usr/local/probe' 2>/dev/null; then
  echo "live_k8s: wrote to the root file system" >&2; exit 1
fi
podman exec "$container" sh -c 'echo x > /tmp/probe && rm /tmp/probe'
echo "live_k8s: runs as uid 10001 on a read-only root; /tmp (its emptyDir) is writable"
