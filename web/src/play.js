// The game screen: header (resources, day, connection), tabs, the notification feed and
// campaign chat. Tabs that show the live view re-render (throttled) as deltas arrive; form
// values and keyboard focus survive a re-render (data-key).
import { api, session } from './api.js';
import { h, clear, act, toast, fmt } from './dom.js';
import { Game, RESOURCES } from './game.js';
import { GalaxyMap } from './map.js';
import { systemPanel, planetPanel, researchTab, fleetsTab, diplomacyTab, eventsTab, economyForms } from './panels.js';
import { Dashboard } from './charts.js';
import { renderCabinet } from './cabinet.js';
import { PushToTalk } from './voice.js';

const TABS = [
  ['map', 'Galaxy'], ['empire', 'Empire'], ['research', 'Research'], ['fleets', 'Fleets'],
  ['diplomacy', 'Diplomacy'], ['events', 'Events'], ['cabinet', 'Cabinet'],
];

function observerPanel(v) {
  return h('div.panel',
    h('h2', `Watching — day ${v.tick}`),
    h('p.muted', 'Observers see the civilizations and the market, not the map.'),
    h('table', h('thead', h('tr', ['Civilization', 'Planets', 'Score', ''].map((t) => h('th', t)))),
      h('tbody', (v.civs || []).map((c) => h('tr', h('td', c.name), h('td', fmt(c.planets)),
        h('td', fmt(c.score, 1)), h('td', c.alive ? '' : 'destroyed'))))),
    h('h3', 'Market'),
    h('ul.plain', Object.entries(v.market || {}).map(([g, m]) => h('li', `${g}: ${fmt(m.price, 3)} credits`))));
}

