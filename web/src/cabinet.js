// Cabinet chat: pick a character, ask, watch the reply stream in (SSE over fetch), approve or
// reject what they propose.
import { api, talk } from './api.js';
import { h, clear, act, toast } from './dom.js';

const commandText = (c) => {
  if (!c) return '';
  const { type, ...rest } = c;
  return `${type.replace(/_/g, ' ')} ${Object.entries(rest).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')}`;
};

export function renderCabinet(root, campaignId) {
  const people = h('ul.people', { 'aria-label': 'Characters' });
  const log = h('ol.log', { 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const proposalsBox = h('div.proposals');
  const input = h('textarea', { name: 'message', rows: 2, maxlength: 2000, placeholder: 'Ask your advisor…',
    'aria-label': 'Message to the character' });
  const send = h('button.primary', { type: 'submit' }, 'Ask');
  const stop = h('button', { type: 'button', disabled: true }, 'Stop');
  const heading = h('h2', 'Cabinet');
  let characters = [], current = null, controller = null, alive = true;

  const form = h('form.ask', {
    onsubmit: (e) => { e.preventDefault(); ask(); },
  }, input, h('div.row', send, stop));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); ask(); }
  });
  stop.addEventListener('click', () => controller && controller.abort());

  root.append(h('div.cabinet',
    h('nav.card', { 'aria-label': 'Pick a character' }, h('h2', 'Characters'), people),
    h('section.card.talk', heading, log, form),
    h('section.card', { 'aria-label': 'Proposals' }, h('h2', 'Pending proposals'), proposalsBox)));

  function bubble(speaker, text, who) {
    const body = h('div.text', text);
    const li = h('li.msg.' + speaker, h('div.who', who), body);
    log.append(li);
    log.scrollTop = log.scrollHeight;
    return { li, body };
  }

  function proposalItem(p) {
    const approve = h('button.primary', { type: 'button' }, 'Approve');
    const reject = h('button', { type: 'button' }, 'Reject');
    const state = h('span.state', p.status);
    const li = h('li.proposal', { 'data-proposal': p.id },
      h('strong', commandText(p.command)), h('p', p.reason), h('div.row', approve, reject, state));
    const decide = (b, fn, verb) => act(b, async () => {
      const out = await fn(campaignId, p.id);
      state.textContent = out.status + (out.result ? ` (day ${out.result.tick})` : '');
      approve.remove(); reject.remove();
      toast(`${verb}: ${commandText(p.command)}.`, 'ok');
      loadProposals();
    });
    if (p.status !== 'pending') { approve.remove(); reject.remove(); }
    approve.addEventListener('click', () => decide(approve, api.approve, 'Approved'));
    reject.addEventListener('click', () => decide(reject, api.reject, 'Rejected'));
    return li;
  }

  async function loadProposals() {
    try {
      const { proposals } = await api.proposals(campaignId, 'pending');
      if (!alive) return;
      clear(proposalsBox, proposals.length ? h('ul.plain', proposals.map(proposalItem)) : h('p.muted', 'None waiting.'));
    } catch (e) { clear(proposalsBox, h('p.error', e.message)); }
  }

  async function pick(c) {
    current = c;
    heading.textContent = `${c.name}, ${c.title || c.role}`;
    for (const li of people.children) li.firstChild.setAttribute('aria-pressed', String(li.dataset.id === String(c.id)));
    clear(log);
    try {
      const { messages } = await api.messages(campaignId, c.id);
      if (current !== c) return;
      for (const m of messages) bubble(m.speaker, m.text, m.speaker === 'player' ? 'You' : c.name);
      if (!messages.length) log.append(h('li.muted', `Ask ${c.name} anything about the ${c.role.replace('_', ' ')}.`));
    } catch (e) { toast(e.message); }
    input.focus();
  }

  async function ask() {
    const text = input.value.trim();
    if (!text || !current || controller) return;
    const c = current;
    bubble('player', text, 'You');
    input.value = '';
    const reply = bubble('character streaming', '', c.name);
    reply.li.setAttribute('aria-busy', 'true');
    controller = new AbortController();
    send.disabled = true; stop.disabled = false;
    try {
      await talk(campaignId, c.id, text, (name, data) => {
        if (name === 'delta') {
          reply.body.textContent += data.text || '';
          log.scrollTop = log.scrollHeight;
        } else if (name === 'done') {
          if (data.message) reply.body.textContent = data.message.text;
          if (data.notice) reply.li.append(h('p.notice', data.notice));
          if (data.proposals && data.proposals.length) {
            reply.li.append(h('ul.plain', data.proposals.map(proposalItem)));
          }
          for (const r of data.rejected_proposals || []) reply.li.append(h('p.notice', `Could not propose: ${r.reason}`));
        } else if (name === 'error') {
          reply.li.append(h('p.error', data.message || 'The answer failed.'));
        }
      }, controller.signal);
    } catch (e) {
      reply.li.append(h('p.error', e.message));
    } finally {
      reply.li.classList.remove('streaming');
      reply.li.setAttribute('aria-busy', 'false');
      controller = null;
      send.disabled = false; stop.disabled = true;
      loadProposals();
    }
  }

  api.characters(campaignId).then(({ characters: list }) => {
    if (!alive) return;
    characters = list;
    clear(people, list.map((c) => h('li', { 'data-id': c.id }, h('button', {
      type: 'button', 'aria-pressed': 'false', 'data-role': c.role, onclick: () => pick(c),
    }, h('strong', c.name), h('small', ` ${c.title || c.role}`)))));
    const first = list.find((c) => c.role === 'treasury') || list[0];
    if (first) pick(first);
  }).catch((e) => clear(people, h('li.error', e.message)));
  loadProposals();

  const cleanup = () => { alive = false; if (controller) controller.abort(); void characters; };
  // For push-to-talk (voice.js): the character in focus, and a spoken question streamed in
  // like a typed one (character.delta … character.done over /ws).
  cleanup.current = () => (current ? current.id : null);
  cleanup.question = (text) => {
    const c = current;
    if (!c || !alive) return null;
    bubble('player voice', text, 'You (spoken)');
    const reply = bubble('character streaming', '', c.name);
    reply.li.setAttribute('aria-busy', 'true');
    return {
      delta: (t) => { reply.body.textContent += t; log.scrollTop = log.scrollHeight; },
      done: (data) => {
        if (data.message) reply.body.textContent = data.message.text;
        if (data.notice) reply.li.append(h('p.notice', data.notice));
        if (data.proposals && data.proposals.length) reply.li.append(h('ul.plain', data.proposals.map(proposalItem)));
        for (const r of data.rejected_proposals || []) reply.li.append(h('p.notice', `Could not propose: ${r.reason}`));
        if (data.error) reply.li.append(h('p.error', data.error.message || 'The answer failed.'));
        reply.li.classList.remove('streaming');
        reply.li.setAttribute('aria-busy', 'false');
        if (data.proposals && data.proposals.length) loadProposals();
      },
    };
  };
  return cleanup;
}
