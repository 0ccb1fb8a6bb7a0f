#!/usr/bin/env bash
# Deploys StarTales to the Kubernetes cluster of kubectl's current context.
#
# Usage: docker/services/k8s/deploy.sh [--dry-run] [--overlay dev|production] [--registry REG]
#                                      COMMAND [ARGS]
#   build              build localhost/startales-{api,stt,tts}:VERSION with podman
#                      (and push them to REG/startales-*:VERSION with --registry)
#   secrets [DIR]      write the missing secret files into DIR (random values, mode 600;
#                      default ~/.config/startales/k8s-secrets/NAMESPACE) and create the Secret
#   deploy             apply the overlay phase by phase: config; data (wait for the
#                      StatefulSets); init (wait for the migration and the bucket); app (wait)
#   scale WHAT N [MAX] api|stt|tts: the autoscaler's minimum (and maximum);
#                      ollama: the replicas, then the models pulled into each
#   status             pods, services, autoscalers, budgets, jobs, volumes, ingress
#   destroy [--volumes] delete every object but the Namespace, the Secret and the volumes
#                      (--volumes: the Namespace too, with everything in it)
#   full               build, secrets, deploy, status
# --dry-run prints the `kubectl kustomize` output and every command instead of running them:
# it never touches a cluster (nor podman, nor any file). Default overlay: production.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dry=0
overlay=production
registry=""
usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "deploy: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry=1; shift ;;
    --overlay) overlay="${2:?--overlay needs dev or production}"; shift 2 ;;
    --registry) registry="${2:?--registry needs a registry, e.g. registry.example.com/startales}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { usage >&2; exit 2; }
command="$1"; shift
[ -d "$here/overlays/$overlay" ] || die "no overlay '$overlay' (expected dev or production)"
version="$(sed -n 's/^project(startales VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
[ -n "$version" ] || die "cannot read the version from CMakeLists.txt"

# Runs a command, or prints it under --dry-run.
run() {
  if [ "$dry" -eq 1 ]; then printf '+ %s\n' "$*"; else "$@"; fi
}
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing; scripts/bootstrap.sh installs it"; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The overlay as kubectl will apply it (images renamed for --registry).
render() {
  need kubectl
  local out="$tmp/rendered.yaml" warnings="$tmp/kustomize.err"
  if ! kubectl kustomize "$here/overlays/$overlay" >"$out" 2>"$warnings"; then
    cat "$warnings" >&2; die "kubectl kustomize overlays/$overlay failed"
  fi
  grep -v "is deprecated" "$warnings" >&2 || true  # kustomize v5 on the v2-compatible syntax
  if [ -n "$registry" ]; then sed -i "s#image: localhost/startales-#image: $registry/startales-#" "$out"; fi
  namespace="$(awk '/^kind: Namespace/{f=1} f && /^  name:/{print $2; exit}' "$out")"
  [ -n "$namespace" ] || die "overlays/$overlay has no Namespace"
  rendered="$out"
}

cmd_build() {
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/docker/podman/containers.conf}"
  [ "$dry" -eq 1 ] || need podman
  if [ -x "$root/docker/podman/base-image.sh" ]; then run "$root/docker/podman/base-image.sh"; fi
  for role in api stt tts; do
    local image="localhost/startales-$role:$version"
    [ -f "$root/docker/services/$role/Dockerfile" ] || [ "$dry" -eq 1 ] ||
      die "docker/services/$role/Dockerfile is missing"
    run podman build -f "$root/docker/services/$role/Dockerfile" -t "$image" "$root"
    if [ -n "$registry" ]; then
      run podman tag "$image" "$registry/startales-$role:$version"
      run podman push "$registry/startales-$role:$version"
    fi
  done
}

# A random value of N hex characters, no trailing newline.
random_hex() { od -An -N"$(($1 / 2))" -tx1 /dev/urandom | tr -d ' \n'; }

cmd_secrets() {
  render
  local dir="${1:-${XDG_CONFIG_HOME:-$HOME/.config}/startales/k8s-secrets/$namespace}"
  if [ "$dry" -eq 0 ]; then
    (umask 077; mkdir -p "$dir")
    write() { [ -s "$dir/$1" ] || (umask 077; printf '%s' "$2" >"$dir/$1"); }
    write postgres-password "$(random_hex 32)"
    write db-url "postgres://startales:$(cat "$dir/postgres-password")@postgres:5432/startales"
    write redis-password "$(random_hex 32)"
    write redis-url "redis://:$(cat "$dir/redis-password")@redis:6379/0"
    write s3-access-key-id "startales$(random_hex 12)"
    write s3-secret-access-key "$(random_hex 40)"
    write speech-token "$(random_hex 32)"
    write operator-token "$(random_hex 32)"
    echo "deploy: secret files in $dir"
  else
    echo "+ (write the missing secret files into $dir, mode 600)"
  fi
  local args=()
  for key in postgres-password db-url redis-password redis-url s3-access-key-id \
             s3-secret-access-key speech-token operator-token; do
    args+=("--from-file=$key=$dir/$key")
  done
  if [ "$dry" -eq 0 ] && kubectl -n "$namespace" get secret startales-secrets >/dev/null 2>&1; then
    echo "deploy: Secret startales-secrets exists in $namespace; left as it is"
    return
  fi
  run kubectl apply -f "$here/overlays/$overlay/namespace.yaml"
  run kubectl -n "$namespace" create secret generic startales-secrets "${args[@]}"
}

