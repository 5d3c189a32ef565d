// The books: items and stock, vouchers (by connection and order; one voucher with lines, taxes and journal,
// printable), the trial balance and the poison queue.
import { api, seg } from '../api.js';
import { h, clear, card, table, pill, money, number, errorBox, busy, toast } from '../ui.js';

export async function itemsScreen({ main }) {
  const list = h('div', { id: 'items' });
  const load = async () => {
    const items = await api('GET', 'items');
    clear(list, items.length === 0 ? h('p', { class: 'muted', text: 'No items yet.' })
      : table(['SKU', 'Name', { text: 'Price', class: 'num' }, { text: 'Stock', class: 'num' }], items.map((i) =>
        h('tr', { 'data-sku': i.sku }, h('td', { class: 'mono', text: i.sku }), h('td', { text: i.name }),
          h('td', { class: 'num', text: i.price == null ? '' : money(i.price) }), h('td', { class: `num${i.stock < 0 ? ' negative' : ''}`, text: number(i.stock) })))));
  };
  const sku = h('input', { id: 'item-sku', required: true, spellcheck: 'false' });
  const name = h('input', { id: 'item-name' });
  const stock = h('input', { id: 'item-stock', type: 'number', step: 'any', inputmode: 'decimal' });
  const message = h('p', { class: 'error', role: 'alert' });
  const save = h('button', { type: 'submit', id: 'save-item', text: 'Save item' });
  const form = h('form', { id: 'item-form' },
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'item-sku', text: 'SKU' }), sku),
      h('div', { class: 'field' }, h('label', { for: 'item-name', text: 'Name' }), name),
      h('div', { class: 'field' }, h('label', { for: 'item-stock', text: 'Stock (sets it)' }), stock)),
    message, h('div', { class: 'actions' }, save));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      const body = {};
      if (name.value.trim()) body.name = name.value.trim();
      if (stock.value !== '') body.stock = Number(stock.value);
      try {
        await api('PUT', `items/${seg(sku.value.trim())}`, body);
        toast(`Item ${sku.value.trim()} saved.`);
        message.textContent = '';
        sku.value = name.value = stock.value = '';
        await load();
      } catch (err) { message.textContent = err.message; }
    });
  });
  await load();
  clear(main, h('h1', { text: 'Items & stock' }), card('Add or update an item', {}, form), card('Items', { class: 'card wide' }, list));
}

const typeLabel = { sales: 'Sales voucher', 'credit-note': 'Credit note', 'debit-note': 'Debit note' };

export async function vouchersScreen({ main, go }, query) {
  const connections = await api('GET', 'connections');
  const select = h('select', { id: 'voucher-connection', required: true }, connections.map((c) => h('option', { value: c.id, text: `${c.name} (${c.platform})`, selected: c.id === query.get('connection') })));
  const order = h('input', { id: 'voucher-order', required: true, value: query.get('order') ?? '', spellcheck: 'false' });
  const results = h('div', { id: 'voucher-list' });
  const find = h('button', { type: 'submit', text: 'Find vouchers' });
  const form = h('form', { id: 'voucher-form' },
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'voucher-connection', text: 'Connection' }), select),
      h('div', { class: 'field' }, h('label', { for: 'voucher-order', text: 'Order id (the shop\'s)' }), order)),
    h('div', { class: 'actions' }, find));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(`#/vouchers?connection=${seg(select.value)}&order=${seg(order.value.trim())}`);
  });
  clear(main, h('h1', { text: 'Vouchers' }),
    card('Find an order\'s vouchers', {}, h('p', { class: 'muted', text: 'Or open one from a connection\'s Recent activity.' }), form),
    card('Vouchers', { class: 'card wide' }, results));
  if (!query.get('connection') || !query.get('order')) { clear(results, h('p', { class: 'muted', text: 'Pick a connection and an order.' })); return; }
  try {
    const vouchers = await api('GET', `vouchers?connection=${seg(query.get('connection'))}&order=${seg(query.get('order'))}`);
    clear(results, table(['Number', 'Type', 'Date', 'Customer', { text: 'Total', class: 'num' }], vouchers.map((v) =>
      h('tr', {}, h('td', {}, h('a', { class: 'mono', href: `#/vouchers/${seg(v.number)}`, text: v.number })), h('td', { text: typeLabel[v.type] ?? v.type }),
        h('td', { text: v.date }), h('td', { text: v.customer ?? '' }), h('td', { class: 'num', text: money(v.totals.total, v.currency || undefined) })))));
  } catch (e) { clear(results, errorBox(e)); }
}

