// Push-to-talk over the game socket (docs/protocol.md, voice.start / voice.end / voice.cancel).
//
// Press once to talk, press again to send (a toggle: a button with aria-pressed, so Enter or
// Space on it works; Space anywhere outside a text field does the same). The microphone is
// opened for each utterance and closed after it. An AudioWorklet downsamples it to 16 kHz mono
// PCM16 (little-endian) and posts ~0.25 s chunks, each sent as one binary frame (≤ 32 KiB)
// between voice.start and voice.end. The answer — voice.result, voice.command, the reply's
// voice.audio chunks (each followed by one binary PCM16 frame), voice.done — is shown and the
// audio scheduled back-to-back with Web Audio. Pressing while the answer is on its way or
// playing interrupts it: voice.cancel, and the playback stops at once.

export const TARGET_RATE = 16000;
const CHUNK_SAMPLES = 4000;  // 0.25 s at 16 kHz = 8000 bytes per frame
const MAX_FRAME_BYTES = 32 * 1024;
const MAX_SECONDS = 28;      // the server drops utterances over 30 s

// The worklet (src/pcm16-worklet.js), built to its own file: build.mjs defines its URL.
/* global WORKLET_URL */

const commandText = (c) => {
  if (!c || !c.type) return '';
  const { type, ...rest } = c;
  const args = Object.entries(rest).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  return `${type.replace(/_/g, ' ')}${args.length ? ': ' + args.join(', ') : ''}`;
};

// A readable sentence for a failure (server errors already are sentences).
const sentence = (e) => {
  const m = (e && (e.message || e.code)) || String(e);
  if (e && e.name === 'NotAllowedError') return 'The microphone is blocked; allow it in the browser to talk.';
  if (e && e.name === 'NotFoundError') return 'No microphone was found.';
  return /[.!?]$/.test(m) ? m : m + '.';
};

