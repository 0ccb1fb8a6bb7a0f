// Panels built from the live view: system and planet (buildings, construction queue, build
// actions), research, fleets (move, colonize, invade/attack), diplomacy, events, economy.
import { h, field, select, fmt } from './dom.js';
import { BUILDINGS, SHIPS, TECHS, TREATIES } from './rules.js';
import { GOODS } from './game.js';

const sysName = (v, id) => (v.systems.find((s) => s.id === id) || {}).name || `system ${id}`;
const civOf = (v, id) => (v.civs || []).find((c) => c.id === id);
const civName = (v, id) => id === v.self.id ? v.self.name : id === 'pirates' ? 'Pirates'
  : (civOf(v, id) || {}).name || `civilization ${id}`;
const shipsText = (ships) => Object.entries(ships || {}).map(([k, n]) => `${n} ${k}${n > 1 ? 's' : ''}`).join(', ') || 'no ships';
const hasTech = (v, name) => !name || (v.self.techs || []).includes(name);

function bar(value, max, label) {
  const pct = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  return h('div.bar', { role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0,
    'aria-valuemax': 100, 'aria-valuenow': Math.round(pct) }, h('span', { style: `width:${pct}%` }));
}

function btn(label, onclick, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', () => onclick(b));
  return b;
}

// ---------------- system & planet ----------------
export function systemPanel(v, systemId, ctx) {
  const mine = v.planets || [];
  if (systemId === null || systemId === undefined) {
    const pick = ctx.keep('open-system', select('system',
      [...v.systems].sort((a, b) => a.name.localeCompare(b.name)).map((s) => [s.id, s.name]), ((v.planets || []).find((p) => p.id === v.self.capital) || {}).system));
    return h('div.panel',
      h('h2', 'Your planets'),
      h('ul.plain', mine.map((p) => h('li', btn(`${p.name}${p.capital ? ' (capital)' : ''}`,
        () => { ctx.selectSystem(p.system); ctx.selectPlanet(p.id); }, { 'data-key': `open-planet-${p.id}` }),
      ` ${sysName(v, p.system)} · ${fmt(p.population, 1)}k people`, p.queue.length ? ` · building ${p.queue[0].item}` : ''))),
      h('h3', 'Go to a system'),
      h('div.row', field('System', pick), btn('Open', () => ctx.selectSystem(Number(pick.value)))),
      h('p.muted', 'Click a star on the map, or pick one here. Dimmed stars are out of sensor range.'));
  }
  const s = v.systems.find((x) => x.id === systemId);
  if (!s) return h('div.panel', h('p', 'Unknown system.'));
  const own = mine.filter((p) => p.system === systemId);
  const foreign = (v.foreign_planets || []).filter((p) => p.system === systemId);
  const fleets = (v.fleets || []).filter((f) => f.at === systemId && (f.next === null || f.next === undefined));
  const enemies = (v.foreign_fleets || []).filter((f) => f.at === systemId);
  const inSight = (v.sensors || []).includes(systemId);
  const colonizers = fleets.filter((f) => f.ships && f.ships['colony ship']);
  const warFleets = fleets.filter((f) => Object.keys(f.ships || {}).some((k) => ['corvette', 'frigate', 'cruiser'].includes(k)));
  return h('div.panel',
    h('div.row', h('h2', s.name), h('span.grow'), btn('Close', () => ctx.selectSystem(null))),
    h('p.muted', inSight ? 'In sensor range.' : 'Out of sensor range: what you see may be old.'),
    h('h3', 'Planets'),
    h('ul.plain',
      own.map((p) => h('li', btn(p.name, () => ctx.selectPlanet(p.id), { 'data-key': `planet-${p.id}` }),
        ` yours · ${p.type}, size ${p.size} · ${fmt(p.population, 1)}k people`,
        p.queue.length ? ` · queue ${p.queue.length}` : '')),
      foreign.map((p) => h('li', h('strong', p.name), ` · ${p.type}, size ${p.size}, habitability ${p.habitability}% · `,
        p.owner === null || p.owner === undefined ? 'unclaimed' : `${civName(v, p.owner)}, ${fmt(p.population, 1)}k people`,
        p.owner === null || p.owner === undefined
          ? colonizers.map((f) => btn(`Colonize with ${f.name}`, (b) => ctx.cmd(b, { type: 'colonize', fleet: f.id, planet: p.id }, 'Colonization ordered.'), { 'data-key': `col-${f.id}-${p.id}` }))
          : warFleets.map((f) => btn(`Invade with ${f.name}`, (b) => ctx.cmd(b, { type: 'invade', fleet: f.id, planet: p.id }, 'Invasion ordered.'), { class: 'danger', 'data-key': `inv-${f.id}-${p.id}` }))))),
    h('h3', 'Fleets here'),
    fleets.length || enemies.length ? h('ul.plain',
      fleets.map((f) => h('li', h('span.swatch', { style: `background:${v.self.color}` }), `${f.name}: ${shipsText(f.ships)}`)),
      enemies.map((f) => h('li', h('span.swatch', { style: `background:${(civOf(v, f.owner) || {}).color || '#f55'}` }),
        `${f.name} (${civName(v, f.owner)}): ${shipsText(f.ships)}`))) : h('p.muted', 'None.'),
    h('h3', 'Hyperlanes'),
    h('div.row.wrap', (s.lanes || []).map((l) => btn(sysName(v, l.to), () => ctx.selectSystem(l.to),
      { 'data-key': `lane-${l.to}` }))));
}

