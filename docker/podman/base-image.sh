#!/usr/bin/env bash
# Makes the base image every Dockerfile here starts from, docker.io/library/debian:bookworm-slim,
# from Debian's archive (no image registry is reachable here): `debootstrap --variant=minbase
# bookworm`, trimmed like Debian's own slim image (no docs, man pages or locales, now or in
# later apt installs), then `podman import`. Idempotent: does nothing when the image exists
# (--force makes it again). Takes about a minute. Needs root (debootstrap, rootful podman).
# Usage: docker/podman/base-image.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
image=docker.io/library/debian:bookworm-slim
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
force=0
case "${1:-}" in
  --force) force=1 ;;
  "") ;;
  *) echo "base-image: unknown argument '$1' (expected --force)" >&2; exit 2 ;;
esac
for tool in podman debootstrap flock; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "base-image: '$tool' is missing; scripts/bootstrap.sh installs it" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "base-image: run as root (debootstrap and rootful podman)" >&2; exit 1; }

# One maker at a time on this machine (other checkouts share podman's image store).
exec 9>/run/lock/startales-base-image.lock
flock 9
if [ "$force" -eq 0 ] && podman image exists "$image"; then
  echo "base-image: $image already present"
  exit 0
fi

root="$(mktemp -d /var/tmp/startales-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
start=$SECONDS
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log" >&2; rm -f "$root.log"; echo "base-image: debootstrap failed (is $mirror reachable?)" >&2; exit 1; }
rm -f "$root.log"

# The archive's three suites, as on the host (security updates included).
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# As Debian's slim image: later installs skip docs, man pages and translations; apt keeps no
# package lists or downloaded .debs in layers and installs no recommends unless asked.
cat >"$root/etc/dpkg/dpkg.cfg.d/slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
DPKG
cat >"$root/etc/apt/apt.conf.d/docker-slim" <<'APT'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Acquire::Languages "none";
APT
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$root"/usr/share/{man,info,locale}/* "$root"/var/lib/apt/lists/* \
  "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb "$root"/var/log/*.log

tar --numeric-owner -C "$root" -c . |
  podman import --change 'CMD ["bash"]' - "$image" >/dev/null
echo "base-image: made $image in $((SECONDS - start)) s ($(podman image inspect --format '{{.Size}}' "$image") bytes)"
