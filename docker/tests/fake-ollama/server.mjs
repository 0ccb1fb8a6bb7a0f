// A fake Ollama server for the deployment's tests (Ollama itself cannot run here: no image,
// no model). It replays the documented wire format (docs/api.md of ollama/ollama) of the
// routes StarTales and init-models.sh use, with Ollama's status codes:
//
//   GET  /                 200 "Ollama is running"
//   GET  /api/version      200 {"version":"0.12.10"}
//   GET  /api/tags         200 {"models":[{name, model, modified_at, size, digest, details}]}
//   POST /api/pull         {"model"|"name", "stream"?} → 200 application/x-ndjson:
//                          {"status":"pulling manifest"}, per layer {"status":"pulling <d>",
//                          "digest","total","completed"}, {"status":"verifying sha256 digest"},
//                          {"status":"writing manifest"}, {"status":"success"}; an unknown
//                          model: {"status":"pulling manifest"} then
//                          {"error":"pull model manifest: file does not exist"} (still 200:
//                          the header went out first); no body: 400 {"error":"missing request
//                          body"}; no name: 400 {"error":"invalid model name"}.
//   POST /api/chat         NDJSON {"model","created_at","message":{"role":"assistant",
//                          "content"},"done":false}..., then {"done":true,"done_reason":"stop",
//                          "eval_count","eval_duration",...}
//   POST /api/embed        {"model","embeddings":[[...]]}
//
// HTTP/1.1 answers are chunked when streamed (as Go's net/http does); HTTP/1.0 ones, and all
// with --raw-stream, are delimited by closing the connection.
//
// Usage: node server.mjs [--port 0] [--state FILE] [--model NAME:TAG]... [--known NAME:TAG]...
//        [--slow-ms N] [--chat-fail 503,500,...] [--start-delay-ms N] [--raw-stream]
//   --model   installed at start (listed by /api/tags)
//   --known   what the "library" has: pulls of anything else fail like Ollama's
//   --state   a JSON file keeping the installed models across restarts (idempotence tests)
//   --slow-ms delay between progress lines of a pull (a slow download)
//   --chat-fail  statuses answered by the first /api/chat calls, in order (then success)
//   --start-delay-ms  listen only after this long (a server still starting)
//   --raw-stream  streamed answers end by closing the connection instead of chunked
// Prints "fake ollama listening on 127.0.0.1:PORT" once listening; exits on SIGTERM.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const opts = { port: 0, models: [], known: [], slowMs: 0, chatFail: [], startDelayMs: 0, state: '',
               rawStream: false };
for (let i = 2; i < process.argv.length; i += 2) {
  if (process.argv[i] === '--raw-stream') { opts.rawStream = true; i -= 1; continue; }
  const [flag, value] = [process.argv[i], process.argv[i + 1]];
  if (value === undefined) { console.error(`server.mjs: ${flag} needs a value`); process.exit(2); }
  if (flag === '--port') opts.port = Number(value);
  else if (flag === '--model') opts.models.push(value);
  else if (flag === '--known') opts.known.push(value);
  else if (flag === '--slow-ms') opts.slowMs = Number(value);
  else if (flag === '--chat-fail') opts.chatFail = value.split(',').filter(Boolean).map(Number);
  else if (flag === '--start-delay-ms') opts.startDelayMs = Number(value);
  else if (flag === '--state') opts.state = value;
  else { console.error(`server.mjs: unknown option ${flag}`); process.exit(2); }
}

