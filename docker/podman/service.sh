#!/usr/bin/env bash
# Podman's Docker-compatible API on a socket of our own, so docker-compose (1.29) and the
# docker client drive podman: DOCKER_HOST=unix://RUNDIR/podman.sock.
#
#   eval "$(docker/podman/service.sh start RUNDIR)"   # starts it, prints export DOCKER_HOST=...
#   docker/podman/service.sh stop RUNDIR              # stops the one started in RUNDIR
#   docker/podman/service.sh health RUNDIR            # runs due health checks until stopped
#
# `health`: podman schedules HEALTHCHECKs with systemd timers, and there is no systemd here, so
# without it every container stays "starting" and `depends_on: condition: service_healthy`
# waits forever. It runs `podman healthcheck run` on every running container that has a check,
# every HEALTH_EVERY_S seconds (default 2), in the background (pid in RUNDIR/health.pid); `stop`
# ends it too. HEALTH_FILTER (e.g. label=com.docker.compose.project=NAME) limits it to some
# containers.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
usage() { sed -n '2,14p' "$0" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd="$1"
rundir="$2"
sock="$rundir/podman.sock"
command -v podman >/dev/null 2>&1 ||
  { echo "podman service: podman is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }

stop_pidfile() {
  local file="$1" pid
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

case "$cmd" in
  start)
    mkdir -p "$rundir"
    if [ -f "$rundir/podman.pid" ] && kill -0 "$(cat "$rundir/podman.pid")" 2>/dev/null; then
      echo "export DOCKER_HOST=unix://$sock"
      exit 0
    fi
    rm -f "$sock"
    # --time=0: serve until stopped (the default stops after 5 s without a client).
    setsid podman system service --time=0 "unix://$sock" >"$rundir/podman.log" 2>&1 </dev/null &
    echo $! >"$rundir/podman.pid"
    for _ in $(seq 100); do
      [ -S "$sock" ] && break
      kill -0 "$(cat "$rundir/podman.pid")" 2>/dev/null ||
        { cat "$rundir/podman.log" >&2; echo "podman service: it exited at start (log above)" >&2; exit 1; }
      sleep 0.1
    done
    [ -S "$sock" ] || { echo "podman service: no socket at $sock after 10 s" >&2; exit 1; }
    echo "export DOCKER_HOST=unix://$sock"
    ;;
  health)
    mkdir -p "$rundir"
    every="${HEALTH_EVERY_S:-2}"
    filter="${HEALTH_FILTER:-}"
    (
      trap 'exit 0' TERM
      while :; do
        # shellcheck disable=SC2086 # the filter is one optional word
        for id in $(podman ps -q ${filter:+--filter "$filter"} --filter health=starting \
            --filter health=healthy --filter health=unhealthy 2>/dev/null | sort -u); do
          podman healthcheck run "$id" >/dev/null 2>&1 || true
        done
        sleep "$every" & wait $!
      done
    ) </dev/null >/dev/null 2>&1 &
    echo $! >"$rundir/health.pid"
    ;;
  stop)
    stop_pidfile "$rundir/health.pid"
    stop_pidfile "$rundir/podman.pid"
    rm -f "$sock"
    ;;
  *) usage ;;
esac
