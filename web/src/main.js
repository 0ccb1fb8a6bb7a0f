// The app shell: a history-API router over three screens (login, lobby, play).
import './style.css';
import { session, setUnauthorizedHandler, api } from './api.js';
import { clear, toast } from './dom.js';
import { renderAuth } from './auth.js';
import { renderLobby } from './lobby.js';
import { renderPlay } from './play.js';

const root = document.getElementById('app');
let cleanup = null;

export function navigate(path, replace = false) {
  if (replace) history.replaceState(null, '', path); else history.pushState(null, '', path);
  route();
}

export async function logout() {
  try { await api.logout(); } catch { /* the token may be gone already */ }
  session.clear();
  navigate('/login');
}

function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  clear(root);
  const path = location.pathname;
  if (!session.token) {
    if (path !== '/login') history.replaceState(null, '', '/login');
    cleanup = renderAuth(root, { navigate });
    return;
  }
  const play = path.match(/^\/play\/(\d+)(?:\/([a-z]+))?/);
  if (play) {
    cleanup = renderPlay(root, Number(play[1]), play[2] || 'map', { navigate, logout });
    return;
  }
  if (path !== '/lobby') history.replaceState(null, '', '/lobby');
  cleanup = renderLobby(root, { navigate, logout });
}

setUnauthorizedHandler(() => {
  session.clear();
  toast('Your session has ended; please log in again.');
  navigate('/login', true);
});
window.addEventListener('popstate', route);
route();
