// Checks that every metric named by a Grafana dashboard or an alert/recording rule is one a
// live StarTales node (or Prometheus itself) really exports.
//
//   node check-metrics.mjs --dashboards DIR --rules RULES.json --exposition FILE...
//                          [--prometheus URL [--require-data]] [--allow NAME]... [--verbose]
//   node check-metrics.mjs --selftest
//
// --rules is Prometheus' GET /api/v1/rules answer (its own parse of alerts.yml, with each
// rule's health after evaluation); --exposition a /metrics page (text format) per role; with
// --prometheus every dashboard expression is also run on that Prometheus (a syntax or
// evaluation error fails; with --require-data so does one that returns nothing, e.g. a label
// value no series has). Exit 1 with one line per problem, naming the dashboard and panel
// or the rule, and the metric. Names that exist without being exported by anyone (`up`,
// Prometheus' synthetic series) are allowed only through --allow.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// ---- PromQL: the metric names an expression selects ----------------------------------------
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

// Grafana's variables, replaced as Grafana would before sending the query.
export function grafanaToPromql(expr) {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, (_, v) => (v === 'range' ? '1h' : '1m'))
             .replace(/\$\{[^}]+\}|\$[A-Za-z_]\w*/g, 'grafana_variable');
}

// Returns {names: [...], problems: [...]} for one expression.
export function metricNames(expr) {
  const names = [], problems = [];
  let i = 0;
  const n = expr.length;
  const skipString = () => {
    const quote = expr[i++];
    while (i < n && expr[i] !== quote) i += expr[i] === '\\' && quote !== '`' ? 2 : 1;
    i++;
  };
  const skipGroup = (open, close) => {  // from `open` to its matching `close`, strings respected
    const start = i;
    let depth = 0;
    while (i < n) {
      const c = expr[i];
      if (c === '"' || c === "'" || c === '`') { skipString(); continue; }
      if (c === open) depth++;
      if (c === close && --depth === 0) { i++; break; }
      i++;
    }
    return expr.slice(start, i);
  };
  const nextNonSpace = (from) => { let j = from; while (j < n && /\s/.test(expr[j])) j++; return expr[j]; };
  while (i < n) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') { skipString(); continue; }
    if (c === '#') { while (i < n && expr[i] !== '\n') i++; continue; }
    if (c === '{') {  // label matchers; a bare {__name__="x"} selects metric x
      const block = skipGroup('{', '}');
      const exact = /__name__\s*=\s*"([^"]*)"/.exec(block);
      if (exact) names.push(exact[1]);
      if (/__name__\s*(=~|!~|!=)/.test(block)) problems.push(`a __name__ regex or negation (${block}) cannot be checked: name the metrics`);
      continue;
    }
    if (c === '[') { skipGroup('[', ']'); continue; }
    if (/[0-9.]/.test(c)) { while (i < n && /[0-9A-Za-z_.]/.test(expr[i])) i++; continue; }  // numbers, durations
    if (/[A-Za-z_:]/.test(c)) {
      const start = i;
      while (i < n && /[A-Za-z0-9_:]/.test(expr[i])) i++;
      const word = expr.slice(start, i);
      const lower = word.toLowerCase();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        while (i < n && /\s/.test(expr[i])) i++;
        if (expr[i] === '(') skipGroup('(', ')');
        continue;
      }
      if (KEYWORDS.has(lower)) continue;
      if (nextNonSpace(i) === '(') continue;  // a function or an aggregation
      if (/^\s*(by|without)\s*\(/i.test(expr.slice(i))) continue;  // `sum by (x) (...)`
      names.push(word);
      continue;
    }
    i++;
  }
  return { names, problems };
}

// ---- the text exposition format: what a /metrics page exports --------------------------------
export function exportedNames(text) {
  const names = new Set();
  const families = new Map();
  for (const line of text.split('\n')) {
    const type = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (type) { families.set(type[1], type[2]); continue; }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]);
  }
  for (const [name, type] of families) {
    // A classic histogram has no series of its bare name, only these; a summary has both.
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}

// ---- the check ------------------------------------------------------------------------------
function parseArgs(argv) {
  const args = { dashboards: '', rules: '', expositions: [], prometheus: '', allow: [] };
  for (let i = 2; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--selftest') { args.selftest = true; continue; }
    if (flag === '--verbose') { args.verbose = true; continue; }
    if (flag === '--require-data') { args.requireData = true; continue; }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--dashboards') args.dashboards = value;
    else if (flag === '--rules') args.rules = value;
    else if (flag === '--exposition') args.expositions.push(value);
    else if (flag === '--prometheus') args.prometheus = value;
    else if (flag === '--allow') args.allow.push(value);
    else throw new Error(`unknown option ${flag}`);
  }
  return args;
}

function dashboardExpressions(dir, problems) {
  const out = [];
  const uids = new Map();
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) problems.push(`no dashboard in ${dir}`);
  for (const file of files) {
    let board;
    try { board = JSON.parse(readFileSync(join(dir, file), 'utf8')); } catch (e) { problems.push(`dashboard ${file}: not JSON: ${e.message}`); continue; }
    const where = `dashboard ${file}`;
    if (!board.uid || !board.title || typeof board.schemaVersion !== 'number' || !Array.isArray(board.panels)) {
      problems.push(`${where}: needs uid, title, a numeric schemaVersion and panels`);
      continue;
    }
    if (uids.has(board.uid)) problems.push(`${where}: uid ${board.uid} is also ${uids.get(board.uid)}'s`);
    uids.set(board.uid, file);
    const panels = board.panels.flatMap((p) => [p, ...(p.panels || [])]);
    for (const panel of panels) {
      const pw = `${where}, panel "${panel.title}"`;
      if (!panel.type || !panel.gridPos) problems.push(`${pw}: needs a type and a gridPos`);
      if (panel.type === 'row') continue;
      if (panel.datasource?.uid !== 'prometheus') problems.push(`${pw}: its datasource is not the provisioned one (uid prometheus)`);
      if (!Array.isArray(panel.targets) || panel.targets.length === 0) { problems.push(`${pw}: has no query`); continue; }
      for (const t of panel.targets) {
        if (!t.refId || !t.expr) { problems.push(`${pw}: a target without refId or expr`); continue; }
        out.push({ where: `${pw} (${t.refId})`, expr: t.expr, promql: grafanaToPromql(t.expr) });
      }
    }
  }
  return out;
}