// Ollama's name rules: "model[:tag]", tag "latest" when absent, the default registry and
// "library/" namespace implied; compared case-insensitively.
function canonical(name) {
  let n = name.trim().toLowerCase();
  n = n.replace(/^registry\.ollama\.ai\//, '').replace(/^library\//, '');
  const slash = n.lastIndexOf('/');
  if (!n.slice(slash + 1).includes(':')) n += ':latest';
  return n;
}
// How /api/tags shows a name (Ollama's DisplayShortest: the tag is always shown).
const display = (name) => canonical(name);

const installed = new Map();  // canonical name → entry
function install(name) {
  const n = display(name);
  const digest = createHash('sha256').update(n).digest('hex');
  installed.set(n, {
    name: n, model: n, modified_at: new Date().toISOString(), size: 1000 + n.length, digest,
    details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'],
               parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
  });
}
if (opts.state && existsSync(opts.state)) {
  for (const n of JSON.parse(readFileSync(opts.state, 'utf8'))) install(n);
}
for (const m of opts.models) install(m);
const save = () => { if (opts.state) writeFileSync(opts.state, JSON.stringify([...installed.keys()])); };
save();
const known = new Set(opts.known.map(canonical));
const pulls = [];  // names pulled, for the tests: GET /_fake/pulls
let chatCalls = 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function json(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8',
                          'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

// A streamed answer: chunked (Node does it for HTTP/1.1 as Go's net/http does), or with
// --raw-stream delimited by closing the connection, as a proxy that buffers nothing may send.
function ndjsonStart(req, res) {
  if (opts.rawStream) {
    const socket = req.socket;
    socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n');
    res.write = (text) => socket.write(text);
    res.end = () => socket.end();
    return;
  }
  const headers = { 'Content-Type': 'application/x-ndjson' };
  if (req.httpVersion === '1.0') headers.Connection = 'close';
  res.writeHead(200, headers);
}
const line = (res, obj) => res.write(JSON.stringify(obj) + '\n');

async function pull(req, res, body) {
  let request;
  if (body.length === 0) return json(res, 400, { error: 'missing request body' });
  try { request = JSON.parse(body); } catch (e) { return json(res, 400, { error: e.message }); }
  const name = request.model || request.name || '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:-]*$/.test(name)) return json(res, 400, { error: 'invalid model name' });
  const n = canonical(name);
  pulls.push(n);
  ndjsonStart(req, res);
  line(res, { status: 'pulling manifest' });
  await sleep(opts.slowMs);
  if (!known.has(n)) {
    line(res, { error: 'pull model manifest: file does not exist' });
    return res.end();
  }
  const layers = [createHash('sha256').update(n + '/model').digest('hex'),
                  createHash('sha256').update(n + '/params').digest('hex')];
  for (const [i, hex] of layers.entries()) {
    const digest = `sha256:${hex}`;
    const total = i === 0 ? 2019377376 : 7711;
    for (const part of [0, 1, 2, 3, 4]) {
      const status = { status: `pulling ${hex.slice(0, 12)}`, digest, total };
      if (part > 0) status.completed = Math.round((total * part) / 4);  // absent until bytes arrive
      line(res, status);
      await sleep(opts.slowMs);
    }
  }
  for (const status of ['verifying sha256 digest', 'writing manifest', 'success']) {
    line(res, { status });
    await sleep(opts.slowMs);
  }
  install(n);
  save();
  res.end();
}

async function chat(req, res, body) {
  let request;
  try { request = JSON.parse(body); } catch (e) { return json(res, 400, { error: e.message }); }
  const fail = opts.chatFail[chatCalls++];
  if (fail) return json(res, fail, { error: fail === 503 ? 'server busy, please try again.  maximum pending requests exceeded' : 'model runner has unexpectedly stopped' });
  const model = request.model;
  ndjsonStart(req, res);
  const created_at = new Date().toISOString();
  for (const piece of ['The treasury ', 'holds, ', 'for now.']) {
    line(res, { model, created_at, message: { role: 'assistant', content: piece }, done: false });
    await sleep(5);
  }
  line(res, { model, created_at, message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop',
              total_duration: 30000000, load_duration: 1000000, prompt_eval_count: 40,
              prompt_eval_duration: 10000000, eval_count: 6, eval_duration: 20000000 });
  res.end();
}

function embed(res, body) {
  let request;
  try { request = JSON.parse(body); } catch (e) { return json(res, 400, { error: e.message }); }
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  const vector = (text) => Array.from({ length: 8 }, (_, i) => ((text.length * (i + 1)) % 7) / 7 - 0.5);
  json(res, 200, { model: request.model, embeddings: inputs.map((t) => vector(String(t))) });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url.split('?')[0];
    const route = `${req.method} ${path}`;
    if (route === 'GET /' || route === 'HEAD /') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return res.end('Ollama is running');
    }
    if (route === 'GET /api/version') return json(res, 200, { version: '0.12.10' });
    if (route === 'GET /api/tags') return json(res, 200, { models: [...installed.values()] });
    if (route === 'POST /api/pull') return void pull(req, res, body);
    if (route === 'POST /api/chat') return void chat(req, res, body);
    if (route === 'POST /api/embed') return embed(res, body);
    if (route === 'GET /_fake/pulls') return json(res, 200, { pulls, chat_calls: chatCalls });
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found');
  });
});

setTimeout(() => {
  server.listen(opts.port, '127.0.0.1', () => {
    console.log(`fake ollama listening on 127.0.0.1:${server.address().port}`);
  });
}, opts.startDelayMs);
const stop = () => { server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
