// The live game over /ws: join (with last_tick to resume after a reconnect), the snapshot and
// then each delta applied in order, commands answered by ack/error, and everything else
// (events, chat, character speech) handed to listeners.

const COLLECTIONS = ['planets', 'systems', 'foreign_planets', 'fleets', 'foreign_fleets', 'civs',
  'proposals', 'events'];
export const GOODS = ['minerals', 'energy', 'food', 'exotics'];
export const RESOURCES = ['credits', ...GOODS];
const HISTORY_MAX = 720;

// Applies one `delta` to a view in place, as docs/protocol.md says: self, market and sensors
// whole when they changed; keyed collections as {upserted, removed}.
export function applyDelta(view, delta) {
  view.tick = delta.tick;
  if (delta.self) view.self = delta.self;
  if (delta.market) view.market = delta.market;
  if (delta.sensors) view.sensors = delta.sensors;
  for (const key of COLLECTIONS) {
    const change = delta[key];
    if (!change) continue;
    let list = view[key] || [];
    if (change.removed && change.removed.length) {
      const gone = new Set(change.removed);
      list = list.filter((item) => !gone.has(item.id));
    }
    for (const item of change.upserted || []) {
      const at = list.findIndex((x) => x.id === item.id);
      if (at >= 0) list[at] = item; else list.push(item);
    }
    view[key] = list;
  }
}

export class Game extends EventTarget {
  constructor(campaignId, token) {
    super();
    this.campaignId = campaignId;
    this.token = token;
    this.view = null;
    this.lastTick = null;
    this.role = null;
    this.civ = null;
    this.history = [];
    this.marketLog = [];  // [{tick, good, bought, sold}], newest last: trades the galaxy made
    this.status = 'connecting';
    this.nextId = 1;
    this.pending = new Map();
    this.closed = false;
    this.backoff = 500;
    this.connect();
  }

  emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }

  setStatus(status) {
    this.status = status;
    this.emit('status', status);
  }

  connect() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws?token=${encodeURIComponent(this.token)}`);
    this.ws = ws;
    this.setStatus('connecting');
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.backoff = 500;
      const join = { type: 'join', campaign: this.campaignId };
      if (this.lastTick !== null) join.last_tick = this.lastTick;
      this.send(join).catch((e) => this.emit('failure', e));
    };
    ws.binaryType = 'arraybuffer';
    ws.onmessage = (e) => {
      if (typeof e.data !== 'string') { this.emit('binary', e.data); return; }
      let msg;
      try { msg = JSON.parse(e.data); } catch { return; }
      this.receive(msg);
    };
    ws.onclose = (e) => {
      for (const [, p] of this.pending) p.reject(new Error('The connection to the game was lost.'));
      this.pending.clear();
      if (this.closed) return;
      if (e.code === 4401 || e.code === 1008) { this.setStatus('closed'); return; }
      this.setStatus('reconnecting');
      this.emit('dropped', { opened });  // never opened: maybe the login expired (play.js checks)
      const wait = this.backoff;
      this.backoff = Math.min(this.backoff * 2, 5000);
      this.retryTimer = setTimeout(() => this.connect(), wait);
    };
    ws.onerror = () => { /* onclose follows and reconnects */ };
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.ws && this.ws.readyState <= 1) this.ws.close(1000);
  }

  // Sends a message with a fresh id (the promise's `id`); resolves with its ack (or
  // joined/left/pong), rejects with its error, or after timeoutMs.
  send(message, timeoutMs = 15000) {
    const id = this.nextId++;
    const promise = new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
        reject(new Error('Not connected to the game; reconnecting.'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('The server did not answer in time.'));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (m) => { clearTimeout(timer); resolve(m); },
        reject: (err) => { clearTimeout(timer); reject(err); },
      });
      this.ws.send(JSON.stringify({ ...message, id }));
    });
    promise.id = id;
    return promise;
  }

  // One binary frame (voice audio); false when the socket is not open.
  sendBinary(data) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(data);
    return true;
  }

  command(command) { return this.send({ type: 'command', command }); }
  chat(text) { return this.send({ type: 'chat', text }); }

  settle(msg) {
    if (msg.id === undefined || msg.id === null) return false;
    const p = this.pending.get(msg.id);
    if (!p) return false;
    this.pending.delete(msg.id);
    if (msg.type === 'error') {
      const err = new Error(msg.message || msg.code);
      err.code = msg.code;
      p.reject(err);
    } else {
      p.resolve(msg);
    }
    return true;
  }

  receive(msg) {
    switch (msg.type) {
      case 'welcome': break;
      case 'joined':
        this.role = msg.role;
        this.civ = msg.civ;
        this.setStatus('live');
        this.settle(msg);
        break;
      case 'snapshot':
        this.view = msg.view;
        this.lastTick = msg.tick;
        this.record(true);
        this.emit('view', { snapshot: true });
        break;
      case 'delta':
        if (!this.view || this.lastTick === null || msg.tick <= this.lastTick) break;
        if (msg.delta) applyDelta(this.view, msg.delta);
        else if (msg.public) this.view = msg.public;  // observers follow the public view
        this.lastTick = msg.tick;
        this.record(Boolean(msg.delta && msg.delta.market));
        this.emit('view', { snapshot: false });
        break;
      case 'event':
      case 'chat':
      case 'character.remark':
      case 'character.narration':
        this.emit('feed', msg);
        break;
      case 'voice.result':
      case 'voice.command':
      case 'voice.audio':
      case 'voice.done':
      case 'character.delta':
      case 'character.done':
        this.emit('voice', msg);  // the answer to a voice.end (or a talk), by its id
        break;
      case 'error':
        if (!this.settle(msg)) this.emit('failure', new Error(msg.message || msg.code));
        break;
      default:
        this.settle(msg);
    }
  }

  // One point of the dashboard's time series per applied tick.
  record(marketChanged) {
    const v = this.view;
    if (!v || !v.self || !v.self.stock) return;
    const point = { tick: v.tick, population: 0, score: v.self.score ? v.self.score.total : 0 };
    for (const r of RESOURCES) point[r] = v.self.stock[r] || 0;
    for (const p of v.planets || []) point.population += p.population || 0;
    for (const g of GOODS) point['price_' + g] = v.market && v.market[g] ? v.market[g].price : null;
    for (const g of marketChanged ? GOODS : []) {
      const m = v.market && v.market[g];
      if (m && (m.bought > 0 || m.sold > 0) && !this.marketLog.some((e) => e.tick === v.tick && e.good === g)) {
        this.marketLog.push({ tick: v.tick, good: g, bought: m.bought, sold: m.sold });
      }
    }
    if (this.marketLog.length > 40) this.marketLog.splice(0, this.marketLog.length - 40);
    const last = this.history[this.history.length - 1];
    if (last && last.tick >= point.tick) this.history.length = 0;  // a fresh snapshot went back
    this.history.push(point);
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
  }
}
