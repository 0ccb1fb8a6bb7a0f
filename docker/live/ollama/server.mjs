// Live test only: a fake Ollama on :11434 (Ollama cannot run here: no image, no model). It
// answers the routes StarTales calls in Ollama's wire format (docs/api.md of ollama/ollama):
//   GET  /                200 "Ollama is running"
//   GET  /api/version     {"version"}
//   GET  /api/tags        {"models":[{name, model, modified_at, size, digest, details}]}
//   POST /api/chat        stream: NDJSON, chunked, {"model","created_at","message":
//                         {"role":"assistant","content"},"done":false}... then a last line
//                         {"done":true,"done_reason":"stop","eval_count",...}; stream false:
//                         that last object with the whole message
//   POST /api/embed       {"model","embeddings":[[768 floats]...]} for "input" (string|array)
//   POST /api/embeddings  {"embedding":[768 floats]} for "prompt" (the older route)
//   GET  /fake/stats      {"chat":N,"embed":N}: what the live test checks was called
// An unknown model gets 404 {"error":"model \"x\" not found, try pulling it first"}.
import { createHash } from 'node:crypto';
import http from 'node:http';

const models = (process.env.FAKE_OLLAMA_MODELS || 'llama3.2:3b,nomic-embed-text:latest').split(',');
const known = (name) => models.includes(name) || models.includes(`${name}:latest`);
const stats = { chat: 0, embed: 0 };

function vector(text) {  // deterministic, unit length
  const out = [];
  for (let i = 0; out.length < 768; i++) {
    for (const byte of createHash('sha256').update(`${i}:${text}`).digest()) out.push(byte / 127.5 - 1);
  }
  const norm = Math.hypot(...out.slice(0, 768));
  return out.slice(0, 768).map((x) => x / norm);
}

function json(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(data) });
  res.end(data);
}

function chat(res, body) {
  stats.chat++;
  const last = [...(body.messages || [])].reverse().find((m) => m.role === 'user');
  const words = `Understood, commander. You said: ${String(last ? last.content : '').slice(0, 80)}`.split(' ');
  const base = { model: body.model, created_at: new Date().toISOString() };
  const end = { ...base, done: true, done_reason: 'stop', total_duration: 1000000, load_duration: 1000,
    prompt_eval_count: 10, prompt_eval_duration: 1000, eval_count: words.length, eval_duration: 100000 };
  if (body.stream === false) {
    return json(res, 200, { ...end, message: { role: 'assistant', content: words.join(' ') } });
  }
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });  // chunked, as Go's net/http
  words.forEach((w, i) => res.write(JSON.stringify({ ...base, message: { role: 'assistant', content: (i ? ' ' : '') + w }, done: false }) + '\n'));
  res.end(JSON.stringify({ ...end, message: { role: 'assistant', content: '' } }) + '\n');
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/') return res.end('Ollama is running');
    if (req.method === 'GET' && req.url === '/api/version') return json(res, 200, { version: '0.5.7' });
    if (req.method === 'GET' && req.url === '/fake/stats') return json(res, 200, stats);
    if (req.method === 'GET' && req.url === '/api/tags') {
      return json(res, 200, { models: models.map((name) => ({ name, model: name, modified_at: '2024-12-01T00:00:00Z',
        size: 2019393189, digest: createHash('sha256').update(name).digest('hex'),
        details: { format: 'gguf', family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' } })) });
    }
    if (req.method !== 'POST') return json(res, 404, { error: 'not found' });
    let body;
    try { body = JSON.parse(Buffer.concat(chunks).toString() || 'null'); } catch { body = null; }
    if (!body || typeof body !== 'object') return json(res, 400, { error: 'invalid request body' });
    if (body.model && !known(body.model)) return json(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    if (req.url === '/api/chat') return chat(res, body);
    if (req.url === '/api/embed') {
      stats.embed++;
      const input = Array.isArray(body.input) ? body.input : [body.input ?? ''];
      return json(res, 200, { model: body.model, embeddings: input.map((t) => vector(String(t))) });
    }
    if (req.url === '/api/embeddings') { stats.embed++; return json(res, 200, { embedding: vector(String(body.prompt ?? '')) }); }
    return json(res, 404, { error: 'not found' });
  });
});
server.listen(Number(process.env.FAKE_OLLAMA_PORT || 11434), '0.0.0.0', () => console.log('fake ollama listening on :11434'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
