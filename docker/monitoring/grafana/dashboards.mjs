// Generates the Grafana dashboards in dashboards/ (provisioned by
// provisioning/dashboards/startales.yml): `node dashboards.mjs` writes them, `--check` fails
// when a committed file differs from what this produces (docker/tests/monitoring.sh).
//
// Every expression names only metrics the binary exports (docs/operations.md, "Metrics"),
// recording rules of ../prometheus/alerts.yml, or Prometheus' own; docker/tests/monitoring.sh
// checks that against live nodes and runs every expression on a live Prometheus.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const DS = { type: 'prometheus', uid: 'prometheus' };  // provisioning/datasources/prometheus.yml
const R = '$__rate_interval';
const rate = (selector) => `rate(${selector}[${R}])`;
const p = (q, selector, by = '') => `histogram_quantile(${q}, sum by (${by ? by + ', ' : ''}le) (${rate(selector)}))`;

// A panel is built without its position; dashboard() lays panels out in rows.
function timeseries(title, targets, { unit = 'short', description = '', stack = false, width = 12 } = {}) {
  return {
    type: 'timeseries', title, description, width, height: 8,
    fieldConfig: {
      defaults: {
        unit, min: 0,
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: stack ? 30 : 10, showPoints: 'never',
                  stacking: { mode: stack ? 'normal' : 'none', group: 'A' } },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
               tooltip: { mode: 'multi', sort: 'desc' } },
    targets,
  };
}
function stat(title, targets, { unit = 'short', description = '', width = 6 } = {}) {
  return {
    type: 'stat', title, description, width, height: 4,
    fieldConfig: { defaults: { unit, color: { mode: 'thresholds' },
                               thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }] } },
                   overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value',
               graphMode: 'area', justifyMode: 'auto', orientation: 'auto', textMode: 'auto' },
    targets,
  };
}
const q = (expr, legendFormat = '') => ({ expr, legendFormat });

function dashboard(uid, title, description, rows) {
  const panels = [];
  let id = 1, y = 0;
  for (const [rowTitle, rowPanels] of rows) {
    panels.push({ type: 'row', id: id++, title: rowTitle, collapsed: false, panels: [],
                  gridPos: { h: 1, w: 24, x: 0, y: y++ } });
    let x = 0, rowHeight = 0;
    for (const panel of rowPanels) {
      if (x + panel.width > 24) { x = 0; y += rowHeight; rowHeight = 0; }
      const { width, height, targets, ...rest } = panel;
      panels.push({
        id: id++, ...rest, datasource: DS, gridPos: { h: height, w: width, x, y },
        targets: targets.map((t, i) => ({ datasource: DS, refId: String.fromCharCode(65 + i),
                                          expr: t.expr, legendFormat: t.legendFormat, range: true })),
      });
      x += width; rowHeight = Math.max(rowHeight, height);
    }
    y += rowHeight;
  }
  return {
    uid, title, description, tags: ['startales'], editable: false, graphTooltip: 1,
    timezone: 'browser', refresh: '30s', schemaVersion: 39, version: 1,
    time: { from: 'now-3h', to: 'now' },
    links: [{ type: 'dashboards', tags: ['startales'], asDropdown: true, title: 'StarTales', includeVars: false,
              keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }],
    annotations: { list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true,
                            hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts',
                            type: 'dashboard' }] },
    templating: { list: [] },
    panels,
  };
}

