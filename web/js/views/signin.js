// Sign-in: the token goes to session storage, never into the URL.
import { ApiError, get, session } from '../api.js';
import { errorBox, field, h, mount } from '../dom.js';

export function renderSignIn(main, done) {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true,
                             spellcheck: 'false' });
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card sign-in', id: 'sign-in-form' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste the access token your administrator gave you (it starts with ast_). ',
      'It is kept only in this browser tab and forgotten when the tab closes.'),
    field('Access token', input),
    h('button', { type: 'submit' }, 'Sign in'),
    message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    session.token = token;
    try {
      await get('programmes', { limit: 1 }, { asAt: false });
      input.value = '';
      done();
    } catch (err) {
      session.token = null;
      const text = err instanceof ApiError && err.status === 401
        ? 'That token was not accepted (unknown, revoked or expired).' : err.message;
      mount(message, errorBox(new Error(text)));
    }
  });
  mount(main, form);
  input.focus();
}