export function planetPanel(v, planetId, ctx) {
  const p = (v.planets || []).find((x) => x.id === planetId);
  if (!p) {
    return h('div.panel', h('p', 'This planet is not yours (any more).'),
      btn('Back', () => ctx.selectPlanet(null)));
  }
  const building = ctx.keep(`build-${p.id}`, select('building', BUILDINGS.map((b) =>
    [b.name, `${b.name} — ${b.credits} cr, ${b.minerals} min${b.tech && !hasTech(v, b.tech) ? ` (needs ${b.tech})` : ''}`]), 'mine'));
  const ship = ctx.keep(`ship-${p.id}`, select('ship', SHIPS.filter((s) => hasTech(v, s.tech))
    .map((s) => [s.name, `${s.name} — ${s.credits} cr, ${s.minerals} min`]), 'corvette'));
  const count = ctx.keep(`count-${p.id}`, h('input', { type: 'number', name: 'count', min: 1, max: 10, value: 1 }));
  const yard = p.buildings && p.buildings.shipyard;
  return h('div.panel.planet',
    h('div.row', h('h2', p.name, p.capital ? ' (capital)' : ''), h('span.grow'),
      btn('Back to system', () => ctx.selectPlanet(null))),
    h('p', `${p.type}, size ${p.size}, habitability ${p.habitability}% · ${fmt(p.population, 1)}k people · unrest ${fmt(p.unrest)}`,
      p.blockaded ? h('strong.neg', ' · blockaded') : ''),
    h('p.muted', 'Deposits: ', Object.entries(p.deposits).map(([k, n]) => `${k} ${n}`).join(', ')),
    h('h3', 'Buildings'),
    h('ul.chips', Object.entries(p.buildings || {}).map(([name, n]) => h('li', `${n} × ${name}`))),
    h('h3', 'Construction queue'),
    p.queue.length ? h('ol.queue', p.queue.map((q, i) => h('li', { 'data-item': q.item },
      h('div.row', h('strong', q.item), h('span.muted', q.kind === 'ship' ? ' ship' : ''), h('span.grow'),
        h('span', `${fmt(q.progress, 1)} / ${fmt(q.work)}`),
        btn('Cancel', (b) => ctx.cmd(b, { type: 'cancel_build', planet: p.id, index: i }, 'Cancelled.'),
          { 'aria-label': `Cancel ${q.item}`, 'data-key': `cancel-${p.id}-${i}` })),
      bar(q.progress, q.work, `${q.item} progress`),
      q.blocked ? h('p.waiting', 'Waiting: ', q.blocked) : !q.paid ? h('p.waiting', 'Waiting to be paid for.') : null)))
      : h('p.muted', 'Nothing queued.'),
    h('h3', 'Build'),
    h('div.row.wrap', field('Building', building),
      btn('Queue building', (b) => ctx.cmd(b, { type: 'build', planet: p.id, building: building.value }, `${building.value} queued.`),
        { class: 'primary', 'data-key': `queue-${p.id}` })),
    yard ? h('div.row.wrap', field('Ship', ship), field('Count', count),
      btn('Build ships', (b) => ctx.cmd(b, { type: 'build_ship', planet: p.id, ship: ship.value, count: Number(count.value) || 1 }, 'Ships queued.'),
        { 'data-key': `ships-${p.id}` }))
      : h('p.muted', 'Ships need a shipyard on this planet.'));
}

