// Register / log in.
import { api, session } from './api.js';
import { h, field, act, toast } from './dom.js';

export function renderAuth(root, { navigate }) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true,
    minlength: 3, maxlength: 32 });
  const password = h('input', { name: 'password', type: 'password', required: true,
    autocomplete: 'current-password', minlength: 10 });
  const login = h('button.primary', { type: 'submit' }, 'Log in');
  const register = h('button', { type: 'button' }, 'Create account');

  async function signIn() {
    const out = await api.login(username.value.trim(), password.value);
    session.save(out.token, out.user);
    navigate('/lobby');
  }
  const form = h('form.card.auth', {
    'aria-label': 'Log in',
    onsubmit: (e) => { e.preventDefault(); act(login, signIn); },
  },
  h('h1', 'StarTales'),
  h('p.muted', 'Lead a civilization through a cabinet of AI advisors.'),
  field('Username', username, '3–32 letters, digits, _ or -'),
  field('Password', password, 'at least 10 characters'),
  h('div.row', login, register));
  register.addEventListener('click', () => {
    if (!form.reportValidity()) return;
    act(register, async () => {
      await api.register(username.value.trim(), password.value);
      toast('Account created.', 'ok');
      await signIn();
    });
  });
  root.append(h('main.center', form));
  username.focus();
  return null;
}
