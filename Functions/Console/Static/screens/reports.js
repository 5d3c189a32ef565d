// The accountant's reports for a period (GSTR-1, HSN, VAT, registers, stock ledger, trial balance; docs/reports.md), shown
// as tables and downloaded as CSV with the key in the header, and the books audit (200 passed, 409 findings).
import { api, apiBlob, seg, ApiError } from '../api.js';
import { h, clear, card, table, pill, money, number, errorBox, busy, toast } from '../ui.js';

export const reportNames = [
  ['gstr1', 'GSTR-1 (outward supplies)'],
  ['hsn', 'HSN/SAC summary'],
  ['vat', 'VAT books'],
  ['sales-register', 'Sales register'],
  ['note-register', 'Credit and debit note register'],
  ['stock-ledger', 'Stock ledger'],
  ['trial-balance', 'Trial balance of the period'],
];
const reportLabel = Object.fromEntries(reportNames);

// GSTR-1's tables (Form GSTR-1, CGST Rules r.59) in the form's order; the report's rows say theirs in `table`.
const gstTables = [
  ['4A', '4A: B2B invoices'], ['5', '5: B2C large invoices'], ['6A', '6A: Exports'], ['7', '7: B2C others'],
  ['9B', '9B: Credit and debit notes'], ['12', '12: HSN/SAC summary'], ['13', '13: Documents issued'],
];

const labels = {
  table: 'Table', gstin: 'GSTIN', receiver: 'Receiver', number: 'Number', date: 'Date', linkedTo: 'Adjusts', noteType: 'Note',
  placeOfSupply: 'Place of supply', supplyType: 'Supply type', value: 'Value', hsn: 'HSN/SAC', description: 'Description', uqc: 'UQC',
  quantity: 'Quantity', rate: 'Rate', taxable: 'Taxable', igst: 'IGST', cgst: 'CGST', sgst: 'SGST', cess: 'Cess', vat: 'VAT',
  total: 'Total', firstNumber: 'First number', lastNumber: 'Last number', count: 'Count', cancelled: 'Cancelled', type: 'Type',
  reference: 'Reference', customer: 'Customer', buyerTaxId: 'Buyer tax id', country: 'Country', isTest: 'Test', note: 'Why',
  section: 'Section', vouchers: 'Vouchers', item: 'Item', kind: 'Entry', in: 'In', out: 'Out', balance: 'Balance',
  account: 'Account', debit: 'Debit', credit: 'Credit',
};
const typeLabel = { sales: 'Sales voucher', 'credit-note': 'Credit note', 'debit-note': 'Debit note' };
const kindLabel = { opening: 'Opening balance', closing: 'Closing balance', move: 'Movement', count: 'Stock count', product: 'Shop\'s stock level' };
const moneyColumns = new Set(['value', 'taxable', 'igst', 'cgst', 'sgst', 'cess', 'vat', 'total', 'debit', 'credit']);

/** How a column's values read: money in the books' currency, a rate in %, a count or quantity, or text. */
function kindOf(report, column, columns) {
  if (report === 'stock-ledger' && ['in', 'out', 'balance'].includes(column)) return 'quantity';
  if (report === 'trial-balance' && column === 'balance') return 'money';
  if (moneyColumns.has(column)) return 'money';
  // A register has one column per tax the period carries, between taxable and total: an unusual tax name is money too.
  const t = columns.indexOf('taxable');
  const i = columns.indexOf(column);
  if (t >= 0 && i > t && i < columns.indexOf('total')) return 'money';
  if (column === 'rate') return 'rate';
  if (['quantity', 'count', 'cancelled'].includes(column) || (report === 'vat' && column === 'vouchers')) return 'quantity';
  return 'text';
}

const label = (c, names = labels) => names[c] ?? c.toUpperCase();
const empty = (v) => v === null || v === undefined || v === '';

/**
 * Sums decimals exactly: each amount as millionths in a BigInt (amounts have at most a few decimals), so a column adds
 * up to what the server's decimal arithmetic gives, with no binary floating-point drift.
 */
