// REST client: JSON in and out, the bearer token, and readable errors.
// Every failure becomes an ApiError whose message is a sentence a player can read.

const TOKEN_KEY = 'startales.token';
const USER_KEY = 'startales.user';

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

export const session = {
  get token() { return localStorage.getItem(TOKEN_KEY); },
  get user() {
    try { return JSON.parse(localStorage.getItem(USER_KEY) || 'null'); } catch { return null; }
  },
  save(token, user) {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(USER_KEY, JSON.stringify(user));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
  },
};

// Called when the server says the token is no longer valid (401 on an authenticated call).
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

async function errorFrom(res) {
  let code = 'http_' + res.status, message = `The server answered ${res.status}.`;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch { /* not JSON */ }
  const retry = res.headers.get('Retry-After');
  if (res.status === 429 && retry) message += ` Try again in ${retry} s.`;
  return new ApiError(res.status, code, message, retry ? Number(retry) : undefined);
}

// fetch with the token and a bounded wait; returns the raw Response when ok, throws ApiError.
export async function raw(method, path, body, { signal, timeoutMs = 15000 } = {}) {
  const headers = {};
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const ctl = new AbortController();
  const timer = timeoutMs ? setTimeout(() => ctl.abort(), timeoutMs) : null;
  if (signal) signal.addEventListener('abort', () => ctl.abort(), { once: true });
  let res;
  try {
    res = await fetch(path, {
      method, headers, signal: ctl.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (timer) clearTimeout(timer);
    if (signal && signal.aborted) throw new ApiError(0, 'aborted', 'Cancelled.');
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
  }
  if (timer) clearTimeout(timer);  // the headers arrived; a stream may take its time
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && session.token && !path.startsWith('/api/auth/login')) onUnauthorized();
    throw err;
  }
  return res;
}

export async function call(method, path, body, options) {
  const res = await raw(method, path, body, options);
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

export const api = {
  register: (username, password) => call('POST', '/api/auth/register', { username, password }),
  login: (username, password) => call('POST', '/api/auth/login', { username, password }),
  logout: () => call('POST', '/api/auth/logout'),
  me: () => call('GET', '/api/me'),
  campaigns: () => call('GET', '/api/campaigns'),
  campaign: (id) => call('GET', `/api/campaigns/${id}`),
  createCampaign: (fields) => call('POST', '/api/campaigns', fields),
  join: (id, fields) => call('POST', `/api/campaigns/${id}/join`, fields),
  leave: (id) => call('POST', `/api/campaigns/${id}/leave`),
  ready: (id, ready) => call('POST', `/api/campaigns/${id}/ready`, { ready }),
  start: (id) => call('POST', `/api/campaigns/${id}/start`),
  pause: (id) => call('POST', `/api/campaigns/${id}/pause`),
  resume: (id) => call('POST', `/api/campaigns/${id}/resume`),
  remove: (id) => call('DELETE', `/api/campaigns/${id}`),
  state: (id) => call('GET', `/api/campaigns/${id}/state`),
  characters: (id) => call('GET', `/api/campaigns/${id}/characters`),
  messages: (id, cid) => call('GET', `/api/campaigns/${id}/characters/${cid}/messages?limit=50`),
  proposals: (id, status) =>
    call('GET', `/api/campaigns/${id}/proposals${status ? '?status=' + status : ''}`),
  approve: (id, pid) => call('POST', `/api/campaigns/${id}/proposals/${pid}/approve`),
  reject: (id, pid) => call('POST', `/api/campaigns/${id}/proposals/${pid}/reject`),
};

// POST .../messages answers Server-Sent Events; EventSource cannot POST, so this reads the
// stream with fetch + ReadableStream. Calls onEvent(name, data) per event; resolves at the end.
export async function talk(campaign, character, text, onEvent, signal) {
  const res = await raw('POST', `/api/campaigns/${campaign}/characters/${character}/messages`,
    { text }, { signal, timeoutMs: 0 });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const dispatch = (block) => {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) return;
    let parsed;
    try { parsed = JSON.parse(data.join('\n')); } catch { parsed = { text: data.join('\n') }; }
    onEvent(name, parsed);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
  if (buffer.trim()) dispatch(buffer);
}