// ---------------- research ----------------
export function researchTab(v, ctx) {
  const r = v.self.research || {};
  const known = new Set(v.self.techs || []);
  const fields = ['economy', 'military', 'science', 'society'];
  return h('div.panel',
    h('h2', 'Research'),
    r.tech ? h('div', h('p', `Researching ${r.tech}: ${fmt(r.progress)} / ${fmt(r.cost)} (+${fmt(r.rate, 1)} a day)`),
      bar(r.progress, r.cost, `${r.tech} progress`)) : h('p.waiting', 'Nothing is being researched.'),
    h('div.techs', fields.map((f) => h('section', h('h3', f),
      h('ul.plain', TECHS.filter((t) => t.field === f).map((t) => {
        const open = t.requires.every((x) => known.has(x));
        const state = known.has(t.name) ? 'known' : r.tech === t.name ? 'current' : open ? 'open' : 'locked';
        return h('li.tech.' + state,
          h('strong', t.name), h('small', ` ${t.effect}`),
          state === 'known' ? h('span.ok', ' ✓ known') : state === 'current' ? h('span', ' (in progress)')
            : state === 'open' ? btn('Research', (b) => ctx.cmd(b, { type: 'research', tech: t.name }, `Researching ${t.name}.`),
              { 'aria-label': `Research ${t.name}`, 'data-key': `tech-${t.index}` })
              : h('small.muted', ` needs ${t.requires.join(', ')}`));
      }))))));
}

// ---------------- fleets ----------------
export function fleetsTab(v, ctx) {
  const fleets = v.fleets || [];
  const systems = [...v.systems].sort((a, b) => a.name.localeCompare(b.name));
  const hostile = new Set((v.foreign_fleets || []).map((f) => f.at));
  return h('div.panel',
    h('h2', 'Fleets'),
    fleets.length ? h('ul.plain.fleets', fleets.map((f) => {
      const dest = ctx.keep(`dest-${f.id}`, select('to', systems.map((s) => [s.id, s.name + (hostile.has(s.id) ? ' (enemy fleets)' : '')]), f.at));
      const here = f.next === null || f.next === undefined ? f.at : null;
      const targets = here === null ? [] : (v.foreign_planets || []).filter((p) => p.system === here);
      const colonizable = targets.filter((p) => p.owner === null || p.owner === undefined);
      const invadable = targets.filter((p) => p.owner !== null && p.owner !== undefined);
      return h('li.card',
        h('div.row', h('strong', f.name), h('span.grow'), h('span.muted', shipsText(f.ships))),
        h('p', here !== null ? `At ${sysName(v, f.at)}` : `Moving ${sysName(v, f.at)} → ${sysName(v, f.next)} (${f.progress}/${f.travel} days)`,
          f.route && f.route.length ? `, route ${f.route.map((s) => sysName(v, s)).join(' → ')}` : '',
          f.damage ? ` · damage ${fmt(f.damage)}` : ''),
        h('div.row.wrap', field('Destination', dest),
          btn('Move', (b) => ctx.cmd(b, { type: 'move_fleet', fleet: f.id, to: Number(dest.value) }, `${f.name} under way.`), { 'data-key': `move-${f.id}` }),
          btn('Attack', (b) => ctx.cmd(b, { type: 'move_fleet', fleet: f.id, to: Number(dest.value) }, `${f.name} attacks.`),
            { class: 'danger', title: 'Move into the system to fight the fleets there', 'data-key': `attack-${f.id}` }),
          f.ships && f.ships['colony ship'] ? colonizable.map((p) => btn(`Colonize ${p.name}`,
            (b) => ctx.cmd(b, { type: 'colonize', fleet: f.id, planet: p.id }, 'Colonization ordered.'), { 'data-key': `fcol-${f.id}-${p.id}` })) : null,
          invadable.map((p) => btn(`Invade ${p.name}`,
            (b) => ctx.cmd(b, { type: 'invade', fleet: f.id, planet: p.id }, 'Invasion ordered.'), { class: 'danger', 'data-key': `finv-${f.id}-${p.id}` }))));
    })) : h('p.muted', 'You have no fleets.'),
    (v.foreign_fleets || []).length ? [h('h3', 'Foreign fleets in sensor range'),
      h('ul.plain', v.foreign_fleets.map((f) => h('li', `${f.name} (${civName(v, f.owner)}) at ${sysName(v, f.at)}: ${shipsText(f.ships)}`)))] : null);
}