export function decimalSum(values) {
  const numbers = values.filter((v) => !empty(v)).map(Number);
  // Beyond 10^15 a JSON number has lost its cents already: nothing left to keep exact.
  if (numbers.some((n) => !(Math.abs(n) < 1e15))) return numbers.reduce((a, b) => a + b, 0);
  let sum = 0n;
  for (const n of numbers) sum += BigInt(n.toFixed(6).replace('.', ''));
  const negative = sum < 0n;
  const digits = (negative ? -sum : sum).toString().padStart(7, '0');
  return Number(`${negative ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`);
}

function cell(report, column, columns, value) {
  const kind = kindOf(report, column, columns);
  if (empty(value) && column === 'hsn') return h('td', { class: 'muted', text: 'none' });
  if (empty(value)) return h('td', { class: kind === 'text' ? undefined : 'num' });
  if (kind === 'money') return h('td', { class: `num${Number(value) < 0 ? ' negative' : ''}`, 'data-amount': value, text: money(value) });
  if (kind === 'rate') return h('td', { class: 'num', text: `${number(value)} %` });
  if (kind === 'quantity') return h('td', { class: `num${Number(value) < 0 ? ' negative' : ''}`, text: number(value) });
  if (column === 'isTest') return h('td', {}, value ? pill('neutral', 'TEST') : '');
  if (column === 'type') return h('td', { text: typeLabel[value] ?? value });
  if (column === 'kind') return h('td', { text: kindLabel[value] ?? value });
  if (column === 'noteType') return h('td', { text: value === 'C' ? 'Credit' : value === 'D' ? 'Debit' : value });
  if ((column === 'number' || column === 'linkedTo' || column === 'firstNumber' || column === 'lastNumber') && /^T?(SV|CN|DN)\//.test(value))
    return h('td', {}, h('a', { class: 'mono', href: `#/vouchers/${seg(value)}`, text: value }));
  return h('td', { class: ['number', 'gstin', 'buyerTaxId', 'hsn', 'item', 'reference'].includes(column) ? 'mono' : undefined, text: String(value) });
}

/** A totals row: money columns summed, a document's value counted once when rows are per document and rate. */
function totalRow(report, text, rows, columns, perDocument) {
  return h('tr', { class: 'grand' }, columns.map((c, i) => {
    if (i === 0) return h('th', { scope: 'row', text });
    if (kindOf(report, c, columns) !== 'money') return h('td');
    const values = perDocument && c === 'value' ? [...new Map(rows.map((r) => [r.number, r.value])).values()] : rows.map((r) => r[c]);
    return cell(report, c, columns, decimalSum(values));
  }));
}

/** The columns some row fills (a GSTR-1 table uses a few of the report's columns; isTest only with test vouchers), without the ones a heading says. */
const filled = (rows, all, omit = []) => all.filter((c) => !omit.includes(c) && rows.some((r) => !empty(r[c]) && r[c] !== false));

function rowsTable(report, rows, columns, totals, id, names = labels) {
  if (rows.length === 0) return h('p', { class: 'muted', text: 'Nothing in this period.' });
  return table(columns.map((c) => (kindOf(report, c, columns) === 'text' ? label(c, names) : { text: label(c, names), class: 'num' })),
    [...rows.map((r) => h('tr', { 'data-number': r.number ?? undefined, 'data-kind': r.kind ?? undefined, class: r.kind === 'opening' || r.kind === 'closing' ? 'subtotal' : undefined },
      columns.map((c) => cell(report, c, columns, r[c])))), ...totals], { id, 'data-report': report });
}

function gstSections(r, all) {
  const sections = r.report === 'hsn' ? gstTables.filter(([t]) => t === '12') : gstTables;
  return sections.map(([t, title]) => {
    const rows = r.rows.filter((x) => x.table === t);
    // Table 12 keeps its HSN column when no item has a code: the gap is what the accountant must see.
    const columns = t === '12' && rows.length ? all.filter((c) => c === 'hsn' || filled(rows, all, ['table']).includes(c)) : filled(rows, all, ['table']);
    const totals = [];
    // 4A, 5, 6A and 9B are one row per document and rate: a document's value once. 9B and 12 total per kind (credit
    // and debit notes, the B2B and B2C tabs of table 12), as the form does.
    const perDocument = ['4A', '5', '6A', '9B'].includes(t);
    if (rows.length && t === '9B') for (const [k, name] of [['C', 'Credit notes'], ['D', 'Debit notes']]) {
      const part = rows.filter((x) => x.noteType === k);
      if (part.length) totals.push(totalRow(r.report, name, part, columns, true));
    } else if (rows.length && t === '12') for (const k of ['B2B', 'B2C']) {
      const part = rows.filter((x) => x.supplyType === k);
      if (part.length) totals.push(totalRow(r.report, `Total ${k}`, part, columns, false));
    } else if (rows.length && t === '13') {
      totals.push(h('tr', { class: 'grand' }, columns.map((c, i) => (i === 0 ? h('th', { scope: 'row', text: 'Total' })
        : ['count', 'cancelled'].includes(c) ? cell(r.report, c, columns, decimalSum(rows.map((x) => x[c]))) : h('td')))));
    } else if (rows.length) totals.push(totalRow(r.report, 'Total', rows, columns, perDocument));
    const names = t === '13' ? { ...labels, supplyType: 'Nature of document' } : labels;
    return h('section', { class: 'report-section', 'data-table': t }, h('h3', { text: title }), rowsTable(r.report, rows, columns, totals, `gstr1-${t}`, names));
  });
}

function reportBody(r) {
  const all = r.rows.length ? Object.keys(r.rows[0]) : [];
  const s = r.summary ?? {};
  if (r.report === 'gstr1' || r.report === 'hsn') return gstSections(r, all);
  if (r.report === 'vat') {
    return [['rate', 'By VAT rate'], ['country', 'By the buyer\'s country (OSS)']].map(([k, title]) => {
      const rows = r.rows.filter((x) => x.section === k);
      const columns = filled(rows, all, ['section']);
      return h('section', { class: 'report-section', 'data-section': k }, h('h3', { text: title }),
        rowsTable(r.report, rows, columns, rows.length ? [totalRow(r.report, 'Total', rows, columns, false)] : [], `vat-${k}`));
    });
  }
  if (r.report === 'stock-ledger') {
    const skus = [...new Set(r.rows.map((x) => x.item))];
    if (skus.length === 0) return h('p', { class: 'muted', text: 'No items.' });
    return skus.map((sku) => {
      const rows = r.rows.filter((x) => x.item === sku);
      return h('section', { class: 'report-section', 'data-item': sku }, h('h3', { class: 'mono', text: sku }), rowsTable(r.report, rows, filled(rows, all, ['item']), [], undefined));
    });
  }
  const columns = filled(r.rows, all);
  if (r.report === 'sales-register') {
    // The server sums every amount column (credit notes negative): the period's net sales.
    const totals = r.rows.length ? [h('tr', { class: 'grand' }, columns.map((c, i) => (i === 0 ? h('th', { scope: 'row', text: 'Net' })
      : c in s && kindOf(r.report, c, columns) === 'money' ? cell(r.report, c, columns, s[c]) : h('td'))))] : [];
    return [h('p', { class: 'muted', text: `${s.vouchers ?? r.rows.length} voucher${(s.vouchers ?? r.rows.length) === 1 ? '' : 's'}; credit notes count negative.` }),
      rowsTable(r.report, r.rows, columns, totals, 'report-rows')];
  }
  if (r.report === 'note-register') {
    return [h('p', {}, `${s.creditNotes ?? 0} credit note${s.creditNotes === 1 ? '' : 's'}: ${money(s.credited ?? 0)} credited; `,
      `${s.debitNotes ?? 0} debit note${s.debitNotes === 1 ? '' : 's'}: ${money(s.debited ?? 0)} debited.`), rowsTable(r.report, r.rows, columns, [], 'report-rows')];
  }
  if (r.report === 'trial-balance') {
    const totals = r.rows.length ? [h('tr', { class: 'grand' }, h('th', { scope: 'row', text: 'Total' }),
      cell(r.report, 'debit', columns, s.debit), cell(r.report, 'credit', columns, s.credit), cell(r.report, 'balance', columns, decimalSum([s.debit, -s.credit])))] : [];
    return [h('p', {}, s.balanced ? pill('ok', 'Balanced') : pill('bad', 'Not balanced'), ` ${s.vouchers ?? 0} voucher${s.vouchers === 1 ? '' : 's'}`),
      rowsTable(r.report, r.rows, ['account', 'debit', 'credit', 'balance'], totals, 'report-rows')];
  }
  return rowsTable(r.report, r.rows, columns, [], 'report-rows');
}

const pad = (n) => String(n).padStart(2, '0');
const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** Last month in the browser's calendar: what a monthly return is filed for. */
export const lastMonth = (today = new Date()) => [isoDay(new Date(today.getFullYear(), today.getMonth() - 1, 1)), isoDay(new Date(today.getFullYear(), today.getMonth(), 0))];
const thisMonth = (today = new Date()) => [isoDay(new Date(today.getFullYear(), today.getMonth(), 1)), isoDay(today)];

// The reports that take each option (Functions/Reports/ReportsAdmin.cs): the TEST series, one item, the home country.
const optionReports = { includeTest: ['sales-register', 'note-register', 'trial-balance'], item: ['stock-ledger'], home: ['vat'] };
const takes = (report, option) => optionReports[option].includes(report);
/** The options a report was asked with, those it takes only: { includeTest: true, item: 'SKU', home: 'BE' }. */
const chosen = (p) => Object.fromEntries(Object.keys(optionReports).filter((o) => p[o] && takes(p.report, o)).map((o) => [o, p[o]]));
const homePattern = /^[A-Z]{2}$/;

/** The query of a report: the period, then only the options the report takes (includeTest, item, home). */
export function reportQuery(p) {
  return [`from=${seg(p.from)}&to=${seg(p.to)}`, ...Object.entries(chosen(p)).map(([o, v]) => `${o}=${seg(String(v))}`)].join('&');
}

/** What a link (the screen's hash) asks for: the report, its period and its options. */
const fromQuery = (query) => ({
  report: query.get('report'), from: query.get('from') ?? '', to: query.get('to') ?? '',
  includeTest: query.get('includeTest') === 'true', item: query.get('item') ?? '', home: (query.get('home') ?? '').toUpperCase(),
});

const reportPath = (p, csv) => `reports/${seg(p.report)}?${reportQuery(p)}${csv ? '&format=csv' : ''}`;

/** The options a report was shown with, above its table, so a printed or downloaded copy says what it holds. */
function optionNotes(p, r) {
  const notes = [];
  if (takes(p.report, 'includeTest'))
    notes.push(p.includeTest
      ? h('p', { id: 'report-test-note', class: 'warning', role: 'note', text: 'Includes test vouchers (the TEST series: TSV/, TCN/, TDN/, marked TEST): not the books as filed.' })
      : h('p', { id: 'report-test-note', class: 'muted', text: 'Test vouchers left out.' }));
  if (p.report === 'stock-ledger')
    notes.push(h('p', { id: 'report-item-note', class: 'muted', text: p.item ? `Item ${p.item} only.` : 'All items.' }));
  if (p.report === 'vat') {
    const home = r.summary?.home;
    notes.push(h('p', { id: 'report-home-note', class: 'muted', text: home
      ? `Home country ${home}: its sales are domestic and left out of the by-country (OSS) section.`
      : 'No home country given: every buyer\'s country is listed in the by-country (OSS) section.' }));
  }
  return notes;
}

/** Saves the CSV the server answers as a file named after the report and period (the key travels in the header). */
async function downloadCsv(p) {
  const blob = await apiBlob(reportPath(p, true));
  // The file's name says when it holds test vouchers, one item or a home country, as the page's note does.
  const suffix = Object.entries(chosen(p)).map(([o, v]) => `-${(o === 'includeTest' ? 'with-test' : v).replace(/[^A-Za-z0-9_.-]/g, '_')}`).join('');
  const name = `${p.report}-${p.from}-${p.to}${suffix}.csv`;
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

export async function reportsScreen({ main }, query) {
  const [defaultFrom, defaultTo] = lastMonth();
  const select = h('select', { id: 'report-name' }, reportNames.map(([v, text]) => h('option', { value: v, text, selected: v === query.get('report') })));
  const from = h('input', { id: 'report-from', type: 'date', value: query.get('from') ?? defaultFrom });
  const to = h('input', { id: 'report-to', type: 'date', value: query.get('to') ?? defaultTo });
  const asked = fromQuery(query);
  const includeTest = h('input', { id: 'report-include-test', type: 'checkbox', checked: asked.includeTest });
  const testField = h('div', { class: 'field inline', id: 'report-include-test-field' }, includeTest,
    h('label', { for: 'report-include-test', text: 'Include test vouchers' }));
  const item = h('select', { id: 'report-item' }, h('option', { value: '', text: 'All items' }));
  const itemField = h('div', { class: 'field', id: 'report-item-field' }, h('label', { for: 'report-item', text: 'Item' }), item);
  const home = h('input', { id: 'report-home', type: 'text', value: asked.home, maxlength: '2', size: '3', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'BE', 'aria-describedby': 'report-home-hint', class: 'mono' });
  const homeField = h('div', { class: 'field short', id: 'report-home-field' }, h('label', { for: 'report-home', text: 'Home country' }), home,
    h('small', { id: 'report-home-hint', class: 'muted', text: 'ISO 3166 code, 2 letters: its sales are domestic, not OSS. Empty: none.' }));
  // Each option shows only with the reports that take it.
  const shown = () => {
    testField.hidden = !takes(select.value, 'includeTest');
    itemField.hidden = !takes(select.value, 'item');
    homeField.hidden = !takes(select.value, 'home');
  };
  select.addEventListener('change', shown);
  shown();
  const loadItems = async () => {
    try {
      const items = await api('GET', 'items');
      const skus = items.map((i) => i.sku);
      // An item named in the link but not (or no longer) in the list stays chosen: the server answers for it.
      if (asked.item && !skus.includes(asked.item)) items.push({ sku: asked.item, name: '(not in the items list)' });
      item.append(...items.map((i) => h('option', { value: i.sku, text: i.name ? `${i.sku}: ${i.name}` : i.sku, selected: i.sku === asked.item })));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) itemField.append(errorBox(e));
    }
  };
  const message = h('p', { id: 'report-message', class: 'error', role: 'alert' });
  const results = h('div', { id: 'report', 'aria-live': 'polite' });
  const period = (f, t) => () => { from.value = f; to.value = t; };
  const form = h('form', { id: 'report-form', novalidate: true },
    h('div', { class: 'field-row' },
      h('div', { class: 'field' }, h('label', { for: 'report-name', text: 'Report' }), select),
      h('div', { class: 'field' }, h('label', { for: 'report-from', text: 'From' }), from),
      h('div', { class: 'field' }, h('label', { for: 'report-to', text: 'To' }), to)),
    h('div', { class: 'field-row' }, testField, itemField, homeField),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary small', id: 'period-last-month', text: 'Last month', onclick: period(...lastMonth()) }),
      h('button', { type: 'button', class: 'secondary small', id: 'period-this-month', text: 'This month', onclick: period(...thisMonth()) })),
    message, h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'show-report', text: 'Show report' })));

  const invalid = (input, text) => {
    input.setAttribute('aria-invalid', 'true');
    message.textContent = text;
    input.focus();
    return false;
  };
  const valid = () => {
    from.removeAttribute('aria-invalid');
    to.removeAttribute('aria-invalid');
    home.removeAttribute('aria-invalid');
    message.textContent = '';
    if (!from.value) return invalid(from, 'From is required: pick the first day of the period.');
    if (!to.value) return invalid(to, 'To is required: pick the last day of the period.');
    if (to.value < from.value) return invalid(to, `To (${to.value}) is before From (${from.value}): pick a To on or after the From date.`);
    home.value = home.value.trim().toUpperCase();
    if (takes(select.value, 'home') && home.value && !homePattern.test(home.value))
      return invalid(home, `Home country '${home.value}' is not a country code: type its 2 letters A-Z (BE, DE, FR), or leave it empty.`);
    return true;
  };

  const show = async (p) => {
    clear(results, h('p', { class: 'muted', text: 'Loading…' }));
    try {
      const r = await api('GET', reportPath(p));
      const status = h('div', { id: 'download-status' });
      const download = h('button', { type: 'button', class: 'secondary', id: 'download-csv', text: 'Download CSV' });
      download.addEventListener('click', () => busy(download, async () => {
        clear(status);
        try { toast(`${await downloadCsv(p)} saved.`); } catch (e) { clear(status, errorBox(e)); }
      }));
      clear(results,
        h('div', { class: 'title-row' }, h('h2', { id: 'report-title', text: `${reportLabel[r.report] ?? r.report}, ${r.from} to ${r.to}` }), download),
        status, optionNotes(p, r), reportBody(r));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return;
      clear(results, errorBox(e));
    }
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!valid()) return;
    const p = { report: select.value, from: from.value, to: to.value, includeTest: includeTest.checked, item: item.value, home: home.value };
    // The hash keeps the report and its options linkable; replaceState fires no hashchange, so the form stays as it is.
    history.replaceState(null, '', `#/reports?report=${seg(p.report)}&${reportQuery(p)}`);
    show(p);
  });

  clear(main, h('h1', { text: 'Reports' }),
    card('Report and period', {}, h('p', { class: 'muted', text: 'Vouchers count in the period they are dated in; test vouchers are left out unless you include them (registers and trial balance). Dates are inclusive.' }), form),
    h('section', { class: 'card wide', 'aria-label': 'Report' }, results));
  // A report named in the link is asked for as it stands: the server says what is wrong with a bad period.
  const items = loadItems();
  if (asked.report) await show(asked);
  else clear(results, h('p', { class: 'muted', text: 'Pick a report and a period (last month by default).' }));
  await items;
}

