// Small DOM helpers: elements are built with text nodes (never innerHTML with data), handlers with addEventListener,
// so the page runs under a CSP without 'unsafe-inline'.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';

/** The books' currency, as the server wrote it into the page. */
export const booksCurrency = () => {
  const c = meta('connectors-books-currency');
  return /^[A-Z]{3}$/.test(c) ? c : 'INR';
};

export function money(amount, currency = booksCurrency()) {
  if (amount === null || amount === undefined || amount === '') return '';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(amount));
}

export const number = (n, digits = 6) => new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(Number(n));

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso)) / 1000);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (s < 60) return rtf.format(-s, 'second');
  if (s < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (s < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}

export function card(title, attrs, ...children) {
  return h('section', { class: 'card', ...attrs }, h('h2', { text: title }), ...children);
}

export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', attrs,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.class, text: x.text ?? x })))),
      h('tbody', {}, rows)));
}

export function pill(kind, text, title) {
  return h('span', { class: `pill pill-${kind}`, title, text });
}

const good = new Set(['posted', 'accepted', 'recorded', 'ping']);
const bad = new Set(['failed', 'rejected', 'unprocessable']);
export const statusKind = (s) => (good.has(s) ? 'ok' : bad.has(s) ? 'bad' : 'neutral');

export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => t.classList.remove('show'), 3500);
}

export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert', text: e?.message ?? String(e) });
}

/** A copy button for what getText() returns; falls back to selecting the text when the clipboard is refused. */
export function copyButton(getText, label = 'Copy', selectTarget) {
  const b = h('button', { type: 'button', class: 'secondary copy', text: label });
  b.addEventListener('click', async () => {
    const text = getText();
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied ✓';
    } catch {
      if (selectTarget) {
        const range = document.createRange();
        range.selectNodeContents(selectTarget);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        document.execCommand('copy');
      }
      b.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { b.textContent = label; }, 2500);
  });
  return b;
}

/** A read-only field with a copy button. */
export function copyField(label, value, id) {
  const input = h('input', { id, type: 'text', readonly: true, value, class: 'mono', 'aria-label': label, spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), h('div', { class: 'copy-row' }, input, copyButton(() => input.value, 'Copy', input)));
}

/** Disables the button while work() runs. */
export async function busy(button, work) {
  button.disabled = true;
  try { return await work(); } finally { button.disabled = false; }
}

/** A modal confirmation (a <dialog>): resolves true when the user confirms. */
export function confirmDialog(title, message, confirmLabel) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'danger', text: confirmLabel });
    const cancel = h('button', { type: 'button', class: 'secondary', text: 'Cancel' });
    const dialog = h('dialog', { 'aria-labelledby': 'dialog-title' }, h('h2', { id: 'dialog-title', text: title }), h('p', { text: message }), h('div', { class: 'actions' }, cancel, ok));
    const done = (v) => { dialog.close(); dialog.remove(); resolve(v); };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