// ---------------- diplomacy ----------------
export function diplomacyTab(v, ctx) {
  const civs = (v.civs || []).filter((c) => c.id !== v.self.id);
  const proposals = v.proposals || [];
  return h('div.panel',
    h('h2', 'Diplomacy'),
    civs.length ? h('table',
      h('thead', h('tr', ['Civilization', 'Treaty', 'Relation', 'Score', 'Actions'].map((t) => h('th', t)))),
      h('tbody', civs.map((c) => {
        const treaty = ctx.keep(`treaty-${c.id}`, select('treaty', TREATIES, 'peace'));
        treaty.setAttribute('aria-label', `Treaty to propose to ${c.name}`);
        return h('tr', h('td', h('span.swatch', { style: `background:${c.color}` }), c.name, c.alive ? '' : ' (destroyed)'),
          h('td', c.treaty), h('td', fmt(c.relation)), h('td', fmt(c.score, 1)),
          h('td.row.wrap', treaty,
            btn('Propose', (b) => ctx.cmd(b, { type: 'propose_treaty', to: c.id, treaty: treaty.value }, 'Proposal sent.'), { 'data-key': `propose-${c.id}` }),
            c.treaty !== 'war' ? btn('Declare war', (b) => {
              if (confirm(`Declare war on ${c.name}?`)) ctx.cmd(b, { type: 'declare_war', target: c.id }, 'War declared.');
            }, { class: 'danger', 'data-key': `war-${c.id}` }) : null));
      }))) : h('p.muted', 'You have not met anyone yet: explore with your scouts.'),
    h('h3', 'Proposals'),
    proposals.length ? h('ul.plain', proposals.map((p) => h('li',
      p.to === v.self.id ? [`${civName(v, p.from)} proposes ${p.treaty} (until day ${p.expires}) `,
        btn('Accept', (b) => ctx.cmd(b, { type: 'respond_treaty', proposal: p.id, accept: true }, 'Accepted.'), { class: 'primary', 'data-key': `acc-${p.id}` }),
        btn('Decline', (b) => ctx.cmd(b, { type: 'respond_treaty', proposal: p.id, accept: false }, 'Declined.'), { 'data-key': `dec-${p.id}` })]
        : `You propose ${p.treaty} to ${civName(v, p.to)}; awaiting an answer until day ${p.expires}.`)))
      : h('p.muted', 'No open proposals.'));
}

// ---------------- events ----------------
export function eventsTab(v, ctx) {
  const events = v.events || [];
  const planet = (id) => ((v.planets || []).find((p) => p.id === id) || {}).name;
  return h('div.panel',
    h('h2', 'Events'),
    events.length ? h('ul.plain', events.map((e) => h('li.card',
      h('h3', e.kind), h('p', planet(e.planet) ? `On ${planet(e.planet)}. ` : '', `Decide by day ${e.expires}.`),
      h('div.row.wrap', e.options.map((o, i) => btn(o + (i === e.default_option ? ' (default)' : ''),
        (b) => ctx.cmd(b, { type: 'choose_event_option', event: e.id, option: i }, 'Decided.'),
        { class: i === e.default_option ? 'primary' : '', 'data-key': `ev-${e.id}-${i}` }))))))
      : h('p.muted', 'No decisions waiting. Events with choices appear here and in the news.'));
}