export class PushToTalk {
  // game: the Game (socket); ui: {button, status, heard, outcome}; character(): the cabinet
  // character in focus (id) or null; chat(): hooks for a spoken question {question(text) →
  // {delta(text), done(msg)}} or null when the cabinet is not open.
  constructor(game, { button, status, heard, outcome, character, chat }) {
    Object.assign(this, { game, button, statusEl: status, heardEl: heard, outcomeEl: outcome, character, chat });
    this.state = 'idle';  // idle | opening | recording | waiting (recognising, replying)
    this.ctx = null; this.node = null; this.stream = null; this.source = null;
    this.startId = null; this.endId = null;
    this.playing = new Set(); this.playAt = 0; this.audioMeta = null;
    this.chunksSent = 0; this.audioChunks = 0;
    this.reply = null;
    this.onVoice = (e) => this.receive(e.detail);
    this.onBinary = (e) => this.play(e.detail);
    game.addEventListener('voice', this.onVoice);
    game.addEventListener('binary', this.onBinary);
    this.onKey = (e) => {
      if (e.code !== 'Space' || e.repeat || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(t.tagName) || t.closest('[role="tab"], canvas'))) return;
      e.preventDefault();
      this.press();
    };
    document.addEventListener('keydown', this.onKey);
    button.addEventListener('click', () => this.press());
    this.render();
  }

  destroy() {
    this.game.removeEventListener('voice', this.onVoice);
    this.game.removeEventListener('binary', this.onBinary);
    document.removeEventListener('keydown', this.onKey);
    this.stopPlayback();
    this.closeMic();
    if (this.ctx) this.ctx.close().catch(() => {});
  }

  setStatus(text) { this.statusEl.textContent = text; }
  render() {
    const s = this.state;
    this.button.setAttribute('aria-pressed', String(s === 'recording' || s === 'opening'));
    this.button.classList.toggle('recording', s === 'recording');
    this.button.classList.toggle('busy', s === 'waiting' || this.playing.size > 0);
    this.button.textContent = s === 'recording' ? 'Send' : (s === 'waiting' || this.playing.size) ? 'Interrupt' : 'Push to talk';
    this.button.dataset.state = s;
  }

  // The one button: start, send, or interrupt.
  press() {
    if (this.state === 'opening') return;
    if (this.state === 'recording') { this.finish(); return; }
    if (this.state === 'waiting' || this.playing.size) { this.interrupt(); return; }
    this.begin();
  }

  audioContext() {
    if (!this.ctx || this.ctx.state === 'closed') this.ctx = new AudioContext();
    if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => {});
    return this.ctx;
  }

  async begin() {
    this.state = 'opening'; this.render();
    this.setStatus('Opening the microphone…');
    const ctx = this.audioContext();  // inside the click: allowed to start
    this.heardEl.textContent = ''; this.outcomeEl.textContent = ''; this.outcomeEl.className = 'outcome';
    try {
      if (!navigator.mediaDevices || !window.AudioWorkletNode) throw new Error('This browser cannot record audio here (it needs a secure page and AudioWorklet).');
      if (!this.workletReady) this.workletReady = ctx.audioWorklet.addModule(WORKLET_URL);
      const [stream] = await Promise.all([
        navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: true } }),
        this.workletReady,
      ]);
      this.stream = stream;
      const character = this.character();
      const start = { type: 'voice.start' };
      if (character) start.character = character;
      this.chunksSent = 0; this.bytesSent = 0; this.audioChunks = 0;
      delete this.button.dataset.audioChunks;
      this.sending = true;
      const node = new AudioWorkletNode(ctx, 'pcm16-downsampler', {
        numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit',
        processorOptions: { target: TARGET_RATE, chunk: CHUNK_SAMPLES },
      });
      node.port.onmessage = (e) => this.chunk(e.data);
      this.node = node;
      const started = this.game.send(start);  // the audio frames follow it on the socket, in order
      this.source = ctx.createMediaStreamSource(stream);
      this.source.connect(node);
      this.state = 'recording'; this.render();
      this.setStatus('Listening… press again to send.');
      await started;
      this.limitTimer = setTimeout(() => { if (this.state === 'recording') this.finish(); }, MAX_SECONDS * 1000);
    } catch (e) {
      this.closeMic();
      this.state = 'idle'; this.render();
      this.fail(e);
    }
  }

  // A PCM16 chunk from the worklet ('flushed' once the last one is out).
  chunk(data) {
    if (data === 'flushed') { if (this.flushed) this.flushed(); return; }
    if (!this.sending || !(data instanceof ArrayBuffer)) return;
    for (let at = 0; at < data.byteLength; at += MAX_FRAME_BYTES) {
      if (!this.game.sendBinary(data.slice(at, at + MAX_FRAME_BYTES))) { this.sending = false; return; }
    }
    this.chunksSent++;
    this.bytesSent += data.byteLength;
  }

  closeMic() {
    clearTimeout(this.limitTimer);
    if (this.source) { this.source.disconnect(); this.source = null; }
    if (this.node) { this.node.port.onmessage = null; this.node = null; }
    if (this.stream) { for (const t of this.stream.getTracks()) t.stop(); this.stream = null; }
  }

  async finish() {
    this.state = 'waiting'; this.render();
    this.setStatus('Recognising…');
    // Let the worklet hand over what it holds, then close the microphone.
    const node = this.node;
    if (node) {
      await new Promise((resolve) => {
        this.flushed = resolve;
        node.port.postMessage('flush');
        setTimeout(resolve, 300);
      });
      this.flushed = null;
    }
    this.sending = false;
    this.closeMic();
    if (this.state !== 'waiting') return;  // interrupted meanwhile
    const seconds = (this.bytesSent / 2 / TARGET_RATE).toFixed(1);
    this.setStatus(`Recognising ${seconds} s of speech…`);
    const done = this.game.send({ type: 'voice.end' }, 120_000);
    const mine = done.id;
    this.endId = mine;
    try {
      await done;
    } catch (e) {
      if (this.endId === mine) this.fail(e);
    }
    if (this.endId !== mine) return;  // interrupted meanwhile
    this.endId = null;
    this.state = 'idle';
    this.afterPlayback();
  }

  // Barge-in: stop the answer (and any playback) at once.
  interrupt() {
    this.stopPlayback();
    this.endId = null;
    this.sending = false;
    this.closeMic();
    if (this.reply) { this.reply.done({ notice: 'Interrupted.' }); this.reply = null; }
    this.game.send({ type: 'voice.cancel' }).catch(() => {});
    this.state = 'idle'; this.render();
    this.setStatus('Interrupted.');
  }

  fail(e) {
    this.outcomeEl.textContent = sentence(e);
    this.outcomeEl.className = 'outcome error';
    this.setStatus('Press to talk.');
  }

  // Messages that answer our voice.end (by id).
  receive(msg) {
    if (this.endId === null || msg.id !== this.endId) return;
    switch (msg.type) {
      case 'voice.result':
        this.heardEl.textContent = `Heard “${msg.text}”` + (msg.kind === 'command'
          ? ` — a command: ${commandText(msg.command)}` : ' — a question');
        this.heardEl.dataset.kind = msg.kind;
        if (msg.command) this.heardEl.dataset.command = JSON.stringify(msg.command);
        if (msg.kind === 'question') {
          this.setStatus('Asking…');
          this.reply = this.chat() ? this.chat().question(msg.text) : null;
        } else {
          this.setStatus('Sending the command…');
        }
        break;
      case 'voice.command':
        this.outcomeEl.textContent = `Done: ${commandText(msg.command && typeof msg.command === 'object' ? msg.command : null) || 'the command'} was applied on day ${msg.tick} (#${msg.seq}).`;
        this.outcomeEl.className = 'outcome ok';
        break;
      case 'character.delta':
        if (this.reply) this.reply.delta(msg.text || '');
        break;
      case 'character.done':
        if (this.reply) { this.reply.done(msg); this.reply = null; }
        if (msg.error) { this.outcomeEl.textContent = sentence(msg.error); this.outcomeEl.className = 'outcome error'; }
        break;
      case 'voice.audio':
        this.audioMeta = msg;
        this.audioChunks++;
        this.button.dataset.audioChunks = String(this.audioChunks);
        this.setStatus('Speaking…');
        break;
      case 'voice.done':
        if (msg.cancelled) this.setStatus('Interrupted.');
        break;
      default: break;
    }
  }

  // One binary frame: the PCM16 of the last voice.audio.
  play(buffer) {
    const meta = this.audioMeta;
    this.audioMeta = null;
    if (!meta || this.endId === null || !(buffer instanceof ArrayBuffer) || buffer.byteLength < 2) return;
    const ctx = this.audioContext();
    const n = buffer.byteLength >> 1;
    const pcm = new DataView(buffer);
    const audio = ctx.createBuffer(1, n, meta.sample_rate || 22050);
    const data = audio.getChannelData(0);
    for (let i = 0; i < n; i++) data[i] = pcm.getInt16(i * 2, true) / 32768;
    const src = ctx.createBufferSource();
    src.buffer = audio;
    src.connect(ctx.destination);
    const at = Math.max(ctx.currentTime + 0.05, this.playAt);
    src.start(at);
    this.playAt = at + audio.duration;
    this.playing.add(src);
    src.onended = () => { this.playing.delete(src); this.afterPlayback(); };
    this.render();
  }

  afterPlayback() {
    this.render();
    if (this.state === 'idle' && !this.playing.size && this.endId === null && this.statusEl.textContent !== 'Interrupted.') {
      this.setStatus('Press to talk.');
    }
  }

  stopPlayback() {
    for (const src of this.playing) { src.onended = null; try { src.stop(); } catch { /* not started */ } }
    this.playing.clear();
    this.playAt = 0;
    this.audioMeta = null;
  }
}
