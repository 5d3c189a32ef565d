// A connection's page, as the Booksmor guide lays it out: Webhook URL, Sample code, Download an SDK, Verify setup,
// Payload schema, Recent activity, SKU mapping, the platform's secret, rotate and revoke.
import { api, seg, ApiError } from '../api.js';
import { h, clear, card, table, pill, statusKind, when, errorBox, copyField, copyButton, busy, toast, confirmDialog, meta } from '../ui.js';
import { platforms, platformLabel } from '../platforms.js';
import { snippetTabs, sdks } from '../snippets.js';

const REFRESH_MS = 3000;

export async function connectionScreen({ main, onLeave }, id) {
  const c = await api('GET', `connections/${seg(id)}`);
  const p = platforms[c.platform] ?? { label: c.platform, after: [], headers: [] };
  const live = !c.revokedAt;
  const custom = c.platform === 'custom';
  // A delivery that posts can leave a new unmapped SKU: the SKU card follows Recent activity.
  const sku = skuCard(c);
  const activity = activityCard(c, onLeave, sku.reload);
  clear(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/connections', text: '← Connections' })),
    h('div', { class: 'title-row' }, h('h1', { id: 'connection-name', text: c.name }),
      h('span', {}, pill('neutral', platformLabel(c.platform)), ' ', live ? pill('ok', 'live') : pill('bad', 'revoked', `revoked ${when(c.revokedAt)}`))),
    h('div', { class: 'grid' },
      webhookCard(c, live),
      custom && live ? sampleCodeCard(c) : null,
      custom ? sdkCard() : null,
      live ? verifyCard(c, activity.refresh) : null,
      live && p.secret ? secretCard(c, () => toast('Secret stored.')) : null,
      activity.element,
      sku.element,
      schemaCard(c.platform),
      live ? revokeCard(c) : null));
  activity.refresh();
}

function graceText() {
  const seconds = Number(meta('connectors-rotation-grace-seconds')) || 86400;
  const hours = seconds / 3600;
  const span = hours >= 1 ? `${new Intl.NumberFormat().format(hours)} hour${hours === 1 ? '' : 's'}` : `${Math.round(seconds / 60)} minutes`;
  return { seconds, span };
}

function webhookCard(c, live) {
  const custom = c.platform === 'custom';
  const { span } = graceText();
  const rotated = h('div', { id: 'rotated' });
  const rotate = h('button', { type: 'button', class: 'secondary', id: 'rotate', text: custom ? 'Rotate signing secret' : 'Rotate URL' });
  rotate.addEventListener('click', async () => {
    const what = custom ? 'signing secret' : 'delivery URL';
    if (!await confirmDialog(`Rotate the ${what}?`, `A new ${what} is issued; the old one keeps working for ${span}, then stops. Update the shop before then.`, 'Rotate')) return;
    await busy(rotate, async () => {
      try {
        const r = await api('POST', `connections/${seg(c.id)}/rotate`);
        const until = new Date(Date.now() + graceText().seconds * 1000);
        clear(rotated,
          h('p', { class: 'warning', role: 'note', id: 'rotated-note', text: `New ${what} issued: shown only now. The old one keeps working for ${span} (until about ${when(until.toISOString())}); put the new one in the shop before then.` }),
          r.signingSecret ? copyField('New signing secret', r.signingSecret, 'rotated-secret') : null,
          !custom && r.deliveryUrl ? copyField('New delivery URL', r.deliveryUrl, 'rotated-url') : null,
          r.productDeliveryUrl ? copyField('New product delivery URL', r.productDeliveryUrl, 'rotated-product-url') : null);
        rotated.querySelector('input')?.focus();
      } catch (e) { clear(rotated, errorBox(e)); }
    });
  });
  const rotatable = custom || ['shopify', 'woocommerce', 'selldone'].includes(c.platform);
  return card('Webhook URL', { id: 'webhook-card' },
    c.deliveryUrl
      ? copyField('Delivery URL', c.deliveryUrl, 'delivery-url')
      : h('p', { text: 'The delivery URL carries a secret token: it was shown once, when the connection was created (only its hash is kept). Rotate to get a new one.' }),
    custom ? h('p', { class: 'muted', text: 'Signing secret: shown once at creation and never again. Lost or leaked? Rotate it.' }) : null,
    c.platform === 'jumpseller' ? h('p', { class: 'muted', text: `Store code: ${c.storeCode}` }) : null,
    live && rotatable ? [h('p', { class: 'muted', text: `After a rotation the old ${custom ? 'secret' : 'URL'} keeps working for ${span} (the RotationGrace setting), so deliveries in flight are not lost.` }), h('div', { class: 'actions' }, rotate), rotated] : null);
}

