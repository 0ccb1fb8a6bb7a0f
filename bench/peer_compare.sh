#!/usr/bin/env bash
# StarTales and its peer, side by side in the same minutes (issue 18): Colyseus 0.18 on the
# same room workload (../shared/peers/colyseus: rooms of 10, 1 Hz patches, one command every
# 2 s per player) and bench/campaign_load.sh on the real game (campaigns of 10, 100 systems,
# one command every 2 s per player), PAIRS times, alternating, then the ratios StarTales ÷
# Colyseus of server CPU, peak RSS, p50 and p99 ack per pair. This machine's speed drifts by
# tens of percent within an hour, so only the ratios of one pair mean anything.
#
#   bench/peer_compare.sh [PLAYERS=10000] [DURATION_S=30] [PAIRS=1]
#
# The peer is copied to build/peer-colyseus (its folder may be read-only) and installed with
# `npm ci` from its lock file when that changed. BENCH_BUILD picks our build (build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
players=${1:-10000}
duration=${2:-30}
pairs=${3:-1}
build=${BENCH_BUILD:-build/release}
peer_src=${PEER_COLYSEUS:-../shared/peers/colyseus}
peer=build/peer-colyseus
[ -f "$peer_src/run.sh" ] || { echo "peer_compare: no peer at $peer_src (set PEER_COLYSEUS)" >&2; exit 2; }
[ -x "$build/src/app/startales" ] || { echo "peer_compare: no $build/src/app/startales (make release)" >&2; exit 2; }

mkdir -p "$peer"
if ! cmp -s "$peer_src/package-lock.json" "$peer/package-lock.json" || [ ! -d "$peer/node_modules" ]; then
  rm -rf "$peer"
  mkdir -p "$peer"
  cp -r "$peer_src"/. "$peer"/
  chmod -R u+w "$peer"
  (cd "$peer" && npm ci --no-audit --no-fund >/dev/null)
fi

results=$(mktemp -d /tmp/startales-peer-XXXXXX)
trap 'rm -rf "$results"' EXIT
for pair in $(seq "$pairs"); do
  echo "== pair $pair of $pairs: $players players, ${duration} s, load average $(cut -d' ' -f1 /proc/loadavg)" >&2
  (cd "$peer" && RESULTS="$results/colyseus-$pair" ./run.sh "$players" "$duration" 10) > "$results/colyseus-$pair.json"
  if ! BENCH_BUILD="$build" bash bench/campaign_load.sh "$players" 10 2000 "$duration" 100 \
    > "$results/startales-$pair.json" 2> "$results/startales-$pair.err"; then
    cat "$results/startales-$pair.err" >&2
    exit 1
  fi
  node - "$results/colyseus-$pair.json" "$results/startales-$pair.json" "$results/startales-$pair.err" "$pair" <<'JS'
const fs = require('fs');
const [colyPath, ourPath, ourErr, pair] = process.argv.slice(2);
const lastJson = (text) => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop());
const c = lastJson(fs.readFileSync(colyPath, 'utf8'));
const s = lastJson(fs.readFileSync(ourPath, 'utf8'));
const err = fs.readFileSync(ourErr, 'utf8');
const cpu = Number(/server cpu \(cores\) over the window: ([\d.]+)/.exec(err)[1]);
const rss = Number(/VmHWM:\s+(\d+) kB/.exec(err)[1]) / 1024;
const peer = { cpu: c.server.cpu_pct / 100, rss: c.server.vmhwm_mb, p50: c.latency_ms.p50, p99: c.latency_ms.p99,
               errors: c.errors };
const ours = { cpu, rss, p50: s.ack_ms.p50, p99: s.ack_ms.p99, errors: s.errors };
const ratio = (k) => +(ours[k] / peer[k]).toFixed(2);
console.log(JSON.stringify({ pair: Number(pair), players: s.players, startales: ours, colyseus: peer,
  ratio: { cpu: ratio('cpu'), rss: ratio('rss'), p50: ratio('p50'), p99: ratio('p99') } }));
JS
done