function ruleExpressions(file, problems) {
  const answer = JSON.parse(readFileSync(file, 'utf8'));
  const out = [], recorded = new Set();
  for (const group of answer.data?.groups || []) {
    for (const rule of group.rules) {
      const kind = rule.type === 'recording' ? 'recording rule' : 'alert';
      const where = `${kind} ${rule.name} (group ${group.name})`;
      if (rule.type === 'recording') recorded.add(rule.name);
      if (rule.health !== 'ok') problems.push(`${where}: Prometheus reports health "${rule.health}"${rule.lastError ? `: ${rule.lastError}` : ''}`);
      out.push({ where, expr: rule.query, promql: rule.query });
    }
  }
  if (out.length === 0) problems.push(`${file}: Prometheus has loaded no rule`);
  return { rules: out, recorded };
}

async function runOnPrometheus(url, exprs, problems, verbose, requireData) {
  let withData = 0;
  for (const e of exprs) {
    const res = await fetch(`${url}/api/v1/query`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: e.promql }),
    });
    const answer = await res.json().catch(() => ({}));
    if (answer.status !== 'success') { problems.push(`${e.where}: Prometheus refuses "${e.expr}": ${answer.error || res.status}`); continue; }
    if ((answer.data?.result || []).length > 0) withData++;
    else if (requireData) problems.push(`${e.where}: no series on the live cluster for "${e.expr}" (a label value that does not exist?)`);
    else if (verbose) console.log(`check-metrics: no data for ${e.where}: ${e.expr}`);
  }
  return withData;
}

function selftest() {
  const cases = [
    ['sum by (le, route) (rate(x_bucket{route=~"/api/.*", a="}"}[5m]))', ['x_bucket']],
    ['histogram_quantile(0.99, sum by (job, le) (rate(a_bucket[$__rate_interval])))', ['a_bucket']],
    ['a / on(instance) group_left(node) b offset 5m > bool 0.5 and c unless d or e', ['a', 'b', 'c', 'd', 'e']],
    ['sum without (x) (rate(a_total[5m])) * 60', ['a_total']],
    ['{__name__="up", job="api"} == 0 or absent(up{job="api"})', ['up', 'up']],
    ['label_replace(m, "dst", "$1", "src", "(.*)") + time() - inf', ['m']],
    ['topk by (job) (5, rate(job:requests:rate5m[1h]))', ['job:requests:rate5m']],
  ];
  let failed = 0;
  for (const [expr, want] of cases) {
    const got = metricNames(grafanaToPromql(expr)).names;
    if (JSON.stringify(got) !== JSON.stringify(want)) { console.error(`selftest: ${expr}: got ${got}, want ${want}`); failed++; }
  }
  if (metricNames('{__name__=~"a.*"}').problems.length !== 1) { console.error('selftest: a __name__ regex was not flagged'); failed++; }
  const names = exportedNames('# TYPE h histogram\nh_bucket{le="1"} 0\n# TYPE c counter\nc 1\nu{a="b"} 2\n');
  for (const [name, want] of [['h_bucket', true], ['h_count', true], ['h', false], ['c', true], ['u', true]]) {
    if (names.has(name) !== want) { console.error(`selftest: exported ${name} should be ${want}`); failed++; }
  }
  console.log(failed ? `selftest: ${failed} failed` : `selftest: ${cases.length + 6} cases passed`);
  return failed ? 1 : 0;
}

async function main() {
  const args = parseArgs(process.argv);
  if (args.selftest) return selftest();
  const problems = [];
  const exported = new Set(args.allow);
  for (const file of args.expositions) for (const name of exportedNames(readFileSync(file, 'utf8'))) exported.add(name);
  const dashboards = dashboardExpressions(args.dashboards, problems);
  const { rules, recorded } = ruleExpressions(args.rules, problems);
  const used = new Set();
  for (const e of [...dashboards, ...rules]) {
    const { names, problems: parse } = metricNames(e.promql);
    for (const p of parse) problems.push(`${e.where}: ${p}`);
    for (const name of names) {
      used.add(name);
      if (!exported.has(name) && !recorded.has(name)) {
        problems.push(`${e.where}: no role exports ${name} (in: ${e.expr})`);
      }
    }
  }
  let withData = 0;
  if (args.prometheus) withData = await runOnPrometheus(args.prometheus, dashboards, problems, args.verbose, args.requireData);
  for (const p of problems) console.error(`check-metrics: ${p}`);
  if (problems.length) return 1;
  console.log(`check-metrics: the ${used.size} metric names of ${dashboards.length} dashboard queries and ${rules.length} rules are all exported` +
              ` (${exported.size} names from ${args.expositions.map((f) => basename(f)).join(', ')})` +
              (args.prometheus ? `; every query runs on Prometheus, ${withData} of them with data` : ''));
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error(`check-metrics: ${e.message}`); process.exit(2); });
