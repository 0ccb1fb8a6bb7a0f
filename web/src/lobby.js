// The lobby: list, create, join (invite codes), ready, start.
import { api, session } from './api.js';
import { h, clear, field, select, act, toast } from './dom.js';

export function renderLobby(root, { navigate, logout }) {
  const user = session.user || {};
  const list = h('div.list', { 'aria-live': 'polite' });
  const detail = h('section.card.detail', { 'aria-label': 'Campaign' },
    h('p.muted', 'Pick a campaign to see its players.'));
  let selected = null;
  let stopped = false;

  // Polls keep the lobby fresh; a re-render of the campaign waits while the player is in one of
  // its fields, except right after one of its actions (force).
  async function refresh(force) {
    try {
      const { campaigns } = await api.campaigns();
      clear(list, campaigns.length ? h('table',
        h('thead', h('tr', ['Name', 'Status', 'Players', 'Mode', ''].map((t) => h('th', t)))),
        h('tbody', campaigns.map((c) => h('tr', { class: c.id === selected ? 'selected' : '' },
          h('td', c.name), h('td', h('span.badge.' + c.status, c.status)),
          h('td', c.players !== undefined ? `${c.players}/${c.max_players}` : `up to ${c.max_players}`), h('td', `${c.mode}, ${c.visibility}`),
          h('td', h('button', { onclick: () => show(c.id), 'aria-label': `Open ${c.name}` },
            'Open'))))))
        : h('p.muted', 'No campaigns yet: create one.'));
    } catch (e) { clear(list, h('p.error', e.message)); }
    if (selected && (force || !detail.contains(document.activeElement))) await show(selected, true);
  }

  async function show(id, quiet) {
    selected = id;
    let c;
    try { c = await api.campaign(id); } catch (e) {
      if (!quiet) toast(e.message);
      clear(detail, h('p.error', e.message));
      return;
    }
    const me = (c.members || []).find((m) => m.user_id === user.id);
    const host = c.host_user_id === user.id;
    const live = c.status === 'running' || c.status === 'paused';
    const civName = h('input', { name: 'civ_name', maxlength: 40, placeholder: user.username });
    const code = h('input', { name: 'invite_code', placeholder: 'if private' });
    const button = (label, fn, okText, cls = '') => {
      const b = h('button' + cls, { type: 'button' }, label);
      b.addEventListener('click', () => act(b, fn, okText).then(async () => {
        await refresh(true);
        // keep the keyboard where it was: on the campaign's first action
        const again = detail.querySelector('.row button');
        if (again && !detail.contains(document.activeElement)) again.focus();
      }));
      return b;
    };
    clear(detail,
      h('h2', c.name),
      h('p', h('span.badge.' + c.status, c.status), ` ${c.mode} · ${c.visibility} · ${c.systems} systems · `,
        `${c.ai_empires} AI empires · ${c.tick_ms} ms a day`, c.tick !== undefined ? ` · day ${c.tick}` : ''),
      c.invite_code ? h('p', 'Invite code: ', h('code.invite', c.invite_code)) : null,
      h('h3', 'Members'),
      h('ul.members', (c.members || []).map((m) => h('li',
        h('span.swatch', { style: `background:${m.color}`, 'aria-hidden': 'true' }),
        `${m.civ_name} (${m.username}, ${m.role})`,
        m.user_id === c.host_user_id ? ' — host' : m.ready ? ' — ready' : m.role === 'player' ? ' — not ready' : ''))),
      h('div.row.wrap',
        !me && c.status === 'lobby' ? [field('Civilization name', civName),
          c.visibility === 'private' ? field('Invite code', code) : null,
          button('Join', () => api.join(id, clean({ civ_name: civName.value.trim(),
            invite_code: code.value.trim() })), 'Joined.', '.primary')] : null,
        !me && live ? button('Watch as observer', async () => {
          await api.join(id, { role: 'observer' });
          navigate(`/play/${id}`);
        }) : null,
        me && c.status === 'lobby' && me.role === 'player' && !host
          ? button(me.ready ? 'Not ready' : 'Ready', () => api.ready(id, !me.ready)) : null,
        host && c.status === 'lobby' ? button('Start', () => api.start(id), 'Started.', '.primary') : null,
        me && live ? button('Play', async () => navigate(`/play/${id}`), null, '.primary') : null,
        host && c.status === 'running' ? button('Pause', () => api.pause(id)) : null,
        host && c.status === 'paused' ? button('Resume', () => api.resume(id)) : null,
        me && !host && c.status === 'lobby' ? button('Leave', () => api.leave(id)) : null,
        host ? button('Delete', async () => {
          if (!confirm(`Delete ${c.name}?`)) return;
          await api.remove(id);
          selected = null;
          clear(detail, h('p.muted', 'Deleted.'));
        }, null, '.danger') : null));
  }

  // Create
  const f = {
    name: h('input', { name: 'name', required: true, maxlength: 60, value: `${user.username || 'My'}'s galaxy` }),
    mode: select('mode', ['coop', 'conquest'], 'coop'),
    visibility: select('visibility', ['public', 'private'], 'public'),
    systems: h('input', { name: 'systems', type: 'number', min: 20, max: 2000, value: 40 }),
    max_players: h('input', { name: 'max_players', type: 'number', min: 1, max: 16, value: 4 }),
    ai_empires: h('input', { name: 'ai_empires', type: 'number', min: 0, max: 31, value: 2 }),
    tick_ms: h('input', { name: 'tick_ms', type: 'number', min: 100, max: 60000, step: 100, value: 1000 }),
    seed: h('input', { name: 'seed', type: 'number', min: 0, placeholder: 'random' }),
    civ_name: h('input', { name: 'civ_name', maxlength: 40, placeholder: user.username }),
    color: h('input', { name: 'color', type: 'color', value: '#e6194b' }),
  };
  const createBtn = h('button.primary', { type: 'submit' }, 'Create campaign');
  const create = h('form.card', {
    'aria-label': 'Create a campaign',
    onsubmit: (e) => {
      e.preventDefault();
      act(createBtn, async () => {
        const body = clean({
          name: f.name.value.trim(), mode: f.mode.value, visibility: f.visibility.value,
          systems: num(f.systems), max_players: num(f.max_players), ai_empires: num(f.ai_empires),
          tick_ms: num(f.tick_ms), seed: num(f.seed), civ_name: f.civ_name.value.trim(),
          color: f.color.value,
        });
        const c = await api.createCampaign(body);
        await refresh();
        await show(c.id);
      }, 'Campaign created.');
    },
  },
  h('h2', 'Create a campaign'),
  h('div.grid', field('Name', f.name), field('Mode', f.mode), field('Visibility', f.visibility),
    field('Star systems', f.systems), field('Players at most', f.max_players),
    field('AI empires', f.ai_empires), field('Milliseconds per day', f.tick_ms),
    field('Seed', f.seed), field('Your civilization', f.civ_name), field('Colour', f.color)),
  createBtn);

  // Join by id + invite code
  const joinId = h('input', { name: 'campaign', type: 'number', min: 1, required: true });
  const joinCode = h('input', { name: 'invite_code', required: true });
  const joinBtn = h('button', { type: 'submit' }, 'Join with code');
  const joinForm = h('form.card', {
    'aria-label': 'Join with an invite code',
    onsubmit: (e) => {
      e.preventDefault();
      act(joinBtn, async () => {
        await api.join(num(joinId), { invite_code: joinCode.value.trim() });
        await show(num(joinId));
      }, 'Joined.');
    },
  }, h('h2', 'Join with an invite code'),
  h('div.row.wrap', field('Campaign number', joinId), field('Invite code', joinCode), joinBtn));

  root.append(
    h('header.top', h('strong.brand', 'StarTales'), h('span.grow'),
      h('span.muted', `Signed in as ${user.username || '?'}`),
      h('button', { onclick: logout }, 'Log out')),
    h('main.lobby',
      h('section.card', { 'aria-label': 'Campaigns' },
        h('div.row', h('h2', 'Campaigns'), h('span.grow'),
          h('button', { onclick: () => refresh() }, 'Refresh')), list),
      detail, create, joinForm));
  refresh();
  const timer = setInterval(() => { if (!stopped) refresh(); }, 3000);
  return () => { stopped = true; clearInterval(timer); };
}

function num(input) {
  return input.value === '' ? undefined : Number(input.value);
}
function clean(o) {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === '') delete o[k];
  return o;
}
