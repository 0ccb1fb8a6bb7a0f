#!/usr/bin/env bash
# One campaigns-over-WebSocket load run against a fresh release server, with the numbers
# docs/benchmarks.md records: the loadgen's JSON, the 1-minute load average before the run,
# the server's CPU (cores) over the measured window, its peak RSS (VmHWM) and its threads.
#
#   bench/campaign_load.sh PLAYERS PER_CAMPAIGN INTERVAL_MS DURATION_S [SYSTEMS] [-- server args]
#
# BENCH_AI_EMPIRES: AI empires added to each campaign (default 0: only the players' civs).
# BENCH_BUILD picks the build tree (default build/release); BENCH_LOADGEN_THREADS the load
# generator's threads (default 2, its own default: with one, its thread fell behind reading
# 15,000 messages a second and its measured latencies included its own backlog). Bounded: the loadgen runs for
# its setup plus DURATION_S plus its drain timeout; the server is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

players=${1:?players}
per_campaign=${2:?per_campaign}
interval_ms=${3:?interval_ms}
duration_s=${4:?duration_s}
systems=${5:-$((per_campaign * 10))}
shift $(($# < 5 ? $# : 5))
[ "${1:-}" = "--" ] && shift
build=${BENCH_BUILD:-build/release}

data=$(mktemp -d /tmp/startales-load-XXXXXX)
log="$data/server.log"
server_pid=""
sampler_pid=""
cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

hard=$(ulimit -Hn)
if [ "$hard" = unlimited ]; then ulimit -n 1048576; else ulimit -n "$hard"; fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$build/src/app/startales" serve --host 127.0.0.1 --port 0 --data-dir "$data" --access-log false \
  --metrics-listen 127.0.0.1:0 --auth-rate-address-burst 1000000 --auth-rate-address-per-min 1000000 \
  --max-connections-per-address 20000 --max-websockets-per-address 20000 \
  --password-mem-kib 1024 --password-ops 1 "$@" 2>"$log" &
server_pid=$!
port=$(listening_port "$log")

# CPU ticks (utime + stime) of the server once a second, with a timestamp.
hz=$(getconf CLK_TCK)
(
  while kill -0 "$server_pid" 2>/dev/null; do
    echo "$(date +%s.%N) $(awk '{print $14 + $15}' "/proc/$server_pid/stat") $(awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat) $(awk '/^VmHWM/{print $2}' "/proc/$server_pid/status")"
    sleep 1
  done
) >"$data/cpu" 2>/dev/null &
sampler_pid=$!

# BENCH_PERF_AT=S: `perf record -g` the server for 10 s, S seconds after the loadgen starts.
if [ -n "${BENCH_PERF_AT:-}" ]; then
  (sleep "$BENCH_PERF_AT" && perf record -F ${BENCH_PERF_HZ:-499} ${BENCH_PERF_CG:--g} -p "$server_pid" -o "${BENCH_PERF_OUT:-/tmp/perf.data}" \
    -- sleep 10 >/dev/null 2>&1) &
fi
start=$(date +%s.%N)
"$build/tools/loadgen/startales-loadgen" --url "http://127.0.0.1:$port" --players "$players" \
  --per-campaign "$per_campaign" --systems "$systems" --command-interval-ms "$interval_ms" \
  --ai-empires "${BENCH_AI_EMPIRES:-0}" \
  --duration-s "$duration_s" --threads "${BENCH_LOADGEN_THREADS:-2}" --json --quiet >"$data/out.json" &
loadgen_pid=$!
(
  while kill -0 "$loadgen_pid" 2>/dev/null; do
    echo "$(date +%s.%N) $(awk '{print $14 + $15}' "/proc/$loadgen_pid/stat")"
    sleep 1
  done
) >"$data/cpu-loadgen" 2>/dev/null &
wait "$loadgen_pid"
end=$(date +%s.%N)
cat "$data/out.json"

# The measured window: the loadgen's duration_s seconds of commands, which end before its
# drain and its clean-up (leaving and deleting the campaigns: work a player never waits for).
# Like the peer's figures (../shared/peers/colyseus/README.md): CPU over the window, and the
# peak RSS (VmHWM, joins included) as it stood at the window's end.
window_end=$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(float(sys.argv[2]) - o["cleanup_s"] - o["drain_s"])' "$data/out.json" "$end")
window_start=$(echo "$window_end - $duration_s - 1" | bc)
awk -v from="$window_start" -v to="$window_end" -v hz="$hz" '
  $1 >= from && $1 <= to { if (!seen) { t0 = $1; c0 = $2; seen = 1 } t1 = $1; c1 = $2 }
  END { if (t1 > t0) printf "server cpu (cores) over the window: %.2f\n", (c1 - c0) / hz / (t1 - t0) }
' "$data/cpu" >&2
# Time the hypervisor gave the machine's vCPUs to someone else (steal), over the same window.
awk -v from="$window_start" -v to="$window_end" '
  $1 >= from && $1 <= to { if (!seen) { s0 = $3; a0 = $4; seen = 1 } s1 = $3; a1 = $4 }
  END { if (a1 > a0) printf "machine steal over the window: %.1f %%\n", 100 * (s1 - s0) / (a1 - a0) }
' "$data/cpu" >&2
awk -v from="$window_start" -v to="$window_end" -v hz="$hz" '
  $1 >= from && $1 <= to { if (!seen) { t0 = $1; c0 = $2; seen = 1 } t1 = $1; c1 = $2 }
  END { if (t1 > t0) printf "loadgen cpu (cores) over the window: %.2f\n", (c1 - c0) / hz / (t1 - t0) }
' "$data/cpu-loadgen" >&2
awk -v to="$window_end" '$1 <= to && $5 != "" { hwm = $5 } END { printf "VmHWM:\t%8d kB (at the window'"'"'s end)\n", hwm }' "$data/cpu" >&2
grep -E 'VmHWM' "/proc/$server_pid/status" | sed 's/$/ (after the clean-up)/' >&2
grep -E 'Threads' "/proc/$server_pid/status" >&2
# CPU seconds per thread over the server's whole life (setup included): which thread a change
# moved, comparable between runs of the same scenario.
cat /proc/"$server_pid"/task/*/stat 2>/dev/null | awk -v hz="$hz" '
  { name = $2; gsub(/[()]/, "", name); cpu[name] += ($14 + $15) / hz }
  END { out = "server thread cpu (s):"; for (n in cpu) out = out sprintf(" %s=%.1f", n, cpu[n]); print out }
' >&2
# The server's own view of the same run (its whole life, setup included): the bucket that
# holds each quantile of the command path's histograms (command_log_metrics.h).
curl -s "http://127.0.0.1:$(metrics_port "$log")/metrics" >"$data/metrics" || true
for h in campaign_command_seconds command_log_commit_seconds; do
  awk -v h="$h" '
    index($0, h "_bucket{") == 1 { n++; le[n] = $0; sub(/.*le="/, "", le[n]); sub(/".*/, "", le[n]); c[n] = $NF }
    END {
      if (!n) exit
      total = c[n]; split("0.5 0.95 0.99", q, " "); out = ""
      for (i = 1; i <= 3; i++) for (j = 1; j <= n; j++) if (c[j] >= q[i] * total) { out = out sprintf(" p%g<=%ss", q[i] * 100, le[j]); break }
      printf "server %s (%d samples):%s\n", h, total, out
    }' "$data/metrics" >&2
done
echo "run took $(echo "$end - $start" | bc) s" >&2
echo "errors logged by the server: $(grep -c '"level":"error"' "$log" || true)" >&2
grep '"level":"error"' "$log" | head -3 >&2 || true
# With `-- --log-level debug`: the command-log writer's 10-second summaries.
grep '"msg":"command log writer"' "$log" >&2 || true
