#!/usr/bin/env bash
# Runs a command with a fresh, throwaway PostgreSQL cluster on a free loopback port and
# STARTALES_DB pointing at it (`startales serve` reads --db from there), for load runs against
# PostgreSQL instead of the embedded SQLite:
#
#   bench/with_postgres.sh bench/campaign_load.sh 10000 10 2000 30 100
#
# The cluster is durable as shipped (fsync, synchronous_commit and full_page_writes on: an
# acknowledged command is on disk), unlike the test suite's, which turns them off for speed.
# Afterwards it prints the CPU seconds PostgreSQL used over the whole run (setup included).
# Bounded: pg_ctl waits at most 60 s to start and stop; the cluster is removed on exit.
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (scripts/bootstrap.sh installs it)" >&2; exit 1; }
root=$(mktemp -d /tmp/startales-pg-XXXXXX)
chown postgres "$root"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
stop() {
  as_pg "$bin/pg_ctl" -D "$root/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap stop EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$bin/initdb" -D "$root/data" -A trust -U startales -E UTF8 >/dev/null
as_pg "$bin/pg_ctl" -D "$root/data" -l "$root/postgres.log" -w -t 60 \
  -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U startales startales

export STARTALES_DB="postgres://startales@127.0.0.1:$port/startales"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on port $port" >&2
"$@"
status=$?

# The postmaster's own CPU, its exited children's (backends: the command has stopped the
# server, so they have exited and been reaped) and its live ones' (checkpointer, WAL writer).
postmaster=$(head -1 "$root/data/postmaster.pid")
hz=$(getconf CLK_TCK)
sleep 1
ticks=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat")
for child in $(pgrep -P "$postmaster" || true); do
  ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
done
echo "postgres cpu seconds over the whole run: $(awk -v t="$ticks" -v hz="$hz" 'BEGIN{printf "%.1f", t / hz}')" >&2
exit $status
