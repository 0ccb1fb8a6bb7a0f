#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests (docker/services/k8s), one line per check passed:
# `kubectl kustomize` of both overlays; every object against the Kubernetes schemas
# (kubernetes-models, docker/tests/k8s-validate); the consistency rules (rules.mjs) and their
# negative cases (negative.mjs); the STARTALES_* variables against the binary's --help and the
# docs; the autoscaler's metric against a running binary's /metrics; `deploy.sh full --dry-run`.
# Needs: kubectl, node with `make test-deps` done, the binary ($STARTALES_BINARY).
set -euo pipefail
cd "$(dirname "$0")/../.."
k8s=docker/services/k8s
v=docker/tests/k8s-validate
fail() { echo "k8s: $*" >&2; exit 1; }

KUBECTL="${KUBECTL:-kubectl}"
command -v "$KUBECTL" >/dev/null 2>&1 || fail "kubectl is missing; scripts/bootstrap.sh installs it (Debian's kubernetes-client)"
command -v node >/dev/null 2>&1 || fail "node is missing; scripts/bootstrap.sh installs it"
[ -d "$v/node_modules/kubernetes-models" ] || fail "the schema checker's packages are missing: run 'make test-deps' (npm ci in $v)"
binary="${STARTALES_BINARY:-build/dev/src/app/startales}"
[ -x "$binary" ] || fail "no startales binary at $binary: build it (make build) or set STARTALES_BINARY"
[ -f docker/services/ollama/init-models.sh ] || fail "docker/services/ollama/init-models.sh is missing: the model-init Job's ConfigMap is made from it"
version="$(sed -n 's/^project(startales VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ -n "$version" ] || fail "cannot read the version from CMakeLists.txt"

tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# 1. kustomize (kustomize v5 warns about the v2-compatible syntax: not an error).
render() {
  if ! "$KUBECTL" kustomize "$1" >"$2" 2>"$tmp/err"; then
    cat "$tmp/err" >&2; fail "kubectl kustomize $1 failed"
  fi
  if grep -v "is deprecated" "$tmp/err" >&2; then fail "kubectl kustomize $1 printed the warnings above"; fi
  echo "k8s: kubectl kustomize $1: $(grep -c '^kind:' "$2") objects ($("$KUBECTL" version --client 2>/dev/null | grep -m1 -o 'Kustomize Version: .*\|GitVersion:"[^"]*"' || echo "kubectl"))"
}
render "$k8s/overlays/dev" "$tmp/dev.yaml"
render "$k8s/overlays/production" "$tmp/production.yaml"
render "$k8s/prometheus-adapter" "$tmp/adapter.yaml"

# 2. Schemas.
node "$v/validate.mjs" "$tmp/dev.yaml" "$tmp/production.yaml" "$tmp/adapter.yaml" "$k8s/secret.template.yaml"

# 3. Consistency rules, and the proof that they can fail.
for overlay in dev production; do
  node "$v/rules.mjs" "$tmp/$overlay.yaml" --secret-template "$k8s/secret.template.yaml" \
    --adapter "$tmp/adapter.yaml" --version "$version"
done
node "$v/negative.mjs" "$tmp/production.yaml" --secret-template "$k8s/secret.template.yaml" \
  --adapter "$tmp/adapter.yaml" --version "$version" >"$tmp/negative.out" ||
  { cat "$tmp/negative.out"; fail "a broken manifest passed the rules (above)"; }
tail -n 1 "$tmp/negative.out"

# 4. Environment variables: set ⊆ read by the binary, read ⊆ documented.
"$binary" --help | grep -o 'Env:STARTALES_[A-Z0-9_]*' | cut -d: -f2 | sort -u >"$tmp/vars.txt"
[ -s "$tmp/vars.txt" ] || fail "$binary --help lists no (Env:STARTALES_...) variables"
compose=()
for f in docker/docker-compose*.yml; do [ -f "$f" ] && compose+=("$f"); done
node "$v/env.mjs" --binary-vars "$tmp/vars.txt" --docs README.md docs/operations.md \
  --files "$tmp/dev.yaml" "$tmp/production.yaml" "${compose[@]}"
# ... and it refuses an unknown variable and an undocumented one.
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {STARTALES_NOT_AN_OPTION: "1"}\n' >"$tmp/bad.yaml"
if node "$v/env.mjs" --binary-vars "$tmp/vars.txt" --docs README.md docs/operations.md --files "$tmp/bad.yaml" 2>"$tmp/env.err"; then
  fail "env.mjs accepted STARTALES_NOT_AN_OPTION"
fi
grep -q "STARTALES_NOT_AN_OPTION, which the binary does not read" "$tmp/env.err" || { cat "$tmp/env.err" >&2; fail "env.mjs refused STARTALES_NOT_AN_OPTION for another reason"; }
{ cat "$tmp/vars.txt"; echo STARTALES_UNDOCUMENTED_SETTING; } >"$tmp/vars-plus.txt"
if node "$v/env.mjs" --binary-vars "$tmp/vars-plus.txt" --docs README.md docs/operations.md --files "$tmp/dev.yaml" 2>"$tmp/env.err"; then
  fail "env.mjs accepted an undocumented variable"
fi
grep -q "STARTALES_UNDOCUMENTED_SETTING (read by the binary) is documented in none" "$tmp/env.err" || { cat "$tmp/env.err" >&2; fail "env.mjs refused the undocumented variable for another reason"; }
echo "k8s: env: refuses a variable the binary does not read and one the docs do not name"

# 5. The autoscaler's players-per-pod metric: the series the adapter rule reads is one the
# binary exports (a real `serve` on loopback, its /metrics listener on a free port).
series="$(grep -o "seriesQuery: '[a-z_:]*" "$tmp/adapter.yaml" | head -n1 | sed "s/seriesQuery: '//")"
[ -n "$series" ] || fail "the prometheus-adapter rule has no seriesQuery"
mkdir -p "$tmp/data"
"$binary" serve --host 127.0.0.1 --port 0 --data-dir "$tmp/data" --metrics-listen 127.0.0.1:0 \
  --web-dir '' --access-log false 2>"$tmp/serve.log" &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port="$(grep -m1 '"metrics listening"' "$tmp/serve.log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)"
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; fail "startales serve exited before listening"; }
  sleep 0.1
