#!/usr/bin/env bash
# Checks docker/monitoring: promtool on the scrape configuration and the alert rules (and the
# rules' unit tests, which must also catch a broken rule), the Grafana dashboards (generated,
# provisioned datasource), then a live check: a throwaway cluster on loopback (PostgreSQL,
# NATS, Redis, s3rver, a fake Ollama; two `startales api` nodes, a `startales stt` and a
# `startales tts`) gets a little of every kind of traffic, a real Prometheus scrapes it and
# evaluates alerts.yml, and every metric name in every dashboard query and every rule must be
# one that some role (or Prometheus itself) exports; every dashboard query must run on that
# Prometheus. A dashboard or rule naming a made-up metric must fail the check.
# Env: STARTALES_BINARY (default build/dev/src/app/startales).
# shellcheck disable=SC2034,SC2154  # variables set and read by the sourced stack.sh, traffic.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
mon=docker/monitoring
here=docker/tests/monitoring

fail() { echo "monitoring: FAILED: $*" >&2; exit 1; }
ok() { echo "monitoring: $*"; }

binary="${STARTALES_BINARY:-build/dev/src/app/startales}"
[ -x "$binary" ] || fail "no startales binary at $binary (build it, or set STARTALES_BINARY)"
for tool in promtool prometheus node curl nats-server redis-server; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/bootstrap.sh installs it"
done
[ -f tests/support/s3rver/node_modules/s3rver/package.json ] \
  || fail "s3rver is not installed in tests/support/s3rver: run make test-deps"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"

work="$(mktemp -d /tmp/startales-monitoring.XXXXXX)"
# shellcheck source=docker/tests/monitoring/stack.sh
source "$here/stack.sh"
trap 'stack_stop; rm -rf "$work"' EXIT

# ---- offline ------------------------------------------------------------------------------
promtool check config "$mon/prometheus/prometheus.yml" >"$work/promtool.log" 2>&1 \
  || fail "promtool check config: $(cat "$work/promtool.log")"
promtool check rules "$mon/prometheus/alerts.yml" >"$work/promtool.log" 2>&1 \
  || fail "promtool check rules: $(cat "$work/promtool.log")"
ok "promtool check config and check rules pass ($(grep -o '[0-9]* rules found' "$work/promtool.log" | head -1))"
for job in api stt tts prometheus; do
  grep -q "job_name: $job\$" "$mon/prometheus/prometheus.yml" || fail "prometheus.yml has no job $job (the rules select on it)"
done
for target in api1 api2 api3 stt1 stt2 tts1 tts2; do
  grep -q "'$target:9464'" "$mon/prometheus/prometheus.yml" || fail "prometheus.yml does not scrape $target:9464"
done
ok "prometheus.yml scrapes api1..3, stt1..2, tts1..2 on :9464 as jobs api, stt, tts"

(cd "$mon/prometheus" && promtool test rules alerts_test.yml) >"$work/promtool.log" 2>&1 \
  || fail "promtool test rules: $(cat "$work/promtool.log")"
ok "promtool test rules: every alert fires on its series and stays silent on the others"
# The tests must notice a broken rule: a copy whose NATS alert can never fire has to fail.
mkdir "$work/mutant"
sed 's/expr: bus_connected == 0$/expr: bus_connected == 2/' "$mon/prometheus/alerts.yml" >"$work/mutant/alerts.yml"
cp "$mon/prometheus/alerts_test.yml" "$work/mutant/"
cmp -s "$work/mutant/alerts.yml" "$mon/prometheus/alerts.yml" && fail "the mutation self-test found no bus_connected rule to break"
if (cd "$work/mutant" && promtool test rules alerts_test.yml) >/dev/null 2>&1; then
  fail "promtool test rules passes with a broken StartalesBusDisconnected rule: the tests check nothing"
fi
ok "promtool test rules fails on a broken rule (mutation self-test)"

node "$mon/grafana/dashboards.mjs" --check || fail "the dashboards are stale"
grep -q '^    uid: prometheus$' "$mon/grafana/provisioning/datasources/prometheus.yml" \
  || fail "the provisioned datasource's uid is not prometheus (the dashboards refer to it)"
grep -q 'path: /var/lib/grafana/dashboards$' "$mon/grafana/provisioning/dashboards/startales.yml" \
  || fail "the dashboard provider does not read /var/lib/grafana/dashboards"
node "$here/check-metrics.mjs" --selftest >/dev/null || fail "check-metrics.mjs --selftest failed"
ok "dashboards are what dashboards.mjs makes; provisioning points at them; the PromQL name parser passes its self-test"

