// The AudioWorklet of push-to-talk (voice.js): averages the input over each output sample's
// span (a box low-pass) while downsampling from the context's rate to 16 kHz, converts to PCM16
// and posts chunks. Its own file (built to assets/pcm16-worklet-HASH.js, URL given to voice.js
// by build.mjs): the page's Content-Security-Policy allows scripts from this origin only, not
// blob: URLs.
class Pcm16Downsampler extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.target = options.processorOptions.target;
    this.chunk = options.processorOptions.chunk;
    this.step = sampleRate / this.target;   // input samples per output sample
    this.pos = 0;                           // where the next output sample starts, in input samples
    this.acc = 0; this.n = 0;
    this.out = new Int16Array(this.chunk); this.len = 0;
    this.port.onmessage = (e) => { if (e.data === 'flush') this.flush(); };
  }
  flush() {
    if (this.len) this.port.postMessage(this.out.slice(0, this.len).buffer);
    this.len = 0;
    this.port.postMessage('flushed');
  }
  process(inputs) {
    const input = inputs[0];
    if (!input || !input.length) return true;
    const frames = input[0].length, channels = input.length;
    for (let i = 0; i < frames; i++) {
      let s = 0;
      for (let c = 0; c < channels; c++) s += input[c][i];
      this.acc += s / channels; this.n++;
      this.pos += 1;
      if (this.pos >= this.step) {
        this.pos -= this.step;
        const v = Math.max(-1, Math.min(1, this.acc / this.n));
        this.out[this.len++] = v < 0 ? v * 0x8000 : v * 0x7fff;
        this.acc = 0; this.n = 0;
        if (this.len === this.chunk) {
          this.port.postMessage(this.out.buffer, [this.out.buffer]);
          this.out = new Int16Array(this.chunk); this.len = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor('pcm16-downsampler', Pcm16Downsampler);