done
[ -n "$port" ] || fail "startales serve logged no 'metrics listening' in 10 s"
curl -fsS --max-time 5 "http://127.0.0.1:$port/metrics" >"$tmp/metrics.txt" || fail "GET /metrics on 127.0.0.1:$port failed"
grep -q "^$series " "$tmp/metrics.txt" || fail "the binary exports no $series (the api autoscaler's players-per-pod series)"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
echo "k8s: the api autoscaler's series $series is in the binary's /metrics"

# 6. deploy.sh full --dry-run prints the objects and the commands, and runs no kubectl but
# `kubectl kustomize` (a stand-in kubectl refuses anything else) and no podman.
mkdir -p "$tmp/bin"
real_kubectl="$(command -v "$KUBECTL")"
cat >"$tmp/bin/kubectl" <<EOF
#!/bin/sh
[ "\$1" = kustomize ] && exec "$real_kubectl" "\$@"
echo "kubectl \$* was run by a dry run" >>"$tmp/ran"; exit 1
EOF
printf '#!/bin/sh\necho "podman $* was run by a dry run" >>"%s"; exit 1\n' "$tmp/ran" >"$tmp/bin/podman"
chmod +x "$tmp/bin/kubectl" "$tmp/bin/podman"
for overlay in dev production; do
  PATH="$tmp/bin:$PATH" HOME="$tmp/home" bash "$k8s/deploy.sh" --dry-run --overlay "$overlay" full >"$tmp/dry.out" 2>"$tmp/dry.err" ||
    { cat "$tmp/dry.err" >&2; fail "deploy.sh --overlay $overlay full --dry-run failed"; }
  [ ! -e "$tmp/ran" ] || { cat "$tmp/ran" >&2; fail "deploy.sh --dry-run ran commands against a cluster"; }
  [ ! -e "$tmp/home" ] || fail "deploy.sh --dry-run wrote files under \$HOME"
  for want in "kind: Deployment" "kind: StatefulSet" "kind: HorizontalPodAutoscaler" "+ podman build" \
              "+ kubectl -n" "phase=config" "phase=data" "phase=init" "phase=app" "create secret generic startales-secrets"; do
    grep -qF -- "$want" "$tmp/dry.out" || fail "deploy.sh --overlay $overlay full --dry-run printed no '$want'"
  done
  echo "k8s: deploy.sh --overlay $overlay full --dry-run: $(grep -c '^kind:' "$tmp/dry.out") objects and $(grep -c '^+ ' "$tmp/dry.out") commands printed, none run"
done
