# shellcheck shell=bash
# Sourced by docker/tests/monitoring.sh: a throwaway cluster on loopback — PostgreSQL (initdb in
# a temporary directory), nats-server, redis-server, s3rver (tests/support/s3rver), a fake
# Ollama — and StarTales nodes on free ports, as the C++ tests start them
# (tests/support/*_server.cc). Everything it starts is stopped by stack_stop (call it from an
# EXIT trap). Needs: $work (a temporary directory), $binary (startales), fail(). Sets the
# ports it chose: pg_port/db_url, nats_port, redis_port, s3_port, ollama_port, and per node
# node_port and node_metrics (copy them before starting the next).
# shellcheck disable=SC2034,SC2154  # the variables are the sourcing script's

stack_pids=()
declare -A stack_pid_of=()
pg_bin="" pg_data="" pg_as=()

# A TCP port free on 127.0.0.1 now (the kernel's pick for port 0).
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}

# start_bg NAME COMMAND...: runs it in the background, output in $work/NAME.log.
start_bg() {
  local name=$1; shift
  "$@" >"$work/$name.log" 2>&1 &
  stack_pids+=("$!")
  stack_pid_of[$name]=$!
}

# wait_log NAME REGEX [SECONDS]: waits until NAME's log has a line matching REGEX (printed).
wait_log() {
  local name=$1 regex=$2 limit=${3:-30} end
  end=$((SECONDS + limit))
  while ((SECONDS < end)); do
    if grep -Em1 "$regex" "$work/$name.log" 2>/dev/null; then return 0; fi
    kill -0 "${stack_pid_of[$name]}" 2>/dev/null || fail "$name exited at start: $(tail -c 2000 "$work/$name.log")"
    sleep 0.1
  done
  fail "$name did not start within ${limit}s: $(tail -c 2000 "$work/$name.log")"
}

# json_field NAME LINE: the number value of "NAME": in a JSON log line.
json_field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

stack_start_postgres() {
  pg_bin="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$pg_bin/initdb" ] || fail "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): scripts/bootstrap.sh installs it"
  mkdir -p "$work/pg"
  if [ "$(id -u)" = 0 ]; then  # PostgreSQL refuses to run as root
    pg_as=(runuser -u postgres --)
    chown postgres: "$work/pg"
    chmod o+x "$work"
  fi
  pg_data="$work/pg/data"
  "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_data" -A trust -U startales -E UTF8 --locale=C --no-sync \
    >"$work/initdb.log" 2>&1 || fail "initdb failed: $(tail -c 2000 "$work/initdb.log")"
  pg_port="$(free_port)"
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/postgres.log" -w -t 30 \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
    start >"$work/pg_ctl.log" 2>&1 || fail "PostgreSQL did not start: $(tail -c 2000 "$work/pg/postgres.log")"
  "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U startales startales \
    || fail "createdb failed"
  db_url="postgres://startales@127.0.0.1:$pg_port/startales"
}

stack_start_services() {
  start_bg nats nats-server -a 127.0.0.1 -p -1
  local line
  line="$(wait_log nats 'Listening for client connections')"
  nats_port="$(sed -n 's/.*Listening for client connections on 127.0.0.1:\([0-9]*\).*/\1/p' <<<"$line")"
  redis_port="$(free_port)"
  start_bg redis redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" --daemonize no
  wait_log redis 'Ready to accept connections' >/dev/null
  mkdir -p "$work/s3"
  # s3rver makes its list continuation tokens with DES (OpenSSL 3's legacy provider).
  start_bg s3 node --openssl-legacy-provider tests/support/s3rver/serve.mjs --dir "$work/s3" \
    --port 0 --bucket startales --access-key-id monitoring-key \
    --secret-access-key monitoring-secret-0123456789
  line="$(wait_log s3 '^s3 listening on')"
  s3_port="${line##*:}"
  start_bg ollama node docker/tests/fake-ollama/server.mjs --model llama3.2:3b --chat-fail 503,500
  line="$(wait_log ollama '^fake ollama listening')"
  ollama_port="${line##*:}"
}

# stack_start_node NAME ROLE ARGS...: a startales role on free ports; sets node_port and
# node_metrics (the metrics listener's port).
stack_start_node() {
  local name=$1 role=$2; shift 2
  start_bg "$name" env STARTALES_S3_ACCESS_KEY_ID=monitoring-key \
    STARTALES_S3_SECRET_ACCESS_KEY=monitoring-secret-0123456789 \
    STARTALES_PASSWORD_MEM_KIB=1024 STARTALES_PASSWORD_OPS=1 \
    STARTALES_AUTH_RATE_ADDRESS_BURST=1000 STARTALES_AUTH_RATE_ACCOUNT_BURST=1000 \
    "$binary" "$role" --host 127.0.0.1 --port 0 --metrics-listen 127.0.0.1:0 \
    --data-dir "$work/$name" --web-dir '' "$@"
  local metrics listening
  metrics="$(wait_log "$name" '"msg":"metrics listening"')"
  listening="$(wait_log "$name" '"msg":"listening"')"
  node_metrics="$(json_field port "$metrics")"
  node_port="$(json_field port "$listening")"
}

stack_stop() {
  local pid _
  for pid in "${stack_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${stack_pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  stack_pids=()
declare -A stack_pid_of=()
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
}