# ---- a live cluster ----------------------------------------------------------------------
started=$SECONDS
stack_start_postgres
stack_start_services
"$binary" migrate --db "$db_url" >"$work/migrate.log" 2>&1 || fail "migrate: $(tail -c 2000 "$work/migrate.log")"
node_args=(--db "$db_url" --nats "nats://127.0.0.1:$nats_port" --redis "redis://127.0.0.1:$redis_port"
           --objects s3://startales --s3-endpoint "http://127.0.0.1:$s3_port"
           --llm "ollama:http://127.0.0.1:$ollama_port" --llm-model llama3.2:3b)
stack_start_node api1 api "${node_args[@]}" --node mon-api1
api1_port=$node_port api1_metrics=$node_metrics
stack_start_node api2 api "${node_args[@]}" --node mon-api2
api2_port=$node_port api2_metrics=$node_metrics
speech_token=monitoring-speech-token-0123
stack_start_node stt1 stt --speech-token "$speech_token"
stt1_port=$node_port stt1_metrics=$node_metrics
stack_start_node tts1 tts --speech-token "$speech_token" --objects s3://startales --s3-endpoint "http://127.0.0.1:$s3_port"
tts1_port=$node_port tts1_metrics=$node_metrics
ok "cluster up in $((SECONDS - started)) s: PostgreSQL, NATS, Redis, s3rver, fake Ollama, 2 api, stt, tts"

# ---- Prometheus scrapes it and evaluates the rules (from before the traffic, so rates move) --
prom_port="$(free_port)"
cat >"$work/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ['$PWD/$mon/prometheus/alerts.yml']
scrape_configs:
  - {job_name: api, static_configs: [{targets: ['127.0.0.1:$api1_metrics', '127.0.0.1:$api2_metrics']}]}
  - {job_name: stt, static_configs: [{targets: ['127.0.0.1:$stt1_metrics']}]}
  - {job_name: tts, static_configs: [{targets: ['127.0.0.1:$tts1_metrics']}]}
  - {job_name: prometheus, static_configs: [{targets: ['127.0.0.1:$prom_port']}]}
EOF
start_bg prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn
prom="http://127.0.0.1:$prom_port"
# Until every target is up and every rule has been evaluated (bounded: 30 s).
for _ in $(seq 1 60); do
  up="$(curl -fsS "$prom/api/v1/query?query=sum(up)" 2>/dev/null | sed -n 's/.*"value":\[[^,]*,"\([0-9]*\)".*/\1/p' || true)"
  curl -fsS "$prom/api/v1/rules" >"$work/rules.json" 2>/dev/null || true
  if [ "$up" = 5 ] && ! grep -q '"health":"unknown"' "$work/rules.json" && grep -q '"health"' "$work/rules.json"; then break; fi
  kill -0 "${stack_pid_of[prometheus]}" 2>/dev/null || fail "Prometheus exited: $(tail -c 2000 "$work/prometheus.log")"
  sleep 0.5
done
[ "$up" = 5 ] || fail "Prometheus does not see all 5 targets up (sum(up) = ${up:-none}): $(curl -fsS "$prom/api/v1/targets" | head -c 2000)"
ok "Prometheus scrapes api1, api2, stt1, tts1 and itself; $(grep -o '"health":"ok"' "$work/rules.json" | wc -l) rules evaluated"

# ---- traffic: every kind, so labelled families and histograms have series -------------------
# shellcheck source=docker/tests/monitoring/traffic.sh
source "$here/traffic.sh"
traffic
ok "traffic: sign-up, campaign created and started, commands on both nodes (one forwarded), a character answered by the model after a 503 and a 500, speech through tts and stt"

sleep 3  # three more scrapes and rule evaluations after the traffic
curl -fsS "$prom/api/v1/rules" >"$work/rules.json" || fail "GET /api/v1/rules of Prometheus failed"