export async function voucherScreen({ main }, voucherNumber) {
  const v = await api('GET', `vouchers/${seg(voucherNumber)}`);
  const cur = v.currency || undefined;
  const m = (x) => money(x, cur);
  const taxes = new Map();
  for (const l of v.lines) for (const t of l.taxes ?? []) {
    const k = `${t.name} ${number(t.rate)} %`;
    taxes.set(k, (taxes.get(k) ?? 0) + Number(t.amount));
  }
  const print = h('button', { type: 'button', class: 'secondary no-print', id: 'print', text: 'Print', onclick: () => window.print() });
  const facts = [
    ['Date', v.date], ['Reference', v.reference], ['Adjusts', v.linkedTo], ['Customer', v.customer],
    ['Place of supply', v.placeOfSupply && `${v.placeOfSupply}${v.placeOfSupplyAssumed ? ' (assumed: home state)' : ''}`],
    ['Supply type', v.supplyType], ['Platform total', v.platformTotal != null ? m(v.platformTotal) : null], ['Note', v.note],
  ].filter(([, x]) => x);
  clear(main,
    h('p', { class: 'crumbs no-print' }, h('a', { href: `#/vouchers?connection=${seg(v.connectionId)}&order=${seg(v.externalId)}`, text: '← This order\'s vouchers' })),
    h('article', { class: 'voucher', id: 'voucher' },
      h('div', { class: 'title-row' }, h('h1', {}, `${typeLabel[v.type] ?? v.type} `, h('span', { class: 'mono', id: 'voucher-number', text: v.number })), h('span', {}, v.isTest ? pill('neutral', 'TEST') : null, ' ', print)),
      h('dl', { class: 'facts' }, facts.map(([k, x]) => [h('dt', { text: k }), h('dd', { text: x })])),
      h('h2', { text: 'Lines' }),
      table(['SKU', 'Description', { text: 'Qty', class: 'num' }, { text: 'Rate', class: 'num' }, { text: 'Taxable', class: 'num' }, 'Taxes', { text: 'Total', class: 'num' }],
        v.lines.map((l) => h('tr', {},
          h('td', { class: 'mono', text: l.sku }), h('td', { text: l.description }), h('td', { class: 'num', text: number(l.quantity) }),
          h('td', { class: 'num', text: m(l.rate) }), h('td', { class: 'num', text: m(l.taxable) }),
          h('td', { text: (l.taxes ?? []).map((t) => `${t.name} ${number(t.rate)} %: ${m(t.amount)}`).join(', ') }),
          h('td', { class: 'num', text: m(Number(l.taxable) + (l.taxes ?? []).reduce((s, t) => s + Number(t.amount), 0)) }))), { id: 'voucher-lines' }),
      h('h2', { text: 'Taxes' }),
      taxes.size === 0 ? h('p', { class: 'muted', text: 'No tax.' }) : table(['Tax', { text: 'Amount', class: 'num' }], [...taxes].map(([k, a]) => h('tr', {}, h('td', { text: k }), h('td', { class: 'num', text: m(a) }))), { id: 'voucher-taxes' }),
      h('table', { class: 'totals', id: 'voucher-totals' }, h('tbody', {},
        h('tr', {}, h('th', { scope: 'row', text: 'Taxable' }), h('td', { class: 'num', text: m(v.totals.taxable) })),
        h('tr', {}, h('th', { scope: 'row', text: 'Tax' }), h('td', { class: 'num', text: m(v.totals.tax) })),
        h('tr', { class: 'grand' }, h('th', { scope: 'row', text: 'Total' }), h('td', { class: 'num', id: 'voucher-total', 'data-amount': v.totals.total, text: m(v.totals.total) })))),
      h('h2', { text: 'Journal' }),
      table(['Account', { text: 'Debit', class: 'num' }, { text: 'Credit', class: 'num' }], v.journal.map((j) =>
        h('tr', {}, h('td', { text: j.account }), h('td', { class: 'num', text: Number(j.debit) ? m(j.debit) : '' }), h('td', { class: 'num', text: Number(j.credit) ? m(j.credit) : '' }))), { id: 'voucher-journal' })));
}

export async function trialBalanceScreen({ main }) {
  const includeTest = h('input', { type: 'checkbox', id: 'include-test' });
  const body = h('div', { id: 'trial-balance' });
  const load = async () => {
    try {
      const tb = await api('GET', `trial-balance${includeTest.checked ? '?includeTest=true' : ''}`);
      clear(body,
        h('p', {}, tb.balanced ? pill('ok', 'Balanced') : pill('bad', 'Not balanced'), ` ${tb.vouchers} voucher${tb.vouchers === 1 ? '' : 's'}`),
        table(['Account', { text: 'Debit', class: 'num' }, { text: 'Credit', class: 'num' }, { text: 'Balance', class: 'num' }], [
          ...tb.accounts.map((a) => h('tr', {}, h('td', { text: a.account }), h('td', { class: 'num', text: money(a.debit) }), h('td', { class: 'num', text: money(a.credit) }), h('td', { class: 'num', text: money(a.balance) }))),
          h('tr', { class: 'grand' }, h('th', { scope: 'row', text: 'Total' }), h('td', { class: 'num', text: money(tb.debit) }), h('td', { class: 'num', text: money(tb.credit) }), h('td', { class: 'num', text: money(tb.debit - tb.credit) })),
        ]));
    } catch (e) { clear(body, errorBox(e)); }
  };
  includeTest.addEventListener('change', load);
  await load();
  clear(main, h('h1', { text: 'Trial balance' }),
    card('All accounts', { class: 'card wide' }, h('div', { class: 'field inline' }, includeTest, h('label', { for: 'include-test', text: 'Include the TEST series' })), body));
}

export async function poisonScreen({ main }) {
  const result = h('p', { id: 'poison-result', 'aria-live': 'polite' });
  const replay = h('button', { type: 'button', id: 'replay-poison', text: 'Replay poison queue' });
  replay.addEventListener('click', () => busy(replay, async () => {
    try {
      const r = await api('POST', 'poison/replay');
      clear(result, r.moved === 0 ? 'The poison queue is empty: nothing to replay.' : `${r.moved} message${r.moved === 1 ? '' : 's'} moved back onto the events queue for another try.`);
    } catch (e) { clear(result, errorBox(e)); }
  }));
  clear(main, h('h1', { text: 'Poison queue' }),
    card('connector-events-poison', {},
      h('p', { text: 'Events whose posting failed five times in a row (e.g. storage down for long) wait here; nothing is lost. Once the cause is fixed, move them back: posting is idempotent, so an event already posted is a harmless duplicate.' }),
      h('div', { class: 'actions' }, replay), result));
}