export async function booksAuditScreen({ main }) {
  const result = h('div', { id: 'books-audit', 'aria-live': 'polite' });
  const run = h('button', { type: 'button', id: 'run-books-audit', text: 'Run the books audit' });
  const render = (a) => {
    const failed = a.checks.filter((c) => !c.passed).length;
    clear(result,
      h('p', { id: 'books-audit-verdict' }, a.passed ? pill('ok', `All ${a.checks.length} checks passed`) : pill('bad', `${failed} of ${a.checks.length} checks failed`),
        ` at ${new Date().toLocaleTimeString()}`),
      table(['Check', 'Result', 'What it covered', 'Offenders (the first ten)'], a.checks.map((c) =>
        h('tr', { 'data-check': c.name, 'data-passed': String(c.passed) },
          h('td', { text: c.name }),
          h('td', {}, c.passed ? pill('ok', 'Passed') : pill('bad', 'Failed')),
          h('td', { text: c.detail }),
          h('td', { class: 'reason' }, c.offenders.length === 0 ? '' : h('ul', { class: 'offenders' }, c.offenders.map((o) => h('li', { class: 'mono', text: o })))))),
      { id: 'books-audit-checks' }));
  };
  run.addEventListener('click', () => busy(run, async () => {
    clear(result, h('p', { class: 'muted', text: 'Reading every voucher, item, order, receipt and activity entry…' }));
    try { render(await api('GET', 'audit-books')); } catch (e) {
      // 409 is the audit's answer when a check fails: findings to show, not an error of the page.
      if (e instanceof ApiError && e.status === 409 && Array.isArray(e.body?.checks)) render(e.body);
      else if (!(e instanceof ApiError && e.status === 401)) clear(result, errorBox(e));
    }
  }));
  clear(main, h('h1', { text: 'Books audit' }),
    card('Prove the books whole', { class: 'card wide' },
      h('p', { text: 'Checks that every voucher balances, the trial balance is zero, numbers are gapless, every voucher is in the period index, each item\'s stock equals its opening plus its movements, no accepted event is lost, no order has two sales and every order\'s net matches its latest snapshot.' }),
      h('p', { class: 'muted', text: 'It reads all the books: on large books, run it off-peak.' }),
      h('div', { class: 'actions' }, run), result));
}
