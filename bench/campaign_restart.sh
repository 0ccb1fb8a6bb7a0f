#!/usr/bin/env bash
# How long a server takes to come back after `kill -9` with many running campaigns: plays
# PLAYERS players in campaigns of PER_CAMPAIGN for DURATION_S (commands every 2 s) with
# startales-loadgen --keep-campaigns, kills the server with SIGKILL, restarts it on the same
# data directory and prints the seconds until it listens (every running campaign resumed
# from its snapshot and the log after it), its RSS and the errors it logged.
#
#   bench/campaign_restart.sh [PLAYERS] [PER_CAMPAIGN] [DURATION_S]   (default 10000 10 30)
#
# BENCH_BUILD picks the build tree (default build/release). Bounded: the restart is waited for
# at most 120 s; both servers are killed and the data directory removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

players=${1:-10000}
per_campaign=${2:-10}
duration_s=${3:-30}
build=${BENCH_BUILD:-build/release}
data=$(mktemp -d /tmp/startales-restart-XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 1048576; else ulimit -n "$hard"; fi
args=(serve --host 127.0.0.1 --port 0 --data-dir "$data" --access-log false --metrics-listen off
  --auth-rate-address-burst 1000000 --auth-rate-address-per-min 1000000
  --max-connections-per-address 20000 --max-websockets-per-address 20000
  --password-mem-kib 1024 --password-ops 1)

"$build/src/app/startales" "${args[@]}" 2>"$data/first.log" &
pid=$!
port=$(listening_port "$data/first.log")
"$build/tools/loadgen/startales-loadgen" --url "http://127.0.0.1:$port" --players "$players" \
  --per-campaign "$per_campaign" --systems $((per_campaign * 10)) --command-interval-ms 2000 \
  --duration-s "$duration_s" --json --quiet --keep-campaigns >"$data/load.json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(f\"before the kill: {d['campaigns']} campaigns, {d['acks']} commands acknowledged, {d['errors']} errors\")" "$data/load.json"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "data directory: $(du -sh "$data" | cut -f1)"

start=$(date +%s.%N)
"$build/src/app/startales" "${args[@]}" 2>"$data/second.log" &
pid=$!
listening_port "$data/second.log" 1200 >/dev/null
end=$(date +%s.%N)
echo "restart to listening: $(python3 -c "print(round($end - $start, 2))") s"
grep -o '"msg":"campaigns resumed"[^}]*' "$data/second.log" || true
grep -E 'VmRSS|VmHWM' "/proc/$pid/status"
echo "errors logged by the restarted server: $(grep -c '"level":"error"' "$data/second.log" || true)"