apply_phase() {
  if [ "$dry" -eq 1 ]; then
    echo "+ kubectl apply -f <the kustomize output above> -l startales.io/phase=$1"
  else
    kubectl apply -f "$rendered" -l "startales.io/phase=$1"
  fi
}

cmd_deploy() {
  render
  if [ "$dry" -eq 1 ]; then
    echo "# kubectl kustomize overlays/$overlay (namespace $namespace):"
    cat "$rendered"
    echo "# the commands:"
  fi
  run kubectl apply -f "$here/overlays/$overlay/namespace.yaml"
  if [ "$dry" -eq 1 ]; then
    echo "+ kubectl -n $namespace get secret startales-secrets  # must exist: deploy.sh secrets"
  else
    kubectl -n "$namespace" get secret startales-secrets >/dev/null 2>&1 ||
      die "no Secret startales-secrets in $namespace: run '$0 --overlay $overlay secrets' (or see secret.template.yaml)"
    kubectl -n "$namespace" get secret startales-tls >/dev/null 2>&1 ||
      echo "deploy: warning: no TLS Secret startales-tls in $namespace: the ingress serves no certificate until one exists" >&2
  fi
  apply_phase config
  apply_phase data
  for sts in postgres redis nats minio ollama; do
    run kubectl -n "$namespace" rollout status "statefulset/$sts" --timeout=600s
  done
  # Jobs cannot be changed in place: the previous run's go first (each is idempotent).
  run kubectl -n "$namespace" delete job migrate bucket-init model-init --ignore-not-found
  apply_phase init
  run kubectl -n "$namespace" wait --for=condition=complete job/migrate job/bucket-init --timeout=900s
  apply_phase app
  for d in api stt tts; do
    run kubectl -n "$namespace" rollout status "deployment/$d" --timeout=600s
  done
  # The players-per-pod metric for the api autoscaler, if a prometheus-adapter runs here.
  if [ "$dry" -eq 1 ] || kubectl get namespace monitoring >/dev/null 2>&1; then
    run kubectl apply -k "$here/prometheus-adapter"
  else
    echo "deploy: warning: no namespace 'monitoring': the prometheus-adapter rule was not applied; the api autoscaler scales on CPU only" >&2
  fi
  echo "deploy: models are pulled in the background: '$0 --overlay $overlay status' shows Job/model-init"
}

cmd_scale() {
  local what="${1:?scale needs WHAT (api, stt, tts, ollama) and N}" n="${2:?scale needs N}" max="${3:-}"
  [[ "$n" =~ ^[0-9]+$ ]] || die "N must be a whole number, not '$n'"
  render
  case "$what" in
    api|stt|tts)
      local patch="{\"spec\":{\"minReplicas\":$n}}"
      if [ -n "$max" ]; then patch="{\"spec\":{\"minReplicas\":$n,\"maxReplicas\":$max}}"; fi
      echo "deploy: the ResourceQuota must hold the new maximum (docker/tests/k8s.sh checks the committed one)" >&2
      run kubectl -n "$namespace" patch hpa "$what" --type merge -p "$patch" ;;
    ollama)
      run kubectl -n "$namespace" scale statefulset/ollama --replicas="$n"
      run kubectl -n "$namespace" rollout status statefulset/ollama --timeout=600s
      run kubectl -n "$namespace" delete job model-init --ignore-not-found
      # The Job of the overlay, visiting the new number of replicas.
      awk -v n="$n" '
        /^---/ { if (doc ~ /kind: Job/ && doc ~ /name: model-init/) print doc; doc = ""; next }
        { doc = doc $0 "\n" }
        END { if (doc ~ /kind: Job/ && doc ~ /name: model-init/) print doc }' "$rendered" |
        awk -v n="$n" '/name: OLLAMA_REPLICAS/ { print; getline; sub(/value: .*/, "value: \"" n "\"") } { print }' \
        >"$tmp/model-init.yaml"
      if [ "$dry" -eq 1 ]; then cat "$tmp/model-init.yaml"; fi
      run kubectl apply -f "$tmp/model-init.yaml" ;;
    *) die "cannot scale '$what' (api, stt, tts or ollama)" ;;
  esac
}

cmd_status() {
  render
  run kubectl -n "$namespace" get pods,services,hpa,pdb,jobs,statefulsets,deployments,pvc,ingress -o wide
}

cmd_destroy() {
  render
  local kinds=ingress,hpa,deployments,statefulsets,jobs,services,pdb,networkpolicies,configmaps,serviceaccounts,resourcequotas,limitranges
  run kubectl -n "$namespace" delete "$kinds" -l app.kubernetes.io/part-of=startales --ignore-not-found
  if [ "${1:-}" = "--volumes" ]; then
    run kubectl delete namespace "$namespace" --ignore-not-found
  else
    echo "deploy: kept the Namespace $namespace, its Secrets and volumes (destroy --volumes deletes them)"
  fi
}

case "$command" in
  build) cmd_build ;;
  secrets) cmd_secrets "$@" ;;
  deploy) cmd_deploy ;;
  scale) cmd_scale "$@" ;;
  status) cmd_status ;;
  destroy) cmd_destroy "$@" ;;
  full) cmd_build; cmd_secrets; cmd_deploy; cmd_status ;;
  *) die "unknown command '$command' (build, secrets, deploy, scale, status, destroy, full)" ;;
esac