// ---------------- economy: policy and market ----------------
export function economyForms(v, ctx) {
  const pol = v.self.policies || { budget: {} };
  const num = (key, value, min, max) => ctx.keep(key, h('input', { type: 'number', name: key, min, max, value }));
  const tax = num('tax', pol.tax_rate, 0, 50);
  const tariff = num('tariff', pol.tariff, -10, 20);
  const budget = ['industry', 'research', 'military', 'welfare'].map((k) => [k, num('budget-' + k, pol.budget[k], 0, 100)]);
  const good = ctx.keep('trade-good', select('resource', GOODS, 'minerals'));
  const amount = ctx.keep('trade-amount', h('input', { type: 'number', name: 'amount', min: 1, max: 1000000, value: 100 }));
  const trade = (b, sign) => {
    const units = Math.abs(Number(amount.value) || 0), what = good.value;
    ctx.cmd(b, { type: 'trade', resource: what, amount: sign * units },
      (ack) => `${sign > 0 ? 'Buying' : 'Selling'} ${units} ${what} on day ${ack.tick}.`);
  };
  const recent = ctx.game.marketLog.slice(-8).reverse();
  const score = v.self.score || {};
  return h('div.panel.economy',
    h('section', h('h2', 'Policy'),
      h('p.policy', 'Now: taxes ', h('strong.tax', `${pol.tax_rate}%`), `, tariff ${pol.tariff}%, budget `,
        ['industry', 'research', 'military', 'welfare'].map((k) => `${k} ${pol.budget[k]}%`).join(', '), '.'),
      h('div.row.wrap', field('Tax rate %', tax), field('Tariff %', tariff),
        btn('Set taxes', (b) => ctx.cmd(b, { type: 'set_policy', tax_rate: Number(tax.value), tariff: Number(tariff.value) }, 'Policy set.'), { 'data-key': 'set-tax' })),
      h('div.row.wrap', budget.map(([k, el]) => field(`Budget ${k} %`, el)),
        btn('Set budget', (b) => ctx.cmd(b, { type: 'set_policy', budget: Object.fromEntries(budget.map(([k, el]) => [k, Number(el.value)])) }, 'Budget set.'), { 'data-key': 'set-budget' }))),
    h('section', h('h2', 'Galactic market'),
      h('table.market', h('thead', h('tr', ['Good', 'Price', 'Base', 'Bought', 'Sold'].map((t) => h('th', t)))),
        h('tbody', GOODS.map((g) => {
          const m = (v.market || {})[g] || {};
          return h('tr', { 'data-good': g }, h('td', g), h('td.price', fmt(m.price, 3)), h('td', fmt(m.base, 2)), h('td', fmt(m.bought)), h('td', fmt(m.sold)));
        }))),
      h('div.row.wrap', field('Good', good), field('Amount', amount),
        btn('Buy', (b) => trade(b, 1), { class: 'primary', 'data-key': 'buy' }), btn('Sell', (b) => trade(b, -1), { 'data-key': 'sell' })),
      h('h3', 'Recent trading in the galaxy'),
      recent.length ? h('ul.plain.trades', recent.map((e) => h('li', { 'data-good': e.good, 'data-tick': e.tick },
        `day ${e.tick}: ${e.good} bought ${fmt(e.bought)}, sold ${fmt(e.sold)}`)))
        : h('p.muted', 'No trades seen yet.')),
    h('section', h('h2', 'Score'),
      h('p', ['empire', 'discovery', 'story', 'social'].map((k) => `${k} ${fmt(score[k], 1)}`).join(' · '), ` · total ${fmt(score.total, 1)}`)));
}
