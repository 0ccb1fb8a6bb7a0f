#!/usr/bin/env bash
# The live test (docker/test-deployment.sh --live, in .ci/run): builds the images with podman,
# brings docker-compose.production.yml up with docker-compose.live.yml (Debian-built stand-ins
# for the upstream images, s3rver for MinIO, a fake Ollama; Grafana left out), waits for every
# health check, plays through nginx on 127.0.0.1:8080 (docker/live/client.mjs), checks
# Prometheus scrapes every target, kills the api node owning the campaign and sees another take
# it over; then tears everything down, volumes included. Prints one line per check passed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CONTAINERS_CONF="$root/docker/podman/containers.conf"
start_all=$SECONDS
for tool in podman docker-compose node espeak-ng; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "live: '$tool' is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "live: run as root (rootful podman: see docs/deployment.md)" >&2; exit 1; }
version="$(sed -n 's/^project(startales VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
export STARTALES_VERSION="$version"
ca_bundle="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"

run="$(mktemp -d /tmp/startales-live.XXXXXX)"
project="startales-live-$$"
compose=(docker-compose -p "$project" --env-file "$run/live.env"
  -f docker/docker-compose.production.yml -f docker/docker-compose.live.yml)
cleanup() {
  local rc=$?
  trap - EXIT
  if [ -f "$run/podman.pid" ]; then
    if [ "$rc" -ne 0 ]; then
      echo "live: FAILED; the last log lines of every container:" >&2
      timeout 60 "${compose[@]}" logs --no-color --tail 15 >&2 2>&1 || true
    fi
    timeout 180 "${compose[@]}" down -v --remove-orphans -t 10 >/dev/null 2>&1 ||
      echo "live: docker-compose down failed; removing the containers with podman" >&2
    # Whatever compose could not remove (a stuck container), by the project's label.
    podman ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r podman rm -f -t 5 >/dev/null 2>&1 || true
    podman volume ls -q --filter "label=com.docker.compose.project=$project" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
    podman network ls -q --filter "label=com.docker.compose.project=$project" | xargs -r podman network rm -f >/dev/null 2>&1 || true
    bash docker/podman/service.sh stop "$run"
  fi
  rm -rf "$run"
  exit "$rc"
}
trap cleanup EXIT

