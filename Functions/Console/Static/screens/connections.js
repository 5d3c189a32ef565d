// Connections: the list (last delivery and failures in 24 h computed from each connection's activity), and
// "Connect store": the platform first, then its own setup steps; the URL and secret are shown once after creation.
import { api, seg } from '../api.js';
import { h, clear, card, table, pill, ago, when, errorBox, copyField, busy, toast } from '../ui.js';
import { platforms, platformLabel } from '../platforms.js';
import { secretCard } from './connection.js';

const ACTIVITY_WINDOW = 200;
const failed = new Set(['failed', 'rejected', 'unprocessable']);

/** Last delivery and failures in the last 24 h, from the newest activity entries. */
export function deliveryStats(entries) {
  const since = Date.now() - 24 * 3600 * 1000;
  const recent = entries.filter((e) => new Date(e.at) >= since);
  return {
    last: entries[0] ?? null,
    failures: recent.filter((e) => failed.has(e.status) || e.httpStatus >= 500).length,
    // every fetched entry is within 24 h: there may be more than we counted
    capped: entries.length === ACTIVITY_WINDOW && recent.length === entries.length,
  };
}

export async function connectionsScreen({ main }) {
  const list = await api('GET', 'connections');
  list.sort((a, b) => (a.revokedAt ? 1 : 0) - (b.revokedAt ? 1 : 0) || a.name.localeCompare(b.name));
  const stats = await Promise.all(list.map((c) =>
    api('GET', `connections/${seg(c.id)}/activity?top=${ACTIVITY_WINDOW}`).then(deliveryStats, (e) => ({ error: e }))));
  const rows = list.map((c, i) => {
    const s = stats[i];
    return h('tr', { 'data-connection': c.id },
      h('td', {}, h('a', { href: `#/connections/${seg(c.id)}`, text: c.name })),
      h('td', { text: platformLabel(c.platform) }),
      h('td', {}, s.error ? errorBox(s.error) : s.last ? [h('span', { title: when(s.last.at), text: ago(s.last.at) }), ' ', pill(s.last.status === 'posted' ? 'ok' : failed.has(s.last.status) ? 'bad' : 'neutral', s.last.status)] : h('span', { class: 'muted', text: 'never' })),
      h('td', { class: 'num' }, s.error ? '' : s.failures === 0 ? h('span', { class: 'muted', text: '0' }) : pill('bad', `${s.failures}${s.capped ? '+' : ''}`, 'failed, rejected or unprocessable deliveries in the last 24 hours')),
      h('td', {}, c.revokedAt ? pill('neutral', 'revoked', `revoked ${when(c.revokedAt)}`) : pill('ok', 'live')));
  });
  clear(main,
    h('div', { class: 'title-row' }, h('h1', { text: 'Connections' }), h('a', { class: 'button', href: '#/connect', id: 'connect-store', text: '+ Connect store' })),
    list.length === 0
      ? card('No connections yet', {}, h('p', { text: 'Connect your first store: pick its platform and follow the steps.' }), h('a', { class: 'button', href: '#/connect', text: '+ Connect store' }))
      : table(['Name', 'Platform', 'Last delivery', { text: 'Failures (24 h)', class: 'num' }, 'State'], rows, { id: 'connections' }));
}

export async function connectScreen({ main, go }, platform) {
  if (!platform || !platforms[platform]) {
    clear(main,
      h('h1', { text: 'Connect store' }),
      h('p', { class: 'muted', text: 'Step 1 of 2: which platform is the store on?' }),
      h('ul', { class: 'platforms', role: 'list' }, Object.entries(platforms).map(([id, p]) =>
        h('li', {}, h('a', { class: 'platform', href: `#/connect/${id}`, 'data-platform': id },
          h('strong', { text: p.label }), h('span', { class: 'muted', text: p.blurb }))))),
      h('p', {}, h('a', { href: '#/connections', text: '← Back to connections' })));
    return;
  }
  const p = platforms[platform];
  const fields = [{ name: 'name', label: 'Display name', required: true, hint: 'Anything: "My main store", "acme-shop.com".' }, ...p.fields];
  const inputs = {};
  const message = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', id: 'save-connection', text: 'Save' });
  const form = h('form', { class: 'card', id: 'connect-form' },
    h('h2', { text: `Connect a ${p.label} store` }),
    h('ol', { class: 'steps' }, p.before.map((s) => h('li', { text: s }))),
    fields.map((f) => {
      const id = `field-${f.name}`;
      const input = f.type === 'select'
        ? h('select', { id, name: f.name }, f.options.map(([v, label]) => h('option', { value: v, text: label })))
        : h('input', { id, name: f.name, type: f.secret ? 'password' : 'text', required: f.required, autocomplete: 'off', spellcheck: 'false' });
      inputs[f.name] = input;
      return h('div', { class: 'field' }, h('label', { for: id, text: f.label }), input, f.hint && h('small', { class: 'muted', text: f.hint }));
    }),
    message,
    h('div', { class: 'actions' }, h('a', { href: '#/connect', class: 'button secondary', text: '← Other platform' }), save));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    busy(save, async () => {
      const body = { platform };
      for (const [k, input] of Object.entries(inputs)) if (input.value.trim()) body[k] = input.value.trim();
      try {
        const created = await api('POST', 'connections', body);
        createdScreen(main, created, go);
      } catch (err) { message.textContent = err.message; }
    });
  });
  clear(main, h('h1', { text: 'Connect store' }), h('p', { class: 'muted', text: `Step 2 of 2: ${p.label}` }), form);
  inputs.name.focus();
}

/** Shown once, right after creation: the URL and secret are never readable again. */
function createdScreen(main, created, go) {
  const p = platforms[created.platform];
  clear(main,
    h('h1', { text: `${created.name} is connected` }),
    card('Webhook URL', { id: 'created' },
      h('p', { class: 'warning', role: 'note', text: created.signingSecret
        ? 'Copy the signing secret now: it is shown only this once. Share it with your developer over a secure channel, like a password.'
        : ['shopify', 'woocommerce', 'selldone'].includes(created.platform)
          ? 'Copy the delivery URL now: it carries a secret token and is shown only this once (only its hash is kept). Treat it like a password.'
          : 'Paste the delivery URL into the shop.' }),
      copyField('Delivery URL', created.deliveryUrl, 'created-url'),
      created.productDeliveryUrl && copyField('Product delivery URL', created.productDeliveryUrl, 'created-product-url'),
      created.signingSecret && copyField('Signing secret', created.signingSecret, 'created-secret')),
    card('Next steps', {}, h('ol', { class: 'steps' }, p.after.map((s) => h('li', { text: s })))),
    p.secret && created.platform !== 'bookto' && created.platform !== 'jumpseller' ? secretCard({ id: created.id, platform: created.platform, hasWebhookSecret: false }, () => toast('Secret stored.')) : null,
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'open-connection', text: 'I have copied them: open the connection', onclick: () => go(`#/connections/${seg(created.id)}`) })));
  main.querySelector('#created-url').focus();
}