const api = 'job="api"';
const dashboards = {
  players: dashboard('startales-players', 'StarTales / Players',
    'Who is connected: WebSockets (one per playing client), connections, sign-ins, and what the sockets carry.', [
    ['Now', [
      stat('Players connected (WebSockets)', [q(`sum(ws_connections_open{${api}})`)]),
      stat('HTTP connections', [q(`sum(http_connections_open{${api}})`)]),
      stat('Players on another node than their campaign', [q(`sum(cluster_relayed_sockets{${api}})`)],
           { description: 'Sockets fed through NATS from the campaign owner (cluster_relayed_sockets).' }),
      stat('Sign-ins per minute', [q(`sum(${rate(`http_requests_total{${api},route="/api/auth/login",status="200"}`)}) * 60`)]),
    ]],
    ['Connections', [
      timeseries('WebSockets open by node', [q(`ws_connections_open{${api}}`, '{{instance}}')], { stack: true }),
      timeseries('Relayed and remote sockets by node', [
        q(`cluster_relayed_sockets{${api}}`, 'relayed to players here {{instance}}'),
        q(`cluster_remote_sockets{${api}}`, 'remote players of campaigns here {{instance}}')]),
      timeseries('WebSocket closes by reason', [q(`sum by (reason) (${rate('ws_closes_total')})`, '{{reason}}')],
                 { unit: 'ops', description: 'slow_consumer and protocol_error deserve a look; shutdown comes with deploys.' }),
      timeseries('Connections refused or cut, by reason', [q(`sum by (reason) (${rate('http_rejected_total')})`, '{{reason}}')],
                 { unit: 'ops' }),
    ]],
    ['Traffic', [
      timeseries('WebSocket messages', [
        q(`sum(${rate(`ws_messages_received_total{${api}}`)})`, 'from players'),
        q(`sum(${rate(`ws_messages_sent_total{${api}}`)})`, 'to players'),
        q(`sum(${rate(`ws_rate_limited_total{${api}}`)})`, 'refused by the rate limit')], { unit: 'ops' }),
      timeseries('WebSocket bytes', [
        q(`sum(${rate(`ws_bytes_received_total{${api}}`)})`, 'in'),
        q(`sum(${rate(`ws_bytes_sent_total{${api}}`)})`, 'out')], { unit: 'Bps' }),
      timeseries('Accounts: sign-ups and sign-ins by status', [
        q(`sum by (route, status) (${rate(`http_requests_total{${api},route=~"/api/auth/(register|login)"}`)})`, '{{route}} {{status}}')],
        { unit: 'reqps' }),
      timeseries('Requests by status class', [
        q(`sum by (status) (${rate(`http_requests_total{${api},route!="/metrics"}`)})`, '{{status}}')], { unit: 'reqps', stack: true }),
    ]],
  ]),

  campaigns: dashboard('startales-campaigns', 'StarTales / Campaigns',
    'Campaigns running, where, and the commands they take.', [
    ['Now', [
      stat('Campaigns running', [q(`sum(campaigns_live{${api}})`)]),
      stat('Campaign leases held', [q(`sum(cluster_campaigns_owned{${api}})`)],
           { description: 'Equals campaigns running in a healthy cluster.' }),
      stat('Commands per second', [q(`sum(${rate('campaign_command_seconds_count')})`)], { unit: 'ops' }),
      stat('Campaigns created (1h)', [q(`sum(increase(http_requests_total{${api},route="/api/campaigns",method="POST",status="201"}[1h]))`)]),
    ]],
    ['Campaigns', [
      timeseries('Campaigns simulated by node', [q(`campaigns_live{${api}}`, '{{instance}}')], { stack: true }),
      timeseries('Campaign leases by node', [q(`cluster_campaigns_owned{${api}}`, '{{instance}}')], { stack: true }),
      timeseries('Lobby actions', [
        q(`sum by (route, status) (${rate(`http_requests_total{${api},route=~"/api/campaigns(/[^/]+/(join|start|pause|resume))?",method="POST"}`)})`, '{{route}} {{status}}')],
        { unit: 'reqps' }),
      timeseries('Restores that skipped a snapshot; fenced writes', [
        q(`sum by (instance) (increase(campaign_snapshots_skipped_total[1h]))`, 'snapshots skipped {{instance}}'),
        q(`sum by (instance) (increase(campaign_fenced_writes_total[1h]))`, 'fenced writes {{instance}}')],
        { description: 'Per hour. Both should stay at 0 (alerts: StartalesSnapshotsSkipped, StartalesFencedWrites).' }),
    ]],
    ['Commands', [
      timeseries('Commands answered by node', [q(`sum by (instance) (${rate('campaign_command_seconds_count')})`, '{{instance}}')],
                 { unit: 'ops', stack: true }),
      timeseries('REST commands by status', [
        q(`sum by (status) (${rate(`http_requests_total{${api},route="/api/campaigns/{id}/commands",method="POST"}`)})`, '{{status}}')],
        { unit: 'reqps', description: '202 acknowledged, 422 refused by the rules, 503 storage or overload.' }),
    ]],
  ]),

  'ack-latency': dashboard('startales-ack-latency', 'StarTales / Command ack latency',
    'How long a command takes to be acknowledged: measured from its arrival at the campaign to its answer (validation, the durable command-log write, applying it), plus the hop from another node.', [
    ['Acknowledgement', [
      timeseries('Command ack p50 / p95 / p99 (all nodes)', [
        q(p(0.5, 'campaign_command_seconds_bucket'), 'p50'),
        q(p(0.95, 'campaign_command_seconds_bucket'), 'p95'),
        q(p(0.99, 'campaign_command_seconds_bucket'), 'p99')], { unit: 's' }),
      timeseries('Command ack p99 by node (5 min)', [q('instance:campaign_command_seconds:p99_5m', '{{instance}}')],
                 { unit: 's', description: 'The recording rule the StartalesCommandAckSlow alerts watch (250 ms, 1 s).' }),
      timeseries('Forwarded to the owner: p99 by operation', [
        q(p(0.99, 'cluster_forwarded_request_seconds_bucket', 'op'), '{{op}}')],
        { unit: 's', description: 'The round trip over NATS when a player is on another node than the campaign.' }),
      timeseries('Command-log commit p99 by node', [
        q(p(0.99, 'command_log_commit_seconds_bucket', 'instance'), '{{instance}}')], { unit: 's' }),
    ]],
    ['HTTP', [
      timeseries('HTTP p99 by route (api, WebSocket upgrades excluded)', [
        q(p(0.99, `http_request_duration_seconds_bucket{${api},route!~"/ws|/metrics"}`, 'route'), '{{route}}')],
        { unit: 's', width: 24 }),
    ]],
  ]),

  ticks: dashboard('startales-ticks', 'StarTales / Ticks',
    "The simulation: how long a campaign's tick takes and how late ticks start (a saturated simulation slips).", [
    ['Ticks', [
      stat('Ticks per second (all campaigns)', [q(`sum(${rate('campaign_tick_seconds_count')})`)], { unit: 'ops' }),
      stat('Tick time p99', [q(p(0.99, 'campaign_tick_seconds_bucket'))], { unit: 's' }),
      stat('Tick lag p99', [q(p(0.99, 'campaign_tick_lag_seconds_bucket'))], { unit: 's' }),
      stat('Campaigns running', [q(`sum(campaigns_live{${api}})`)]),
      timeseries('Tick time p50 / p99 by node', [
        q(p(0.5, 'campaign_tick_seconds_bucket', 'instance'), 'p50 {{instance}}'),
        q(p(0.99, 'campaign_tick_seconds_bucket', 'instance'), 'p99 {{instance}}')], { unit: 's' }),
      timeseries('Mean tick time by node', [
        q(`sum by (instance) (${rate('campaign_tick_seconds_sum')}) / sum by (instance) (${rate('campaign_tick_seconds_count')})`, '{{instance}}')],
        { unit: 's' }),
      timeseries('Tick lag p99 by node (5 min)', [q('instance:campaign_tick_lag_seconds:p99_5m', '{{instance}}')],
                 { unit: 's', description: 'The recording rule behind StartalesTicksLagging (500 ms).' }),
      timeseries('Ticks per second by node', [q(`sum by (instance) (${rate('campaign_tick_seconds_count')})`, '{{instance}}')],
                 { unit: 'ops', stack: true }),
    ]],
    ['What ticks cost', [
      timeseries('CPU by node', [q(`${rate(`process_cpu_seconds_total{${api}}`)}`, '{{instance}}')],
                 { unit: 'percentunit', description: 'Cores used (1 = one core).' }),
      timeseries('Resident memory by node', [q(`process_resident_memory_bytes{${api}}`, '{{instance}}')], { unit: 'bytes' }),
    ]],
  ]),

  speech: dashboard('startales-speech', 'StarTales / Speech',
    'startales stt (pocketsphinx) and tts (espeak-ng): requests, latency, their pools.', [
    ['Requests', [
      timeseries('Speech requests by route and status', [
        q(`sum by (job, route, status) (${rate('http_requests_total{job=~"stt|tts",route!~"/metrics|/health|/ready"}')})`, '{{job}} {{route}} {{status}}')],
        { unit: 'reqps' }),
      timeseries('Speech latency p50 / p99 by route', [
        q(p(0.5, 'http_request_duration_seconds_bucket{job=~"stt|tts",route!~"/metrics|/health|/ready"}', 'job, route'), 'p50 {{job}} {{route}}'),
        q(p(0.99, 'http_request_duration_seconds_bucket{job=~"stt|tts",route!~"/metrics|/health|/ready"}', 'job, route'), 'p99 {{job}} {{route}}')],
        { unit: 's' }),
      timeseries('Speech through the api nodes (/api/stt, /api/tts)', [
        q(`sum by (route, status) (${rate(`http_requests_total{${api},route=~"/api/(stt|tts)/.*"}`)})`, '{{route}} {{status}}')],
        { unit: 'reqps' }),
    ]],
    ['Pools', [
      timeseries('Speech jobs queued or running', [q('speech_pool_pending', '{{job}} {{instance}}')]),
      timeseries('Speech jobs refused (pool full)', [q(`sum by (job, instance) (${rate('speech_pool_rejected_total')})`, '{{job}} {{instance}}')],
                 { unit: 'ops' }),
      timeseries('Voices in the object store (tts)', [
        q(`sum by (op, outcome) (${rate('objects_requests_total{job="tts"}')})`, '{{op}} {{outcome}}')], { unit: 'ops' }),
      timeseries('Memory by speech node', [q('process_resident_memory_bytes{job=~"stt|tts"}', '{{job}} {{instance}}')],
                 { unit: 'bytes' }),
    ]],
  ]),

  llm: dashboard('startales-llm', 'StarTales / Characters and the model',
    "Calls to the language model (Ollama or an OpenAI-compatible server) behind the AI characters, and their memories' index.", [
    ['Calls', [
      timeseries('Model calls by operation', [q(`sum by (backend, op) (${rate('llm_requests_total')})`, '{{backend}} {{op}}')],
                 { unit: 'ops' }),
      timeseries('Failed calls by kind', [q(`sum by (backend, kind) (${rate('llm_errors_total')})`, '{{backend}} {{kind}}')],
                 { unit: 'ops', description: 'A failed call is answered by the built-in engine instead.' }),
      timeseries('Retries', [q(`sum by (backend) (${rate('llm_retries_total')})`, '{{backend}}')], { unit: 'ops' }),
      timeseries('Circuit breaker (0 closed, 1 open, 2 half-open)', [q('llm_breaker_state', '{{backend}} {{instance}}')]),
    ]],
    ['Speed', [
      timeseries('Time to first token p50 / p99', [
        q(p(0.5, 'llm_time_to_first_token_seconds_bucket', 'backend'), 'p50 {{backend}}'),
        q(p(0.99, 'llm_time_to_first_token_seconds_bucket', 'backend'), 'p99 {{backend}}')], { unit: 's' }),
      timeseries('Tokens per second (median call)', [
        q(p(0.5, 'llm_tokens_per_second_bucket', 'backend'), '{{backend}}')]),
    ]],
    ['Memories', [
      timeseries('Memories queued for the vector index, and dropped', [
        q(`sum(${rate('vectors_requeued_total')})`, 'requeued'),
        q(`sum(${rate('vectors_requeue_dropped_total')})`, 'dropped (come back on the next load)')],
        { unit: 'ops', width: 24 }),
    ]],
  ]),

  database: dashboard('startales-database', 'StarTales / Storage',
    "PostgreSQL as the api nodes see it (the command log, leases, readiness), Redis (sessions, rate limits) and the S3 object store. PostgreSQL, Redis and NATS export no metrics of their own in this stack.", [
    ['PostgreSQL: the command log', [
      timeseries('Command-log commits by node', [q(`sum by (instance) (${rate('command_log_commit_seconds_count')})`, '{{instance}}')],
                 { unit: 'ops', stack: true }),
      timeseries('Commit time p50 / p99', [
        q(p(0.5, 'command_log_commit_seconds_bucket'), 'p50'),
        q(p(0.99, 'command_log_commit_seconds_bucket'), 'p99')], { unit: 's' }),
      timeseries('Records per commit (mean)', [
        q(`sum(${rate('command_log_commit_records_sum')}) / sum(${rate('command_log_commit_records_count')})`, 'records per commit')],
        { description: 'Grows with load: the writer batches every campaign\'s commands into shared commits.' }),
      timeseries('Failed and refused commits', [
        q(`sum by (instance) (${rate('command_log_commit_failures_total')})`, 'failed {{instance}}'),
        q(`sum by (instance) (${rate('command_log_rejected_total')})`, 'refused, writer full {{instance}}')], { unit: 'ops' }),
    ]],
    ['PostgreSQL: leases and blocking calls', [
      timeseries('Lease renewals and failures', [
        q(`sum by (instance) (${rate('cluster_lease_renewals_total')})`, 'renewed {{instance}}'),
        q(`sum by (instance) (${rate('cluster_lease_renewal_failures_total')})`, 'failed {{instance}}')], { unit: 'ops' }),
      timeseries('Blocking calls queued or running; refused', [
        q(`worker_pool_pending{${api}}`, 'pending {{instance}}'),
        q(`${rate(`worker_pool_rejected_total{${api}}`)}`, 'refused/s {{instance}}')]),
      timeseries('Readiness answers (503: a dependency is down)', [
        q(`sum by (instance, status) (${rate(`http_requests_total{${api},route="/api/ready"}`)})`, '{{instance}} {{status}}')],
        { unit: 'reqps' }),
    ]],
    ['Redis and S3', [
      timeseries('Redis calls by outcome', [q(`sum by (op, outcome) (${rate('kv_requests_total')})`, '{{op}} {{outcome}}')], { unit: 'ops' }),
      timeseries('Redis call p99', [q(p(0.99, 'kv_request_seconds_bucket', 'op'), '{{op}}')], { unit: 's' }),
      timeseries('Redis reconnects', [q(`sum by (instance) (${rate('kv_reconnects_total')})`, '{{instance}}')], { unit: 'ops' }),
      timeseries('Object store calls by outcome', [q(`sum by (op, outcome) (${rate('objects_requests_total')})`, '{{op}} {{outcome}}')],
                 { unit: 'ops' }),
      timeseries('Object store p99', [q(p(0.99, 'objects_request_seconds_bucket', 'op'), '{{op}}')], { unit: 's' }),
    ]],
  ]),

  cluster: dashboard('startales-cluster', 'StarTales / Cluster',
    'The api nodes as one cluster: who is up, who owns which campaigns, leases moving, and the NATS bus between them.', [
    ['Nodes', [
      stat('api nodes up', [q(`sum(up{${api}})`)]),
      stat('stt nodes up', [q('sum(up{job="stt"})')]),
      stat('tts nodes up', [q('sum(up{job="tts"})')]),
      stat('Rule evaluation failures (1h)', [q('sum(increase(prometheus_rule_evaluation_failures_total[1h]))')],
           { description: "Prometheus' own: a failing rule is an alert that cannot fire." }),
      timeseries('Targets up', [q('up{job=~"api|stt|tts"}', '{{job}} {{instance}}')]),
      timeseries('Campaigns owned by node', [q(`cluster_campaigns_owned{${api}}`, '{{instance}}')], { stack: true }),
    ]],
    ['Leases', [
      timeseries('Leases taken, taken over, lost; handoffs', [
        q(`sum by (instance) (${rate('cluster_lease_acquired_total')})`, 'acquired {{instance}}'),
        q(`sum by (instance) (${rate('cluster_lease_takeovers_total')})`, 'takeovers {{instance}}'),
        q(`sum by (instance) (${rate('cluster_lease_lost_total')})`, 'lost {{instance}}'),
        q(`sum by (instance) (${rate('cluster_handoffs_total')})`, 'handed off {{instance}}')],
        { unit: 'ops', width: 24, description: 'Takeovers without handoffs are failures (StartalesCampaignsTakenOver).' }),
    ]],
    ['Forwarding and the bus', [
      timeseries('Requests forwarded to owners, by outcome', [
        q(`sum by (op, outcome) (${rate('cluster_forwarded_requests_total')})`, '{{op}} {{outcome}}')], { unit: 'ops' }),
      timeseries('Bus connected by node', [q('bus_connected', '{{instance}}')],
                 { description: '1 connected, 0 disconnected (StartalesBusDisconnected).' }),
      timeseries('Bus messages', [
        q(`sum(${rate('bus_messages_published_total')})`, 'published'),
        q(`sum(${rate('bus_messages_received_total')})`, 'received'),
        q(`sum(${rate('bus_messages_dropped_total')})`, 'dropped (slow consumer)')], { unit: 'ops' }),
      timeseries('Bus requests by outcome; p99', [
        q(`sum by (outcome) (${rate('bus_requests_total')})`, '{{outcome}}'),
        q(p(0.99, 'bus_request_duration_seconds_bucket'), 'p99 (s)')]),
      timeseries('Bus disconnects, reconnects, slow consumers', [
        q(`sum by (instance) (${rate('bus_disconnects_total')})`, 'disconnects {{instance}}'),
        q(`sum by (instance) (${rate('bus_reconnects_total')})`, 'reconnects {{instance}}'),
        q(`sum by (instance) (${rate('bus_slow_consumer_total')})`, 'slow consumer {{instance}}')], { unit: 'ops' }),
      timeseries('Log lines dropped', [q(`sum by (job, instance) (${rate('log_lines_dropped_total')})`, '{{job}} {{instance}}')],
                 { unit: 'ops' }),
    ]],
    ['Processes', [
      timeseries('CPU by process', [q(rate('process_cpu_seconds_total{job=~"api|stt|tts"}'), '{{job}} {{instance}}')],
                 { unit: 'percentunit' }),
      timeseries('Open file descriptors (share of the limit)', [
        q('process_open_fds{job=~"api|stt|tts"} / process_max_fds{job=~"api|stt|tts"}', '{{job}} {{instance}}')],
        { unit: 'percentunit' }),
      timeseries('Threads', [q('process_threads{job=~"api|stt|tts"}', '{{job}} {{instance}}')]),
      timeseries('Uptime', [q('time() - process_start_time_seconds{job=~"api|stt|tts"}', '{{job}} {{instance}}')], { unit: 's' }),
    ]],
  ]),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [name, board] of Object.entries(dashboards)) {
  const file = join(here, 'dashboards', `${name}.json`);
  const text = JSON.stringify(board, null, 2) + '\n';
  if (!check) { writeFileSync(file, text); continue; }
  let committed = '';
  try { committed = readFileSync(file, 'utf8'); } catch { /* missing */ }
  if (committed !== text) { console.error(`dashboards: ${file} is not what dashboards.mjs makes: run node ${join(here, 'dashboards.mjs')}`); stale++; }
}
process.exit(stale ? 1 : 0);