# 1. Images: the base, the build stage and the three roles; then the live stand-ins.
t=$SECONDS
bash docker/build-images.sh
echo "live: startales images built in $((SECONDS - t)) s"
t=$SECONDS
mkdir -p "$run/objects-context"
cp tests/support/s3rver/package.json tests/support/s3rver/package-lock.json \
  tests/support/s3rver/serve.mjs docker/live/objects/* "$run/objects-context/"
for name in postgres redis nats nginx prometheus ollama objects; do
  context="docker/live/$name"
  [ "$name" = objects ] && context="$run/objects-context"
  if ! podman build --format docker --pull=never --layers -q -t "localhost/startales-live-$name:$version" \
      --secret "id=ca-certificates,src=$ca_bundle" -f "$context/Dockerfile" "$context" >"$run/build.log" 2>&1; then
    tail -30 "$run/build.log" >&2
    echo "live: building the $name stand-in (docker/live/$name) failed" >&2
    exit 1
  fi
done
echo "live: stand-in images built in $((SECONDS - t)) s"

# 2. Secrets: .env.example's names with fresh random values.
while IFS= read -r line; do
  case "$line" in
    \#*|"") ;;
    S3_BUCKET=*) echo "$line" ;;
    *=*) echo "${line%%=*}=live$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')" ;;
  esac
done <docker/.env.example >"$run/live.env"
operator_token="$(sed -n 's/^STARTALES_OPERATOR_TOKEN=//p' "$run/live.env")"
grep -q '^POSTGRES_PASSWORD=live' "$run/live.env" || { echo "live: could not make the env file" >&2; exit 1; }

# 3. Up: podman's Docker API for docker-compose, and a runner for the health checks (no systemd).
eval "$(bash docker/podman/service.sh start "$run")"
export DOCKER_HOST
HEALTH_FILTER="label=com.docker.compose.project=$project" bash docker/podman/service.sh health "$run"
t=$SECONDS
services=(lb prometheus)  # and everything they depend on; grafana is left out
if ! timeout 900 "${compose[@]}" up -d --no-build "${services[@]}" >"$run/up.log" 2>&1; then
  cat "$run/up.log" >&2
  echo "live: docker-compose up failed (log above)" >&2
  exit 1
fi
expected=(lb migrate objects-init api1 api2 api3 stt1 stt2 tts1 tts2 postgres redis nats objects ollama prometheus)
healthy=0
for _ in $(seq 120); do
  healthy=0
  for service in "${expected[@]}"; do
    status="$(podman inspect --format '{{.State.Status}} {{.State.Health.Status}} {{.State.ExitCode}}' "${project}_${service}_1" 2>/dev/null || echo missing)"
    case "$service:$status" in
      migrate:"exited "*" 0"|objects-init:"exited "*" 0"|*:"running healthy "*) healthy=$((healthy + 1)) ;;
    esac
  done
  [ "$healthy" -eq "${#expected[@]}" ] && break
  sleep 2
done
if [ "$healthy" -ne "${#expected[@]}" ]; then
  for service in "${expected[@]}"; do
    echo "  $service: $(podman inspect --format '{{.State.Status}} {{.State.Health.Status}} exit {{.State.ExitCode}}' "${project}_${service}_1" 2>/dev/null || echo missing)" >&2
  done
  echo "live: not every service became healthy within 240 s" >&2
  exit 1
fi
echo "live: ${#expected[@]} services up and healthy (migrate and objects-init exited 0) in $((SECONDS - t)) s"
podman exec "${project}_api1_1" sh -c 'touch /should-fail 2>/dev/null' &&
  { echo "live: api1's root file system is writable" >&2; exit 1; }
[ "$(podman exec "${project}_api1_1" id -u)" = 10001 ] || { echo "live: api1 does not run as uid 10001" >&2; exit 1; }
echo "live: api1 runs as uid 10001 on a read-only root file system"

# 4. Play through nginx.
espeak-ng -w "$run/command.wav" "research hydroponics"
OPERATOR_TOKEN="$operator_token" node docker/live/client.mjs play http://127.0.0.1:8080 "$run/state.json" "$run/command.wav"

# 5. Prometheus sees every target up (api1..3, stt1..2, tts1..2 and itself).
up=""
for _ in $(seq 60); do
  up="$(node -e '
    fetch("http://127.0.0.1:9090/api/v1/targets").then(r => r.json()).then(j => {
      const t = j.data.activeTargets;
      console.log(t.filter(x => x.health === "up").map(x => x.labels.instance).sort().join(" ") + "|" + t.length);
    }, () => console.log("|0"))')"
  count="${up#*|}"
  names="${up%|*}"
  if [ "$count" -gt 0 ] && [ "$(wc -w <<<"$names")" -eq "$count" ]; then break; fi
  sleep 2
done
for target in api1:9464 api2:9464 api3:9464 stt1:9464 stt2:9464 tts1:9464 tts2:9464; do
  grep -qw "$target" <<<"$names" || { echo "live: Prometheus does not see $target up (up: $names; targets: $count)" >&2; exit 1; }
done
[ "$(wc -w <<<"$names")" -eq "$count" ] || { echo "live: Prometheus has targets down (up: $names of $count)" >&2; exit 1; }
echo "live: Prometheus scrapes all $count targets, every one up"

# 6. Kill the campaign's owner; another node takes it over and acknowledges a command.
owner="$(node docker/live/client.mjs owner http://127.0.0.1:8080 "$run/state.json")"
podman kill "${project}_${owner}_1" >/dev/null
echo "live: killed $owner (SIGKILL)"
OPERATOR_TOKEN="$operator_token" node docker/live/client.mjs failover http://127.0.0.1:8080 "$run/state.json" "$owner"

echo "live: passed in $((SECONDS - start_all)) s (tear-down follows)"
