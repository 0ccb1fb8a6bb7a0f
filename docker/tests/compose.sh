#!/usr/bin/env bash
# Offline checks of the compose stacks, the load balancers and the images' Dockerfiles:
# `docker-compose config -q` of the three files (and the live override) with the settings a
# user copies from docker/.env.example; that a missing secret stops them; `nginx -t` of
# docker/nginx/*.conf with the compose services' names resolvable; the structural rules of
# compose_rules.py; the images' build list in scripts/bootstrap.sh. One line per check.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root/docker"
for tool in docker-compose nginx python3 unshare; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "compose: '$tool' is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
files=(docker-compose.yml docker-compose.production.yml docker-compose.voice.yml)

# 1. Every file resolves with .env.example's settings (and production with the live override,
#    and with the qdrant profile).
for f in "${files[@]}"; do
  docker-compose --env-file .env.example -f "$f" config -q ||
    { echo "compose: FAILED: docker-compose config of docker/$f" >&2; exit 1; }
  docker-compose --env-file .env.example -f "$f" config >"$tmp/$f"
done
docker-compose --env-file .env.example -f docker-compose.production.yml -f docker-compose.live.yml config -q
docker-compose --env-file .env.example -f docker-compose.production.yml --profile qdrant config -q
echo "compose: docker-compose config -q passed for ${files[*]} (and production + docker-compose.live.yml, + --profile qdrant)"

# 2. No secret has a default: without a setting, compose refuses and names it.
: >"$tmp/empty.env"
for f in "${files[@]}"; do
  if out="$(docker-compose --env-file "$tmp/empty.env" -f "$f" config -q 2>&1)"; then
    echo "compose: FAILED: docker/$f resolves without any secret set (a secret has a default)" >&2; exit 1
  fi
  grep -q "in docker/.env" <<<"$out" ||
    { echo "compose: FAILED: docker/$f without secrets: unexpected error: $out" >&2; exit 1; }
done
# Every variable the files require is in .env.example, and docker/.env is never committed.
mapfile -t required < <(grep -ho '\${[A-Z0-9_]*:?' "${files[@]}" | sed 's/[${:?]//g' | sort -u)
for v in "${required[@]}"; do
  grep -q "^$v=" .env.example || { echo "compose: FAILED: $v is required but not in docker/.env.example" >&2; exit 1; }
done
if git -C "$root" ls-files --error-unmatch docker/.env >/dev/null 2>&1; then
  echo "compose: FAILED: docker/.env is committed" >&2; exit 1
fi
git -C "$root" check-ignore -q docker/.env || { echo "compose: FAILED: docker/.env is not in .gitignore" >&2; exit 1; }
echo "compose: without docker/.env every file refuses to start and names the setting; the ${#required[@]} required settings are all in .env.example; docker/.env is ignored"

# 3. nginx -t on each load balancer's configuration, as nginx would load it in its container:
#    the upstream names (the compose services) resolve through a hosts file bind-mounted in a
#    private mount namespace, so a name that is not a service fails here as it would there.
check_nginx() {
  local conf="$1" composed="$2" prefix="$tmp/nginx-$1"
  mkdir -p "$prefix"
  cp /etc/hosts "$prefix/hosts"
  python3 -c 'import sys, yaml; print("\n".join("127.0.0.1 " + s for s in yaml.safe_load(open(sys.argv[1]))["services"]))' \
    "$tmp/$composed" >>"$prefix/hosts"
  # As root: a mount namespace; otherwise a user namespace too (unprivileged).
  local ns=(unshare --mount)
  [ "$(id -u)" -eq 0 ] || ns=(unshare --map-root-user --mount)
  if ! "${ns[@]}" sh -c 'mount --bind "$1" /etc/hosts && exec nginx -t -q -p "$2" -c "$3"' sh \
      "$prefix/hosts" "$prefix" "$root/docker/nginx/$conf" 2>"$prefix/err"; then
    cat "$prefix/err" >&2
    echo "compose: FAILED: nginx -t of docker/nginx/$conf" >&2; exit 1
  fi
  # And the same configuration with a service missing fails (the check can fail).
  grep -v ' stt1$' "$prefix/hosts" >"$prefix/hosts.missing"
  if [ "$conf" = nginx.conf ] && "${ns[@]}" sh -c 'mount --bind "$1" /etc/hosts && exec nginx -t -q -p "$2" -c "$3"' sh \
      "$prefix/hosts.missing" "$prefix" "$root/docker/nginx/$conf" 2>/dev/null; then
    echo "compose: FAILED: nginx -t passes even when stt1 does not resolve" >&2; exit 1
  fi
}
check_nginx nginx.conf docker-compose.production.yml
check_nginx voice.conf docker-compose.voice.yml
grep -q 'proxy_set_header Upgrade \$http_upgrade' nginx/nginx.conf && grep -q 'limit_req zone=' nginx/nginx.conf &&
  grep -q 'proxy_read_timeout 3600s' nginx/nginx.conf ||
  { echo "compose: FAILED: nginx.conf lacks the WebSocket upgrade, limit_req or the /ws timeouts" >&2; exit 1; }
echo "compose: nginx -t passed for nginx.conf (lb) and voice.conf (voice-gateway) with the compose names; it fails when one is missing"

# 4. The structural rules (images pinned, order, health checks, read-only, mounts, Dockerfiles).
python3 "$root/docker/tests/compose_rules.py" "$root" "$tmp/docker-compose.yml" \
  "$tmp/docker-compose.production.yml" "$tmp/docker-compose.voice.yml"

# 5. The build stage's packages (bootstrap.sh --build) are all in the full list.
mapfile -t build < <(sed -n '/^build_packages=(/,/^)/p' "$root/scripts/bootstrap.sh" | sed '1d;$d;s/#.*//' | tr ' ' '\n' | grep .)
full="$(sed -n '/^packages=(/,/^)/p' "$root/scripts/bootstrap.sh" | sed 's/#.*//')"
[ ${#build[@]} -gt 5 ] || { echo "compose: FAILED: no build_packages list in scripts/bootstrap.sh" >&2; exit 1; }
for p in "${build[@]}"; do
  grep -qw -- "$p" <<<"$full" || { echo "compose: FAILED: bootstrap.sh --build installs $p, which the full list lacks" >&2; exit 1; }
done
echo "compose: bootstrap.sh --build installs ${#build[@]} packages, all from the full list"
