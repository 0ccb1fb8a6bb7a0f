// The live test's player (docker/tests/live.sh), through the load balancer only. Node's
// standard library: fetch for HTTP, a minimal RFC 6455 client for /ws (node 18/20 have none).
//
//   node client.mjs play BASE_URL STATE_FILE WAV_FILE       registers two players, starts a
//       campaign, plays commands over /ws on two api nodes, talks to a character (Ollama),
//       transcribes WAV_FILE and synthesises speech through the api → stt/tts path
//   node client.mjs failover BASE_URL STATE_FILE KILLED_NODE  after KILLED_NODE was killed:
//       another node owns the campaign and a command is acknowledged
//   node client.mjs owner BASE_URL STATE_FILE               prints the campaign's owner node
// Env: OPERATOR_TOKEN (GET /api/cluster). Prints one line per step; exits 1 on the first
// surprise, with what was expected and what came.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

const [, , step, base, stateFile, arg] = process.argv;
const operator = process.env.OPERATOR_TOKEN || '';
const fail = (msg) => { console.error(`live client: ${msg}`); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (msg) => console.log(`live: ${msg}`);

async function http(method, path, { body, token, raw, type } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const res = await fetch(base + path, { method, headers, signal: AbortSignal.timeout(30000),
    body: body === undefined ? undefined : (raw ? body : JSON.stringify(body)) });
  const buf = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(buf.toString()); } catch { /* audio or empty */ }
  return { status: res.status, json, buf, headers: res.headers };
}
async function expect(status, method, path, opts) {
  const r = await http(method, path, opts);
  if (r.status !== status) fail(`${method} ${path}: expected ${status}, got ${r.status} ${r.buf.toString().slice(0, 300)}`);
  return r;
}

