// The galaxy map on a canvas: pan (drag, arrow keys), zoom (wheel, +/-), systems and lanes,
// ownership colours, fleets in motion along their lanes, fog of war (systems out of sensor
// range are dimmed, unexplored ones are not drawn). Click a system to open its panel.

export class GalaxyMap {
  constructor(canvas, { onSelect }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.onSelect = onSelect;
    this.view = null;
    this.scale = 1;
    this.ox = 0;
    this.oy = 0;
    this.fitted = false;
    this.selected = null;
    this.drag = null;
    this.frame = 0;
    this.tickMs = 1000;       // the campaign's day length, for smooth fleet motion
    this.viewAt = performance.now();
    this.bind();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
  }

  destroy() {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    clearTimeout(this.anim);
  }

  bind() {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      c.setPointerCapture(e.pointerId);
      this.drag = { x: e.clientX, y: e.clientY, ox: this.ox, oy: this.oy, moved: false };
    });
    c.addEventListener('pointermove', (e) => {
      if (!this.drag) return;
      const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 4) this.drag.moved = true;
      this.ox = this.drag.ox + dx;
      this.oy = this.drag.oy + dy;
      this.draw();
    });
    c.addEventListener('pointerup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (d && !d.moved) this.click(e);
    });
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const r = c.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    c.addEventListener('keydown', (e) => {
      const step = 40;
      const keys = {
        ArrowLeft: () => { this.ox += step; }, ArrowRight: () => { this.ox -= step; },
        ArrowUp: () => { this.oy += step; }, ArrowDown: () => { this.oy -= step; },
        '+': () => this.zoom(1.2), '=': () => this.zoom(1.2), '-': () => this.zoom(1 / 1.2),
      };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); this.draw(); }
    });
  }

  resize() {
    const r = this.canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(r.width * dpr));
    this.canvas.height = Math.max(1, Math.round(r.height * dpr));
    this.w = r.width;
    this.h = r.height;
    if (!this.fitted) this.fit();
    this.draw();
  }

  zoom(factor, cx = this.w / 2, cy = this.h / 2) {
    const s = Math.min(20, Math.max(0.05, this.scale * factor));
    const f = s / this.scale;
    this.ox = cx - (cx - this.ox) * f;
    this.oy = cy - (cy - this.oy) * f;
    this.scale = s;
    this.draw();
  }

  fit() {
    const systems = (this.view && this.view.systems) || [];
    if (!systems.length || !this.w) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const s of systems) {
      x0 = Math.min(x0, s.x); y0 = Math.min(y0, s.y); x1 = Math.max(x1, s.x); y1 = Math.max(y1, s.y);
    }
    const span = Math.max(x1 - x0, y1 - y0, 20);
    this.scale = Math.min(this.w, this.h) * 0.8 / span;
    this.ox = this.w / 2 - ((x0 + x1) / 2) * this.scale;
    this.oy = this.h / 2 - ((y0 + y1) / 2) * this.scale;
    this.fitted = true;
  }

  setView(view) {
    this.view = view;
    this.viewAt = performance.now();
    if (!this.fitted) this.fit();
    this.draw();
  }

  select(id) {
    this.selected = id;
    this.draw();
  }

  screen(s) { return [s.x * this.scale + this.ox, s.y * this.scale + this.oy]; }

  click(e) {
    if (!this.view) return;
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left, y = e.clientY - r.top;
    let best = null, bestD = 18 * 18;
    for (const s of this.view.systems) {
      const [sx, sy] = this.screen(s);
      const d = (sx - x) ** 2 + (sy - y) ** 2;
      if (d < bestD) { best = s; bestD = d; }
    }
    if (best) this.onSelect(best.id);
  }

  // Owner colour of each system: ours, or the first foreign owner we know of.
  owners() {
    const v = this.view, out = new Map();
    const civColor = new Map((v.civs || []).map((c) => [c.id, c.color]));
    for (const p of v.foreign_planets || []) {
      if (p.owner !== null && p.owner !== undefined) out.set(p.system, civColor.get(p.owner) || '#999');
    }
    for (const p of v.planets || []) if (p.owner === v.self.id) out.set(p.system, v.self.color);
    return out;
  }

  draw() {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.paint());
  }

  paint() {
    const ctx = this.ctx, v = this.view;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = '#05070d';
    ctx.fillRect(0, 0, this.w, this.h);
    if (!v || !v.systems) return;
    const byId = new Map(v.systems.map((s) => [s.id, s]));
    const seen = new Set(v.sensors || []);
    const owners = this.owners();

    // Lanes between explored systems (the far end of a lane into the unknown is not drawn).
    ctx.lineWidth = 1;
    for (const s of v.systems) {
      for (const lane of s.lanes || []) {
        const t = byId.get(lane.to);
        if (!t || t.id < s.id) continue;
        const lit = seen.has(s.id) && seen.has(t.id);
        ctx.strokeStyle = lit ? 'rgba(120,150,220,0.55)' : 'rgba(120,150,220,0.18)';
        const [ax, ay] = this.screen(s), [bx, by] = this.screen(t);
        ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
      }
    }
    // Systems
    const r = Math.max(3, Math.min(9, 4 * Math.sqrt(this.scale)));
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (const s of v.systems) {
      const [x, y] = this.screen(s);
      if (x < -50 || y < -50 || x > this.w + 50 || y > this.h + 50) continue;
      const lit = seen.has(s.id);
      const owner = owners.get(s.id);
      ctx.globalAlpha = lit ? 1 : 0.45;
      if (owner) {
        ctx.fillStyle = owner;
        ctx.beginPath(); ctx.arc(x, y, r + 4, 0, Math.PI * 2); ctx.fill();
      }
      ctx.fillStyle = lit ? '#ffe9a8' : '#8a8f9c';
      ctx.beginPath(); ctx.arc(x, y, r, 0, Math.PI * 2); ctx.fill();
      if (s.id === this.selected) {
        ctx.strokeStyle = '#fff'; ctx.lineWidth = 2;
        ctx.beginPath(); ctx.arc(x, y, r + 8, 0, Math.PI * 2); ctx.stroke(); ctx.lineWidth = 1;
      }
      if (this.scale > 0.6 || s.id === this.selected) {
        ctx.fillStyle = lit ? '#dfe6f5' : '#7c8496';
        ctx.fillText(s.name, x, y - r - 6);
      }
    }
    ctx.globalAlpha = 1;
    // Fleets: ours (self colour, triangle) and foreign ones in sensor range (their colour).
    const civColor = new Map((v.civs || []).map((c) => [c.id, c.color]));
    let moving = false;
    const fleet = (f, color, own) => {
      const a = byId.get(f.at);
      if (!a) return;
      let [x, y] = this.screen(a);
      const b = f.next !== null && f.next !== undefined ? byId.get(f.next) : null;
      if (b) {
        // Our fleets glide: progress is whole days, so add the part of today already gone.
        const today = Math.min(1, (performance.now() - this.viewAt) / this.tickMs);
        const t = own && f.travel ? Math.min(1, (f.progress + today) / f.travel) : 0.15;
        if (own) moving = true;
        const [bx, by] = this.screen(b);
        ctx.strokeStyle = color; ctx.setLineDash([4, 4]);
        ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(bx, by); ctx.stroke(); ctx.setLineDash([]);
        x += (bx - x) * t; y += (by - y) * t;
      }
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(x + r + 4, y + r + 2); ctx.lineTo(x + r + 12, y + r + 2); ctx.lineTo(x + r + 8, y + r - 6);
      ctx.closePath(); ctx.fill();
    };
    for (const f of v.foreign_fleets || []) fleet(f, f.owner === 'pirates' ? '#ff5252' : civColor.get(f.owner) || '#bbb', false);
    for (const f of v.fleets || []) fleet(f, v.self.color, true);
    clearTimeout(this.anim);  // ~15 frames a second while our fleets travel; none when still
    if (moving) this.anim = setTimeout(() => this.draw(), 66);
  }
}
