// The admin page: sign-in, then hash routes (#/connections, #/connections/{id}, #/items, #/vouchers, ...). Every
// screen reads and writes through the admin API (api.js) with the key the user signed in with.
import { api, adminKey, whenUnauthorized, ApiError } from './api.js';
import { h, clear, errorBox } from './ui.js';
import { connectionsScreen, connectScreen } from './screens/connections.js';
import { connectionScreen } from './screens/connection.js';
import { itemsScreen, vouchersScreen, voucherScreen, trialBalanceScreen, poisonScreen } from './screens/books.js';
import { reportsScreen, booksAuditScreen } from './screens/reports.js';
import { auditLogScreen } from './screens/audit.js';

const main = document.getElementById('main');
const top = document.getElementById('top');
let cleanups = [];
let signInMessage = '';

const routes = [
  [/^#\/connections\/?$/, () => connectionsScreen],
  [/^#\/connect(?:\/([a-z]+))?$/, (m) => (ctx) => connectScreen(ctx, m[1])],
  [/^#\/connections\/([^/?]+)$/, (m) => (ctx) => connectionScreen(ctx, decodeURIComponent(m[1]))],
  [/^#\/items$/, () => itemsScreen],
  [/^#\/vouchers(?:\?(.*))?$/, (m) => (ctx) => vouchersScreen(ctx, new URLSearchParams(m[1] ?? ''))],
  [/^#\/vouchers\/(.+)$/, (m) => (ctx) => voucherScreen(ctx, decodeURIComponent(m[1]))],
  [/^#\/trial-balance$/, () => trialBalanceScreen],
  [/^#\/poison$/, () => poisonScreen],
  [/^#\/reports(?:\?(.*))?$/, (m) => (ctx) => reportsScreen(ctx, new URLSearchParams(m[1] ?? ''))],
  [/^#\/audit-books$/, () => booksAuditScreen],
  [/^#\/audit(?:\?(.*))?$/, (m) => (ctx) => auditLogScreen(ctx, new URLSearchParams(m[1] ?? ''))],
];

whenUnauthorized(() => {
  if (top.hidden) return; // the sign-in form says so itself
  adminKey.clear();
  signInMessage = 'The admin key was refused: sign in again.';
  setTimeout(render, 0);
});

document.getElementById('sign-out').addEventListener('click', () => {
  adminKey.clear();
  signInMessage = 'Signed out.';
  location.hash = '#/connections';
  render();
});

window.addEventListener('hashchange', render);
render();

async function render() {
  for (const c of cleanups) c();
  cleanups = [];
  if (!adminKey.get()) {
    top.hidden = true;
    signIn();
    return;
  }
  top.hidden = false;
  const hash = location.hash || '#/connections';
  for (const a of document.querySelectorAll('#nav a')) {
    // #/audit is not #/audit-books: the link's path ends where the hash's does, or at its / or ?.
    const href = a.getAttribute('href');
    const current = hash === href || (hash.startsWith(href) && '/?'.includes(hash[href.length]));
    if (current) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const match = routes.map(([re, make]) => [hash.match(re), make]).find(([m]) => m);
  const screen = match ? match[1](match[0]) : null;
  clear(main, h('p', { class: 'muted', text: 'Loading…' }));
  const ctx = { main, onLeave: (f) => cleanups.push(f), go: (to) => { location.hash = to; } };
  try {
    if (!screen) clear(main, h('h1', { text: 'Not found' }), h('p', {}, 'No such page. ', h('a', { href: '#/connections', text: 'Connections' })));
    else await screen(ctx);
    main.focus({ preventScroll: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    clear(main, h('h1', { text: 'Something went wrong' }), errorBox(e));
  }
}

function signIn() {
  const input = h('input', { id: 'admin-key', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const message = h('p', { id: 'sign-in-message', class: signInMessage.startsWith('Signed out') ? 'muted' : 'error', role: 'alert', text: signInMessage });
  const button = h('button', { type: 'submit', id: 'sign-in', text: 'Sign in' });
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', text: 'Connectors admin' }),
    h('p', { class: 'muted', text: 'Sign in with the admin key (the AdminKey setting, or a function key in Azure). It is kept for this tab only.' }),
    h('div', { class: 'field' }, h('label', { for: 'admin-key', text: 'Admin key' }), input),
    message,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    message.textContent = '';
    adminKey.set(input.value.trim());
    try {
      await api('GET', 'connections');
      signInMessage = '';
      if (!location.hash || location.hash === '#/') location.hash = '#/connections';
      render();
    } catch (err) {
      adminKey.clear();
      message.className = 'error';
      message.textContent = err.status === 401
        ? 'Wrong admin key: the server refused it. Check the AdminKey setting (or the function key in Azure).'
        : err.message;
      button.disabled = false;
      input.focus();
    }
  });
  clear(main, form);
  input.focus();
}
