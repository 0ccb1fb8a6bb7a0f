// The empire dashboard: time series accumulated from the deltas (Game.history), drawn with
// uPlot: stockpiles, population, market prices, score.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';
import { RESOURCES, GOODS } from './game.js';

const COLORS = ['#ffd166', '#06d6a0', '#4cc9f0', '#f4a261', '#c77dff'];

const CHARTS = [
  { title: 'Stockpiles', series: RESOURCES.map((r) => [r, r]) },
  { title: 'Population (thousands)', series: [['population', 'population']] },
  { title: 'Market prices (credits per unit)', series: GOODS.map((g) => ['price_' + g, g]) },
  { title: 'Score', series: [['score', 'total score']] },
];

export class Dashboard {
  constructor(container, game) {
    this.game = game;
    this.plots = [];
    this.last = 0;
    for (const c of CHARTS) {
      const box = h('figure.chart', { 'data-chart': c.title }, h('figcaption', c.title));
      container.append(box);
      const plot = new uPlot({
        width: this.width(box), height: 180,
        scales: { x: { time: false } },
        axes: [
          { stroke: '#9aa4b8', grid: { stroke: '#1d2433' }, ticks: { stroke: '#1d2433' }, label: 'day' },
          { stroke: '#9aa4b8', grid: { stroke: '#1d2433' }, ticks: { stroke: '#1d2433' }, size: 60 },
        ],
        legend: { live: false },
        series: [{ label: 'day' }, ...c.series.map(([, label], i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2 }))],
      }, this.data(c), box);
      this.plots.push({ c, plot, box });
    }
    this.onResize = () => { for (const p of this.plots) p.plot.setSize({ width: this.width(p.box), height: 180 }); };
    window.addEventListener('resize', this.onResize);
  }

  width(box) { return Math.max(240, Math.floor(box.getBoundingClientRect().width || 320) - 8); }

  data(c) {
    const hist = this.game.history;
    return [hist.map((p) => p.tick), ...c.series.map(([key]) => hist.map((p) => p[key]))];
  }

  update() {
    const now = performance.now();
    if (now - this.last < 500) return;  // at most two redraws a second
    this.last = now;
    for (const { c, plot } of this.plots) plot.setData(this.data(c));
  }

  destroy() {
    window.removeEventListener('resize', this.onResize);
    for (const p of this.plots) p.plot.destroy();
    this.plots = [];
  }
}