// One WebSocket: text frames in, JSON messages out; next(pred) waits for a matching message.
class Socket {
  static open(token) {
    const url = new URL(base);
    return new Promise((resolve, reject) => {
      const sock = net.connect(Number(url.port || 80), url.hostname);
      const key = randomBytes(16).toString('base64');
      const ws = new Socket(sock);
      sock.setTimeout(30000, () => sock.destroy(new Error('socket idle for 30 s')));
      sock.once('error', reject);
      sock.once('connect', () => sock.write(`GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
        `Authorization: Bearer ${token}\r\n\r\n`));
      let head = Buffer.alloc(0);
      const onHead = (chunk) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        sock.off('data', onHead);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) return reject(new Error(`/ws upgrade: ${status}`));
        sock.on('data', (c) => ws.feed(c));
        ws.feed(head.subarray(end + 4));
        resolve(ws);
      };
      sock.on('data', onHead);
    });
  }
  constructor(sock) { this.sock = sock; this.buf = Buffer.alloc(0); this.queue = []; this.waiters = []; this.closed = null;
    sock.on('close', () => { this.closed = this.closed || 'closed'; this.wake(); }); }
  feed(chunk) {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      let len = this.buf[1] & 0x7f, off = 2;
      if (len === 126) { if (this.buf.length < 4) return; len = this.buf.readUInt16BE(2); off = 4; }
      if (len === 127) { if (this.buf.length < 10) return; len = Number(this.buf.readBigUInt64BE(2)); off = 10; }
      if (this.buf.length < off + len) return;
      const op = this.buf[0] & 0x0f, payload = this.buf.subarray(off, off + len);
      this.buf = this.buf.subarray(off + len);
      if (op === 0x1) this.queue.push(JSON.parse(payload.toString()));
      if (op === 0x8) this.closed = `close ${payload.length >= 2 ? payload.readUInt16BE(0) : ''}`;
      if (op === 0x9) this.frame(0xa, payload);
    }
    this.wake();
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  frame(op, payload) {
    const mask = randomBytes(4), n = payload.length;
    const head = n < 126 ? Buffer.from([0x80 | op, 0x80 | n]) : Buffer.from([0x80 | op, 0x80 | 126, n >> 8, n & 0xff]);
    const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
    this.sock.write(Buffer.concat([head, mask, body]));
  }
  send(msg) { this.frame(0x1, Buffer.from(JSON.stringify(msg))); }
  async next(pred, what, ms = 20000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.queue.findIndex(pred);
      if (i >= 0) return this.queue.splice(i, 1)[0];
      if (this.closed) throw new Error(`waiting for ${what}: the socket was ${this.closed}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }
  // One request; its ack or error (same id).
  async ask(msg, what, ms) {
    const id = Math.floor(Math.random() * 1e9);
    this.send({ ...msg, id });
    return this.next((m) => m.id === id && (m.type === 'ack' || m.type === 'error' || m.type === 'joined' || m.type === 'pong'), what, ms);
  }
  close() { try { this.frame(0x8, Buffer.from([0x03, 0xe8])); } catch { /* gone */ } this.sock.end(); }
}

async function cluster() {
  const r = await expect(200, 'GET', '/api/cluster', { token: operator });
  return r.json.nodes;
}
const ownerOf = (nodes, campaign) => (nodes.find((n) => n.owns.includes(campaign)) || {}).name || '';

async function login(name) {
  await expect(201, 'POST', '/api/auth/register', { body: { username: name, password: 'a long live-test secret' } });
  return (await expect(200, 'POST', '/api/auth/login', { body: { username: name, password: 'a long live-test secret' } })).json.token;
}

// A command over a socket, retried with the same client_id while the cluster says to retry.
async function command(ws, cmd, what) {
  const client_id = randomUUID();
  for (let attempt = 1; attempt <= 30; attempt++) {
    const r = await ws.ask({ type: 'command', command: cmd, client_id }, `${what}: ack`);
    if (r.type === 'ack') return r;
    if (!['campaign_moved', 'bus_unavailable', 'bus_timeout', 'stopped', 'overloaded', 'db_busy'].includes(r.code)) {
      fail(`${what}: expected an ack, got error ${r.code}: ${r.message}`);
    }
    await sleep(1000);
  }
  fail(`${what}: no ack after 30 tries`);
}

async function play() {
  const suffix = randomBytes(3).toString('hex');
  const host = await login(`vega_${suffix}`), guest = await login(`altair_${suffix}`);
  say('two players registered and logged in through nginx');
  const campaign = (await expect(201, 'POST', '/api/campaigns', { token: host,
    body: { name: 'Live Reach', systems: 20, max_players: 2, ai_empires: 1, tick_ms: 500, seed: 7 } })).json;
  await expect(200, 'POST', `/api/campaigns/${campaign.id}/join`, { token: guest, body: { civ_name: 'Altair League' } });
  await expect(200, 'POST', `/api/campaigns/${campaign.id}/ready`, { token: guest, body: { ready: true } });
  const started = (await expect(200, 'POST', `/api/campaigns/${campaign.id}/start`, { token: host })).json;
  if (started.status !== 'running') fail(`start: status ${started.status}`);
  say(`campaign ${campaign.id} created and started`);

  // nginx balances by least connections: sockets opened while the others stay open land on
  // different nodes. Open sockets until two nodes have players (the registry counts them at
  // each heartbeat), at most 6.
  const sockets = [];
  let nodes = [];
  for (let i = 0; i < 6; i++) {
    const token = i % 2 === 0 ? host : guest;
    const ws = await Socket.open(token);
    await ws.next((m) => m.type === 'welcome', 'welcome');
    const joined = await ws.ask({ type: 'join', campaign: campaign.id }, 'joined');
    if (joined.type !== 'joined') fail(`join: ${JSON.stringify(joined)}`);
    await ws.next((m) => m.type === 'snapshot' || m.type === 'delta', 'snapshot');
    sockets.push(ws);
    if (i < 1) continue;
    for (let t = 0; t < 20; t++) {
      nodes = await cluster();
      if (nodes.filter((n) => n.players > 0).length >= 2) break;
      await sleep(500);
    }
    if (nodes.filter((n) => n.players > 0).length >= 2) break;
  }
  const playing = nodes.filter((n) => n.players > 0).map((n) => n.name);
  if (playing.length < 2) fail(`players on ${playing.length} node(s) after ${sockets.length} sockets: ${JSON.stringify(nodes)}`);
  const owner = ownerOf(nodes, campaign.id);
  if (!owner) fail(`no node owns campaign ${campaign.id}: ${JSON.stringify(nodes)}`);
  say(`${sockets.length} sockets on nodes ${playing.join(', ')}; ${owner} owns the campaign`);
  for (const [i, ws] of sockets.entries()) {
    const ack = await command(ws, { type: 'set_policy', tax_rate: 20 + i }, `socket ${i} command`);
    if (!(ack.seq > 0)) fail(`ack without seq: ${JSON.stringify(ack)}`);
  }
  say(`a command acknowledged on each of the ${sockets.length} sockets (forwarded to ${owner} from the other nodes)`);

  // A character answers through Ollama (the fake's replies start "Understood, commander.").
  const cast = (await expect(200, 'GET', `/api/campaigns/${campaign.id}/characters`, { token: host })).json.characters;
  const advisor = cast.find((c) => c.role === 'treasury') || cast[0];
  const talk = await sockets[0].ask({ type: 'talk', character: advisor.id, text: 'How are our finances?' }, 'talk ack', 60000);
  if (talk.type !== 'ack') fail(`talk: ${JSON.stringify(talk)}`);
  const done = sockets[0].queue.find((m) => m.type === 'character.done');
  const reply = done && (done.message?.text ?? done.message?.content ?? JSON.stringify(done.message));
  if (!reply || !String(reply).includes('Understood, commander')) fail(`the character's reply did not come from Ollama: ${JSON.stringify(done)}`);
  say(`${advisor.role} answered through Ollama: "${String(reply).slice(0, 60)}..."`);

  // Speech: the api nodes call the stt and tts services through the lb's private listeners.
  const wav = readFileSync(arg);
  const heard = await expect(200, 'POST', '/api/stt/transcribe', { token: host, body: wav, raw: true, type: 'audio/wav' });
  if (!heard.json || typeof heard.json.text !== 'string' || !heard.json.text.trim()) fail(`transcribe: no text in ${heard.buf.toString().slice(0, 300)}`);
  // The WAV says "research hydroponics"; dictation (the open language model) hears the name.
  if (!/hydroponics/i.test(heard.json.text)) fail(`transcribe: "${heard.json.text}" does not contain "hydroponics"`);
  say(`stt heard "${heard.json.text}" (${heard.json.engine})`);
  const spoken = await expect(200, 'POST', '/api/tts/synthesize', { token: host, body: { text: 'Shipyard construction has begun, commander.' } });
  if (spoken.buf.subarray(0, 4).toString() !== 'RIFF' || spoken.buf.length < 8000) fail(`synthesize: not a WAV (${spoken.buf.length} bytes)`);
  say(`tts spoke ${spoken.buf.length} bytes of WAV`);

  for (const ws of sockets) ws.close();
  writeFileSync(stateFile, JSON.stringify({ campaign: campaign.id, host, guest, owner }));
}

async function failover() {
  const state = JSON.parse(readFileSync(stateFile));
  const killed = arg;
  let owner = '';
  const start = Date.now();
  while (Date.now() - start < 90000) {
    const nodes = await http('GET', '/api/cluster', { token: operator });
    if (nodes.status === 200) {
      owner = ownerOf(nodes.json.nodes, state.campaign);
      if (owner && owner !== killed) break;
    }
    await sleep(500);
  }
  if (!owner || owner === killed) fail(`campaign ${state.campaign} still not owned by another node 90 s after ${killed} was killed`);
  say(`${owner} took campaign ${state.campaign} over from ${killed} in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  let ws;
  for (let attempt = 1; ; attempt++) {  // the lb may first try the dead node
    try {
      ws = await Socket.open(state.host);
      await ws.next((m) => m.type === 'welcome', 'welcome');
      const joined = await ws.ask({ type: 'join', campaign: state.campaign }, 'joined');
      if (joined.type === 'joined') break;
      ws.close();
      if (attempt >= 20) fail(`join after the takeover: ${JSON.stringify(joined)}`);
    } catch (e) {
      if (attempt >= 20) fail(`join after the takeover: ${e.message}`);
    }
    await sleep(1000);
  }
  const ack = await command(ws, { type: 'set_policy', tax_rate: 33 }, 'command after the takeover');
  say(`a command was acknowledged after the takeover (seq ${ack.seq}, tick ${ack.tick})`);
  ws.close();
}

try {
  if (step === 'play') await play();
  else if (step === 'failover') await failover();
  else if (step === 'owner') console.log(JSON.parse(readFileSync(stateFile)).owner);
  else fail(`unknown step '${step}' (play, failover, owner)`);
  process.exit(0);
} catch (e) {
  fail(e.stack || String(e));
}