# A healthy cluster fires nothing (pending is fine: the model's planned failures, say).
firing="$(curl -fsS "$prom/api/v1/query" --data-urlencode 'query=ALERTS{alertstate="firing"}' \
  | grep -o '"alertname":"[^"]*"' | sort -u | tr '\n' ' ' || true)"
[ -z "$firing" ] || fail "alerts fire on a healthy cluster: $firing"
ok "no alert fires on the healthy cluster"

for target in "api1:$api1_metrics" "api2:$api2_metrics" "stt1:$stt1_metrics" "tts1:$tts1_metrics"; do
  curl -fsS "127.0.0.1:${target#*:}/metrics" >"$work/${target%%:*}.metrics" || fail "GET /metrics of ${target%%:*} failed"
done
curl -fsS "$prom/metrics" >"$work/prometheus.metrics" || fail "GET /metrics of Prometheus failed"

# The tick metrics are observed, not only declared: the running campaign ticked.
ticks="$(cat "$work/api1.metrics" "$work/api2.metrics" | awk '$1 == "campaign_tick_seconds_count" {s += $2} END {print s + 0}')"
lags="$(cat "$work/api1.metrics" "$work/api2.metrics" | awk '$1 == "campaign_tick_lag_seconds_count" {s += $2} END {print s + 0}')"
((ticks > 0 && lags > 0)) || fail "no campaign tick was measured (campaign_tick_seconds_count $ticks, campaign_tick_lag_seconds_count $lags)"
ok "the running campaign's ticks are measured: $ticks ticks in campaign_tick_seconds"

# run_check RULES DASHBOARDS [ARGS...]: names used there against what the five targets export.
# `up` is Prometheus' own per target, in no /metrics page.
run_check() {
  node "$here/check-metrics.mjs" --rules "$1" --dashboards "$2" --allow up \
    --exposition "$work/api1.metrics" --exposition "$work/api2.metrics" \
    --exposition "$work/stt1.metrics" --exposition "$work/tts1.metrics" \
    --exposition "$work/prometheus.metrics" "${@:3}"
}
run_check "$work/rules.json" "$mon/grafana/dashboards" --prometheus "$prom" --require-data \
  >"$work/check.log" 2>&1 || fail "metric names: $(cat "$work/check.log")"
ok "$(sed 's/^check-metrics: //' "$work/check.log")"

# ---- negative self-tests: the check must catch made-up names ----------------------------------
# must_fail WHAT DASHBOARDS RULES TEXT...: the check must fail, naming every TEXT.
must_fail() {
  local what=$1 dir=$2 rules=$3 text; shift 3
  local out rc=0
  out="$(run_check "$rules" "$dir" 2>&1)" || rc=$?
  [ "$rc" = 1 ] || fail "$what: the check did not fail (exit $rc): $out"
  for text in "$@"; do [[ $out == *"$text"* ]] || fail "$what: the failure does not name '$text': $out"; done
}
mkdir "$work/bad"
cp "$mon/grafana/dashboards/players.json" "$work/bad/"
node -e '
  const fs = require("fs");
  const board = JSON.parse(fs.readFileSync(process.argv[1] + "/players.json", "utf8"));
  const panel = (title, expr, y) => ({ id: 900 + y, type: "timeseries", title, gridPos: { h: 8, w: 12, x: 0, y: 100 + y },
    datasource: { type: "prometheus", uid: "prometheus" }, targets: [{ refId: "A", expr }] });
  fs.writeFileSync(process.argv[1] + "/made-up.json", JSON.stringify({ ...board, uid: "made-up", title: "Made up",
    panels: [panel("Made up", "sum(rate(startales_made_up_total[5m]))", 0),
             panel("Bare histogram", "campaign_command_seconds > 1", 1)] }));
' "$work/bad"
must_fail "a dashboard with made-up metrics" "$work/bad" "$work/rules.json" \
  'dashboard made-up.json, panel "Made up" (A): no role exports startales_made_up_total' \
  'panel "Bare histogram" (A): no role exports campaign_command_seconds'
cat >"$work/bad-rules.json" <<'EOF'
{"status":"success","data":{"groups":[{"name":"made-up","rules":[{"type":"alerting","name":"MadeUp","health":"ok",
 "query":"increase(startales_made_up_total[5m]) > 0 and on (instance) up == 1"}]}]}}
EOF
must_fail "a rule with a made-up metric" "$mon/grafana/dashboards" "$work/bad-rules.json" \
  'alert MadeUp (group made-up): no role exports startales_made_up_total'
# A real metric with a label value no series has (a typo) returns nothing on the live cluster.
mkdir "$work/typo"
node -e '
  const fs = require("fs");
  const board = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  board.panels = board.panels.filter((p) => p.type !== "row").slice(0, 1);
  board.panels[0].title = "Typo";
  board.panels[0].targets = [{ refId: "A", expr: "sum(rate(http_requests_total{route=\"/api/campaign\"}[5m]))" }];
  fs.writeFileSync(process.argv[2] + "/typo.json", JSON.stringify(board));
' "$mon/grafana/dashboards/players.json" "$work/typo"
rc=0
out="$(run_check "$work/rules.json" "$work/typo" --prometheus "$prom" --require-data 2>&1)" || rc=$?
[ "$rc" = 1 ] && [[ $out == *'panel "Typo" (A): no series on the live cluster'* ]] \
  || fail "a query with a label value no series has was not caught (exit $rc): $out"
ok "the check fails naming the dashboard, panel or rule and the metric for made-up names, bare histogram names and label values no series has"
ok "live part took $((SECONDS - started)) s"
