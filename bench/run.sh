#!/usr/bin/env bash
# `make bench`: micro-benchmarks (net, game simulation, AI memory), then a wrk load run on GET
# /api/health over loopback against the release binary, then campaigns over WebSocket with
# startales-loadgen, alone and side by side with Colyseus (bench/peer_compare.sh). Results go
# to stdout; docs/benchmarks.md records them.
# Every run is bounded: wrk runs for BENCH_SECONDS (default 10) per scenario; the loadgen for
# BENCH_LOADGEN_SECONDS (default 90: past a whole 60-tick snapshot round) after its setup, with BENCH_PLAYERS players (default 10000).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

build=${BENCH_BUILD:-build/release}  # BENCH_BUILD: another build tree with the same targets
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
players=${BENCH_PLAYERS:-10000}
loadgen_seconds=${BENCH_LOADGEN_SECONDS:-90}
peer_seconds=${BENCH_PEER_SECONDS:-30}  # the measured window of each side of a peer pair
peer_pairs=${BENCH_PEER_PAIRS:-3}

echo "== machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)"

echo "== micro-benchmarks ($build/bench/net_bench)"
"$build/bench/net_bench" --benchmark_min_time=0.2

# The game simulation: tick, newGame, snapshots, views, memory per campaign. Builds one
# mid-game campaign (newGame + 300 ticks) per size first, up to 5,000 systems x 32 civs.
echo "== game benchmarks ($build/bench/game_bench)"
"$build/bench/game_bench" --benchmark_min_time=0.2

# AI: embedding, top-8 retrieval over 10,000 and 100,000 memories of one character (exact,
# hnswlib bounded, hnswlib one round; building the 100,000-memory graph takes ~35 s before the
# first timing), and the built-in dialogue engine's reply time.
echo "== AI benchmarks ($build/bench/ai_bench)"
"$build/bench/ai_bench" --benchmark_min_time=0.2

# The server relaying a model's stream as Server-Sent Events: cost per token (one JSON line).
echo "== dialogue stream ($build/bench/dialogue_stream_bench)"
STARTALES_BINARY="$build/src/app/startales" "$build/bench/dialogue_stream_bench"

# Voice over /ws: end of speech → recognised → first audio of the spoken reply; 1-8 sessions.
echo "== voice ($build/bench/voice_bench)"
STARTALES_BINARY="$build/src/app/startales" "$build/bench/voice_bench"

# Three api nodes on PostgreSQL, NATS, Redis and s3rver: forwarding cost (owner vs another
# node), kill -9 failover over 10 trials, SIGTERM handoff pause, and 600 players spread over
# the nodes (what each engine did). docs/benchmarks.md "Cluster" and docs/scaling.md.
echo "== cluster ($build/bench/cluster_bench --trials 10 --load-players 600)"
STARTALES_BINARY="$build/src/app/startales" STARTALES_LOADGEN="$build/tools/loadgen/startales-loadgen" \
  "$build/bench/cluster_bench" --trials 10 --load-players 600 2>/dev/null

data=$(mktemp -d /tmp/startales-bench-XXXXXX)
log="$data/server.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

# start_server <extra args...>: starts the release binary on a free port, sets $port.
start_server() {
  : >"$log"
  "$build/src/app/startales" serve --host 127.0.0.1 --port 0 --data-dir "$data" \
    --metrics-listen off "$@" 2>"$log" &
  server_pid=$!
  port=$(listening_port "$log") || exit 1
}
stop_server() { kill "$server_pid"; wait "$server_pid" || true; server_pid=""; }

run_wrk() {
  echo "== wrk -t2 -c$connections -d${seconds}s --latency http://127.0.0.1:$port/api/health ($1)"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port/api/health"
}

start_server --access-log false
run_wrk "access log off"
stop_server

start_server
run_wrk "access log on (default), written to a file"
stop_server

# Campaigns over WebSocket, issue 4's scenario: $players players (default 10,000) in campaigns
# of 10 (100 systems, one tick a second), each sending one command every 2 s over /ws, for
# $loadgen_seconds s after the setup; bench/campaign_load.sh starts a fresh release server and
# prints the loadgen's JSON, then server and loadgen CPU, peak RSS and the server's own
# quantiles. docs/benchmarks.md has the results and how they vary with this machine's speed.
echo "== bench/campaign_load.sh $players 10 2000 $loadgen_seconds 100"
BENCH_BUILD="$build" bash bench/campaign_load.sh "$players" 10 2000 "$loadgen_seconds" 100

# The same scenario side by side with the peer (Colyseus on the same room workload, ../shared/peers/colyseus),
# alternating, $peer_pairs pairs: each pair prints StarTales ÷ Colyseus for server CPU, peak
# RSS, p50 and p99 ack (issue 18; only the ratios within one pair mean anything here).
echo "== bench/peer_compare.sh $players $peer_seconds $peer_pairs"
BENCH_BUILD="$build" bash bench/peer_compare.sh "$players" "$peer_seconds" "$peer_pairs"