export function renderPlay(root, campaignId, initialTab, { navigate, logout }) {
  const game = new Game(campaignId, session.token);
  const store = new Map();  // form values by data-key, kept across re-renders
  const ui = { tab: TABS.some(([t]) => t === initialTab) ? initialTab : 'map', system: null, planet: null };
  let campaign = null;

  const status = h('span.status', { role: 'status' }, 'connecting…');
  const day = h('span.day');
  const resources = h('div.resources', { 'aria-label': 'Stockpiles' });
  const title = h('strong', `Campaign ${campaignId}`);
  // PUSH-TO-TALK: press to talk, press again to send; pressing while the answer plays
  // interrupts it (voice.js). Space outside text fields presses it too.
  const ptt = h('button.ptt', {
    type: 'button', 'aria-pressed': 'false', 'aria-keyshortcuts': 'Space',
    title: 'Press to talk, press again to send (Space). Press while the answer plays to interrupt.',
  }, 'Push to talk');
  const voiceStatus = h('span.voice-status', { role: 'status', 'aria-live': 'polite' }, 'Press to talk.');
  const heard = h('span.heard', { 'aria-live': 'polite' });
  const outcome = h('span.outcome', { 'aria-live': 'polite' });
  const voiceBar = h('div.voicebar', { 'aria-label': 'Voice' }, voiceStatus, heard, outcome);

  const tabBar = h('nav.tabs', { role: 'tablist', 'aria-label': 'Game screens' });
  const content = h('section.content', { role: 'tabpanel' });
  const feedList = h('ol.feed', { 'aria-live': 'polite', 'aria-label': 'Notifications' });
  const chatInput = h('input', { name: 'chat', maxlength: 500, placeholder: 'Say something to everyone',
    'aria-label': 'Chat message' });
  const chatBtn = h('button', { type: 'submit' }, 'Send');
  const chatForm = h('form.chat', {
    onsubmit: (e) => {
      e.preventDefault();
      const text = chatInput.value.trim();
      if (!text) return;
      act(chatBtn, async () => { await game.chat(text); chatInput.value = ''; });
    },
  }, chatInput, chatBtn);

  root.append(
    h('header.top',
      h('a.brand', { href: '/lobby', onclick: (e) => { e.preventDefault(); navigate('/lobby'); } }, 'StarTales'),
      title, day, status, h('span.grow'),
      ptt,
      h('button', { onclick: logout }, 'Log out')),
    resources,
    voiceBar,
    tabBar,
    h('div.play', content, h('aside.side', { 'aria-label': 'News and chat' },
      h('h2', 'News'), feedList, chatForm)));

  api.campaign(campaignId).then((c) => {
    campaign = c;
    title.textContent = c.name;
    ctx.tickMs = c.tick_ms;
    if (map) map.tickMs = c.tick_ms;
    document.title = `${c.name} — StarTales`;
  }).catch((e) => toast(e.message));

  // ---- commands ----
  const cmd = (button, command, okText) => act(button, () => game.command(command), okText);
  const keep = (key, el) => {
    el.dataset.key = key;
    if (store.has(key)) el.value = store.get(key);  // what the player chose wins over the view
    el.addEventListener('change', () => store.set(key, el.value));
    el.addEventListener('input', () => store.set(key, el.value));
    return el;
  };
  const ctx = {
    game, cmd, keep, store,
    selectSystem: (id) => { ui.system = id; ui.planet = null; showTab('map'); map && map.select(id); },
    selectPlanet: (id) => { ui.planet = id; renderLive(true); },
  };

  // ---- tabs ----
  let map = null, dashboard = null, cabinetCleanup = null, live = null, mapPanel = null;
  function showTab(tab, push = true) {
    if (tab !== ui.tab || !live) {
      ui.tab = tab;
      if (push) history.replaceState(null, '', `/play/${campaignId}/${tab}`);
      buildTab();
    }
  }
  function buildTab() {
    if (map) { map.destroy(); map = null; }
    if (dashboard) { dashboard.destroy(); dashboard = null; }
    if (cabinetCleanup) { cabinetCleanup(); cabinetCleanup = null; }
    renderTabs();
    content.setAttribute('aria-labelledby', `tab-${ui.tab}`);
    clear(content);
    live = h('div.live');
    if (ui.tab === 'map') {
      const canvas = h('canvas.galaxy', { tabindex: 0, role: 'img',
        'aria-label': 'Galaxy map: drag or use the arrow keys to pan, wheel or + and - to zoom, click a system' });
      const zoomIn = h('button', { 'aria-label': 'Zoom in', onclick: () => map.zoom(1.25) }, '+');
      const zoomOut = h('button', { 'aria-label': 'Zoom out', onclick: () => map.zoom(0.8) }, '−');
      const fit = h('button', { onclick: () => { map.fitted = false; map.fit(); map.draw(); } }, 'Fit');
      mapPanel = live;
      content.append(h('div.mapwrap', h('div.mapbox', canvas, h('div.mapctl', zoomIn, zoomOut, fit)), live));
      map = new GalaxyMap(canvas, { onSelect: (id) => { ui.system = id; ui.planet = null; map.select(id); renderLive(true); } });
      map.selected = ui.system;
      if (ctx.tickMs) map.tickMs = ctx.tickMs;
      if (game.view) map.setView(game.view);
    } else if (ui.tab === 'empire') {
      const charts = h('div.charts');
      content.append(live, charts);
      dashboard = new Dashboard(charts, game);
    } else if (ui.tab === 'cabinet') {
      cabinetCleanup = renderCabinet(content, campaignId, game);
      live = null;
      return;
    } else {
      content.append(live);
    }
    renderLive(true);
  }

  let shownEvents = -1;
  function renderTabs() {
    const pending = game.view && game.view.events ? game.view.events.length : 0;
    shownEvents = pending;
    const focused = tabBar.contains(document.activeElement) ? document.activeElement.id : null;
    clear(tabBar, TABS.map(([t, label]) => h('button', {
      role: 'tab', 'aria-selected': String(t === ui.tab), id: `tab-${t}`,
      class: t === ui.tab ? 'active' : '', onclick: () => showTab(t),
    }, label, t === 'events' && pending ? h('span.count', { 'aria-label': `${pending} pending` }, pending) : null)));
    if (focused) document.getElementById(focused)?.focus();
  }

  // ---- live rendering ----
  let lastRender = 0, renderTimer = null;
  function renderLive(now) {
    if (!live) return;
    const since = performance.now() - lastRender;
    if (!now && since < 300) {
      if (!renderTimer) renderTimer = setTimeout(() => { renderTimer = null; renderLive(true); }, 300 - since);
      return;
    }
    lastRender = performance.now();
    const v = game.view;
    if (!v) { clear(live, h('p.muted', 'Waiting for the galaxy…')); return; }
    const active = document.activeElement;
    const inside = active && live.contains(active);
    if (inside && active.tagName === 'INPUT' && active.type !== 'button') return;  // typing
    const key = inside ? active.dataset.key : null;
    let body;
    if (!v.self) {  // an observer: the public view only
      clear(live, observerPanel(v));
      return;
    }
    switch (ui.tab) {
      case 'map':
        body = ui.planet !== null ? planetPanel(v, ui.planet, ctx) : systemPanel(v, ui.system, ctx);
        break;
      case 'empire': body = economyForms(v, ctx); break;
      case 'research': body = researchTab(v, ctx); break;
      case 'fleets': body = fleetsTab(v, ctx); break;
      case 'diplomacy': body = diplomacyTab(v, ctx); break;
      case 'events': body = eventsTab(v, ctx); break;
      default: body = null;
    }
    clear(live, body);
    if (key) {
      const again = live.querySelector(`[data-key="${CSS.escape(key)}"]`);
      if (again) again.focus();
    }
  }

  function renderHeader() {
    const v = game.view;
    if (!v || !v.self || !v.self.stock) return;
    day.textContent = `Day ${v.tick}`;
    clear(resources, RESOURCES.map((r) => {
      const inc = v.self.income ? v.self.income[r] : 0;
      return h('span.res', { 'data-resource': r },
        h('span.label', r), ' ', h('strong', fmt(v.self.stock[r])), ' ',
        h('small', { class: inc < 0 ? 'neg' : 'pos' }, (inc >= 0 ? '+' : '') + fmt(inc, 1)));
    }), h('span.res', h('span.label', 'score'), ' ', h('strong', fmt(v.self.score && v.self.score.total, 1))));
  }

  // ---- feed ----
  function addFeed(msg) {
    let who = '', text = '', kind = msg.type;
    if (msg.type === 'event') { text = msg.notice.text; who = msg.notice.kind; }
    else if (msg.type === 'chat') { who = msg.username; text = msg.text; }
    else { who = msg.character ? `${msg.character.name} (${msg.character.role.replace('_', ' ')})` : ''; text = msg.text; }
    feedList.prepend(h('li.' + kind.replace('.', '-'), h('span.tick', `day ${msg.tick ?? ''}`), ' ',
      who ? h('strong', who + ': ') : null, text));
    while (feedList.children.length > 100) feedList.lastChild.remove();
  }

  game.addEventListener('status', (e) => {
    const s = e.detail;
    status.textContent = s === 'live' ? (game.role === 'observer' ? 'watching' : 'live') : s + '…';
    status.className = 'status ' + s;
  });
  game.addEventListener('view', (e) => {
    renderHeader();
    if (map) map.setView(game.view);
    if ((game.view.events || []).length !== shownEvents) renderTabs();
    renderLive(e.detail.snapshot);
    if (dashboard) dashboard.update();
  });
  game.addEventListener('feed', (e) => addFeed(e.detail));
  // A socket refused before it opened may mean the login expired: /api/me answers 401 then,
  // and the app goes back to the login screen.
  game.addEventListener('dropped', (e) => { if (!e.detail.opened) api.me().catch(() => {}); });
  game.addEventListener('failure', (e) => {
    const m = e.detail.message || String(e.detail);
    toast(m);
    if (/not running|not a member|forbidden/i.test(m)) status.textContent = m;
  });

  const voice = new PushToTalk(game, {
    button: ptt, status: voiceStatus, heard, outcome,
    character: () => (cabinetCleanup && cabinetCleanup.current ? cabinetCleanup.current() : null),
    chat: () => (cabinetCleanup && cabinetCleanup.question ? cabinetCleanup : null),
  });

  buildTab();
  return () => {
    voice.destroy();
    clearTimeout(renderTimer);
    if (map) map.destroy();
    if (dashboard) dashboard.destroy();
    if (cabinetCleanup) cabinetCleanup();
    game.close();
    document.title = 'StarTales';
    void campaign;
  };
}