function sampleCodeCard(c) {
  const panel = h('pre', { class: 'code', id: 'snippet', role: 'tabpanel', tabindex: '0' });
  const code = h('code', {});
  panel.append(code);
  const tabs = snippetTabs.map((t) => h('button', { type: 'button', role: 'tab', id: `tab-${t.id}`, 'data-tab': t.id, 'aria-controls': 'snippet', text: t.label }));
  let current = 'python';
  const show = (id) => {
    current = id;
    for (const b of tabs) {
      const on = b.dataset.tab === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${id}`);
    code.textContent = snippetTabs.find((t) => t.id === id).code(c.deliveryUrl);
  };
  const list = h('div', { role: 'tablist', class: 'tabs', 'aria-label': 'Language' }, tabs);
  list.addEventListener('click', (e) => { const b = e.target.closest('[role=tab]'); if (b) show(b.dataset.tab); });
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const i = snippetTabs.findIndex((t) => t.id === current);
    const next = snippetTabs[(i + (e.key === 'ArrowRight' ? 1 : snippetTabs.length - 1)) % snippetTabs.length].id;
    show(next);
    tabs.find((b) => b.dataset.tab === next).focus();
  });
  show(current);
  const copy = copyButton(() => code.textContent, 'Copy code', code);
  copy.id = 'copy-snippet';
  return card('Sample code', { id: 'sample-code', class: 'card wide' },
    h('p', { class: 'muted', text: 'Ready to paste, standard library only: replace PASTE_SIGNING_SECRET_HERE with the signing secret and call it from your order-creation code. The signature is over the exact bytes sent.' }),
    list, panel, h('div', { class: 'actions' }, copy));
}

function sdkCard() {
  return card('Download an SDK', { id: 'sdk-card' },
    h('p', { class: 'muted', text: 'send_order, send_update and send_refund with signing and retries; no dependencies. Unzip into your project and read its README.' }),
    h('ul', { class: 'downloads', role: 'list' }, sdks.map((s) =>
      h('li', {}, h('a', { class: 'button secondary', href: `sdk/${s.id}.zip`, download: `connectors-${s.id}.zip`, 'data-sdk': s.id, text: `↓ ${s.label} (.zip)` })))));
}

/** Where the page keeps the last test order it sent per connection (for the tab's life, like the key). */
const testOrderKey = (id) => `connectors.testOrder.${id}`;

function verifyCard(c, refreshActivity) {
  const p = platforms[c.platform];
  if (c.platform !== 'custom')
    return card('Verify setup', { id: 'verify-card' }, h('p', { text: p?.test ?? 'Trigger a delivery from the shop: it shows in Recent activity within seconds.' }));
  // order.updated and order.refunded act on the last test order sent from here: one more unit (a debit note), one unit
  // back (a credit note), both in the TEST series.
  const events = [['order.created', 'a new test order'], ['order.updated', 'one more unit'], ['order.refunded', 'one unit back']];
  const followUps = events.slice(1).map(([e]) => e);
  const select = h('select', { id: 'test-event-type', 'aria-describedby': 'test-event-why' },
    events.map(([e, what]) => h('option', { value: e, text: `${e} (${what})` })));
  const why = h('small', { id: 'test-event-why', class: 'muted' });
  let lastOrder = sessionStorage.getItem(testOrderKey(c.id));
  const remember = (externalId) => {
    lastOrder = externalId;
    if (externalId) sessionStorage.setItem(testOrderKey(c.id), externalId);
    for (const o of select.options) if (followUps.includes(o.value)) o.disabled = !lastOrder;
    if (!lastOrder && followUps.includes(select.value)) select.value = 'order.created';
    why.textContent = lastOrder
      ? `order.updated and order.refunded act on test order ${lastOrder}, the last one sent from here.`
      : 'order.updated and order.refunded are off until a test order was sent: send order.created first, they act on it.';
  };
  remember(lastOrder);
  const result = h('span', { id: 'verify-result', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', id: 'send-test-event', text: 'Send test event' });
  send.addEventListener('click', () => busy(send, async () => {
    clear(result, pill('neutral', 'sending…'));
    const event = select.value;
    try {
      const r = await api('POST', `connections/${seg(c.id)}/test-event`, followUps.includes(event) ? { event, externalId: lastOrder } : { event });
      let answer = null;
      try { answer = JSON.parse(r.answer ?? ''); } catch { answer = null; }
      const ok = r.httpStatus >= 200 && r.httpStatus < 300;
      const vouchers = (answer?.vouchers ?? []).join(', ');
      const detail = ok ? `${event} ${r.externalId}: ${answer?.status ?? ''}${vouchers ? ` ${vouchers}` : ''}` : answer?.error ?? r.answer ?? '';
      if (ok && event === 'order.created') remember(r.externalId);
      // Green means posted (the seed's "200: voucher posted"); accepted but still posting, held or stale is neutral.
      const kind = !ok ? 'bad' : answer?.status === 'posted' ? 'ok' : 'neutral';
      clear(result, pill(kind, `${r.httpStatus} in ${r.ms} ms`, detail), ' ',
        h('span', { class: ok ? 'muted' : 'error', id: 'verify-detail', text: ok ? `${event} of test order ${r.externalId} (TEST series)${vouchers ? `: ${vouchers}` : ''}` : detail }));
      result.firstChild.id = 'verify-pill';
      refreshActivity();
    } catch (e) {
      clear(result, pill('bad', e.status ? `${e.status}` : 'no answer', e.message), ' ', h('span', { class: 'error', id: 'verify-detail', text: e.message }));
      result.firstChild.id = 'verify-pill';
    }
  }));
  return card('Verify setup', { id: 'verify-card' },
    h('p', { class: 'muted', text: 'Sends a synthetic event, signed with this connection\'s secret, through the same URL your code posts to, and waits for it to post. It posts in the TEST series.' }),
    h('div', { class: 'field inline' }, h('label', { for: 'test-event-type', text: 'Event' }), select, send),
    h('p', {}, why),
    h('p', {}, result));
}

/** The platform's own secret (write-only): Shopify's signing key, WooCommerce's secret, Jumpseller's hooks token, bookto's signing secret. */
export function secretCard(c, saved) {
  const s = platforms[c.platform].secret;
  const input = h('input', { id: 'platform-secret', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const state = h('p', { id: 'platform-secret-state', class: 'muted', text: c.hasWebhookSecret ? 'A secret is stored (write-only: it is never shown).' : 'No secret stored yet: only the URL authenticates deliveries.' });
  const message = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', text: 'Store secret' });
  const form = h('form', {},
    h('div', { class: 'field' }, h('label', { for: 'platform-secret', text: s.label }), input, h('small', { class: 'muted', text: `From ${s.where}.` })),
    s.generate ? h('button', { type: 'button', class: 'secondary', text: 'Generate one to paste into the shop', onclick: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      input.type = 'text';
      input.value = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      input.select();
    } }) : null,
    message, h('div', { class: 'actions' }, save));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!input.value.trim()) { message.textContent = `Paste the ${s.label} first.`; return; }
    busy(save, async () => {
      try {
        await api('PUT', `connections/${seg(c.id)}`, { [s.field]: input.value.trim() });
        input.value = '';
        input.type = 'password';
        message.textContent = '';
        state.textContent = 'A secret is stored (write-only: it is never shown).';
        saved();
      } catch (err) { message.textContent = err.message; }
    });
  });
  return card('Platform secret', { id: 'secret-card' }, state, form);
}

function schemaCard(platform) {
  const p = platforms[platform];
  if (!p) return null;
  return card('Payload schema', { id: 'schema-card', class: 'card wide' },
    h('details', {}, h('summary', { text: 'Headers, events, fields and answers' }),
      h('h3', { text: 'Headers' }), table(['Header', 'Value'], p.headers.map(([k, v]) => h('tr', {}, h('td', { class: 'mono', text: k }), h('td', { text: v })))),
      p.events ? p.events.map((e) => [h('h3', { class: 'mono', text: e.name }),
        table(['Field', 'Type', 'Meaning'], e.fields.map(([f, t, m]) => h('tr', {}, h('td', { class: 'mono', text: f }), h('td', { text: t }), h('td', { text: m }))))]) : null,
      p.topics ? [h('h3', { text: 'What each event becomes' }), table(['Event', 'In the books'], p.topics.map(([t, b]) => h('tr', {}, h('td', { class: 'mono', text: t }), h('td', { text: b }))))] : null,
      h('h3', { text: 'Answers' }),
      p.responses
        ? table(['HTTP', 'Meaning', 'What to do'], p.responses.map(([c, m, d]) => h('tr', {}, h('td', { text: c }), h('td', { text: m }), h('td', { text: d }))))
        : table(['HTTP', 'Meaning'], p.answers.map(([c, m]) => h('tr', {}, h('td', { text: c }), h('td', { text: m }))))));
}

const replayable = (e) => e.rawBlob && !['posted', 'accepted', 'duplicate'].includes(e.status);

/** @param onChange called when the entries shown change after the first render (a delivery arrived or posted). */
function activityCard(c, onLeave, onChange) {
  const body = h('div', { id: 'activity' });
  const refreshButton = h('button', { type: 'button', class: 'secondary', text: 'Refresh' });
  let last = '';
  let rendered = false;
  let timer = 0;
  const refresh = async () => {
    clearTimeout(timer);
    try {
      const entries = await api('GET', `connections/${seg(c.id)}/activity?top=50`);
      const text = JSON.stringify(entries);
      if (text !== last) {
        last = text;
        clear(body, entries.length === 0
          ? h('p', { class: 'muted', text: 'Nothing received yet. Deliveries show here within seconds.' })
          : table(['When', 'Event', 'Order', 'HTTP', 'Status', 'Reason', 'Vouchers', ''], entries.map((e) => activityRow(c, e, refresh)), { class: 'activity' }));
        if (rendered) onChange?.();
        rendered = true;
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) clear(body, errorBox(e));
      last = '';
    }
    if (document.body.contains(body)) timer = setTimeout(refresh, REFRESH_MS);
  };
  refreshButton.addEventListener('click', refresh);
  onLeave(() => clearTimeout(timer));
  const element = card('Recent activity', { id: 'activity-card', class: 'card wide' },
    h('div', { class: 'title-row' }, h('p', { class: 'muted', text: 'Newest first; refreshed every few seconds.' }), refreshButton), body);
  return { element, refresh };
}

function activityRow(c, e, refresh) {
  const vouchers = (e.vouchers ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  const replay = replayable(e) ? h('button', { type: 'button', class: 'secondary small', text: 'Replay', 'aria-label': `Replay ${e.event ?? ''} ${e.externalId ?? ''}` }) : null;
  replay?.addEventListener('click', () => busy(replay, async () => {
    try {
      const r = await api('POST', `connections/${seg(c.id)}/activity/${seg(e.key)}/replay`);
      toast(`Replayed: ${r?.status ?? 'done'}${r?.error ? ` (${r.error})` : ''}`);
    } catch (err) { toast(`Replay failed: ${err.message}`); }
    refresh();
  }));
  return h('tr', { 'data-key': e.key, 'data-external-id': e.externalId ?? '', 'data-status': e.status },
    h('td', { text: when(e.at) }),
    h('td', { class: 'mono', text: e.event ?? '' }),
    h('td', { class: 'mono', text: e.externalId ?? '' }),
    h('td', { class: 'num', text: e.httpStatus || '' }),
    h('td', {}, pill(statusKind(e.status), e.status, e.reason ?? undefined)),
    h('td', { class: 'reason', text: e.reason ?? '' }),
    h('td', {}, vouchers.map((v) => h('a', { class: 'voucher-link mono', href: `#/vouchers/${seg(v)}`, text: v }))),
    h('td', {}, replay));
}

function skuCard(c) {
  const body = h('div', { id: 'sku-map' });
  const count = h('span', { id: 'unmapped-count', class: 'count', text: '…' });
  const datalist = h('datalist', { id: 'item-skus' });
  const anySku = h('input', { id: 'any-sku', type: 'text', placeholder: 'external SKU', spellcheck: 'false', 'aria-label': 'External SKU' });
  const anyItem = h('input', { id: 'any-item', type: 'text', list: 'item-skus', placeholder: 'item SKU', spellcheck: 'false', 'aria-label': 'Item SKU' });
  const anyButton = h('button', { type: 'submit', class: 'secondary', text: 'Map' });
  const anyForm = h('form', { class: 'inline-form', hidden: true }, anySku, ' → ', anyItem, anyButton);
  const filters = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Filter' },
    h('button', { type: 'button', id: 'filter-unmapped', 'aria-pressed': 'true' }, 'Unmapped ', count),
    h('button', { type: 'button', id: 'filter-any', 'aria-pressed': 'false', text: 'Map any SKU' }));
  filters.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    const unmapped = b.id === 'filter-unmapped';
    filters.children[0].setAttribute('aria-pressed', String(unmapped));
    filters.children[1].setAttribute('aria-pressed', String(!unmapped));
    body.hidden = !unmapped;
    anyForm.hidden = unmapped;
  });
  const map = async (externalSku, itemSku) => {
    await api('PUT', `connections/${seg(c.id)}/sku-map/${seg(externalSku)}`, { itemSku });
    toast(`Mapped ${externalSku} → ${itemSku}`);
    await load();
  };
  anyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(anyButton, async () => {
      try { await map(anySku.value.trim(), anyItem.value.trim()); anySku.value = ''; anyItem.value = ''; } catch (err) { toast(err.message); }
    });
  });
  const load = async () => {
    try {
      const [unmapped, items] = await Promise.all([api('GET', `connections/${seg(c.id)}/unmapped`), api('GET', 'items')]);
      clear(datalist, items.map((i) => h('option', { value: i.sku, text: i.name })));
      count.textContent = `(${unmapped.length})`;
      clear(body, unmapped.length === 0
        ? h('p', { class: 'muted', text: 'No unmapped SKU: every SKU this shop sent so far maps to an item.' })
        : table(['External SKU', { text: 'Events', class: 'num' }, 'Map to item'], unmapped.map((u, i) => {
          const input = h('input', { type: 'text', list: 'item-skus', id: `map-${i}`, 'aria-label': `Item for ${u.sku}`, spellcheck: 'false' });
          const button = h('button', { type: 'button', class: 'secondary small', text: 'Map' });
          const row = h('tr', { 'data-sku': u.sku }, h('td', { class: 'mono', text: u.sku }), h('td', { class: 'num', text: u.count }),
            h('td', {}, h('div', { class: 'inline-form' }, input, button)));
          const go = () => busy(button, async () => {
            if (!input.value.trim()) { input.focus(); return; }
            try { await map(u.sku, input.value.trim()); } catch (err) { toast(err.message); }
          });
          button.addEventListener('click', go);
          input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); go(); } });
          return row;
        })),
        items.length === 0 ? h('p', { class: 'muted' }, 'No items yet: ', h('a', { href: '#/items', text: 'add items' }), ' to map to.') : null);
    } catch (e) { clear(body, errorBox(e)); }
  };
  load();
  const element = card('SKU mapping', { id: 'sku-card', class: 'card wide' },
    h('p', { class: 'muted', text: 'Unmapped SKUs still post (the line says "Unmapped SKU …") but move no stock. Map each to an item; an item with the same SKU maps itself.' }),
    filters, datalist, body, anyForm);
  // Not while someone is typing a mapping: a reload would throw their input away.
  const reload = () => { if (![...element.querySelectorAll('input')].some((i) => i.value || i === document.activeElement)) load(); };
  return { element, reload };
}

function revokeCard(c) {
  const button = h('button', { type: 'button', class: 'danger', id: 'revoke', text: 'Revoke connection' });
  button.addEventListener('click', async () => {
    if (!await confirmDialog(`Revoke ${c.name}?`, 'Deliveries to its URL are refused (404) from now on. Its vouchers and activity stay. This cannot be undone: connect the store again for a new URL.', 'Revoke')) return;
    await busy(button, async () => {
      try {
        await api('DELETE', `connections/${seg(c.id)}`);
        toast(`${c.name} revoked.`);
        location.hash = '#/connections';
      } catch (e) { toast(e.message); }
    });
  });
  return card('Revoke', { id: 'revoke-card' }, h('p', { class: 'muted', text: 'Stops accepting deliveries for this connection.' }), button);
}
