#!/usr/bin/env bash
# Checks the deployment (docker/): offline by default, in `make test`; with --live it also
# builds the images with podman and runs the production compose stack (`.ci/run`).
#
# Each area has its own script under docker/tests/ (k8s.sh, compose.sh, monitoring.sh,
# ollama.sh, scripts.sh, ...; live.sh and live_k8s.sh only with --live). Every script exits non-zero on the first failed
# check and prints one line per check it passed. Usage: docker/test-deployment.sh [--live]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
live=0
for arg in "$@"; do
  case "$arg" in
    --live) live=1 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "test-deployment: unknown argument '$arg' (expected --live)" >&2; exit 2 ;;
  esac
done

failed=()
run_area() {
  local script="$here/tests/$1.sh"
  [ -f "$script" ] || { echo "test-deployment: $1: no $script"; failed+=("$1"); return; }
  echo "== $1"
  local start=$SECONDS
  if bash "$script"; then
    echo "== $1: passed in $((SECONDS - start)) s"
  else
    echo "== $1: FAILED after $((SECONDS - start)) s"
    failed+=("$1")
  fi
}

# Every area script present, in name order (live*.sh only with --live).
for script in "$here"/tests/*.sh; do
  area="$(basename "$script" .sh)"
  case "$area" in live | live_*) ;; *) run_area "$area" ;; esac
done
if [ "$live" -eq 1 ]; then
  run_area live      # builds the images, runs the compose stack
  run_area live_k8s  # runs a Deployment of the Kubernetes manifests with podman kube play
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "test-deployment: failed: ${failed[*]}" >&2
  exit 1
fi
echo "test-deployment: all passed"
