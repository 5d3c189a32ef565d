// The audit log: the admin actions, newest first (GET audit?limit&after; docs/admin-api.md#audit-log), a page at a time.
// The page is in the hash (#/audit?after=KEY), so "Older" is a link and the browser's Back returns to the newer page.
import { api, seg } from '../api.js';
import { h, clear, card, table } from '../ui.js';

// To the second: two clicks in the same minute stay apart.
const at = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const pageSize = (query) => {
  const n = Number(query.get('limit'));
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : 50;
};

/** A target as a link where it names a connection (connection.*, sku-map.set and activity.replay start with its id). */
function target(entry, names) {
  const id = entry.action.startsWith('connection.') ? entry.target
    : ['sku-map.set', 'activity.replay'].includes(entry.action) ? entry.target.split('/')[0] : null;
  if (!id) return h('td', { class: 'mono', text: entry.target });
  return h('td', {}, h('a', { href: `#/connections/${seg(id)}`, text: names.get(id) ?? id }),
    entry.target.length > id.length ? h('span', { class: 'mono', text: entry.target.slice(id.length) }) : null,
    names.has(id) ? h('div', { class: 'muted mono sub', text: id }) : null);
}

export async function auditLogScreen({ main }, query) {
  const limit = pageSize(query);
  const after = query.get('after');
  const [page, connections] = await Promise.all([
    api('GET', `audit?limit=${limit}${after ? `&after=${seg(after)}` : ''}`),
    api('GET', 'connections').catch(() => []),
  ]);
  const names = new Map(connections.map((c) => [c.id, c.name]));
  const keep = limit === 50 ? '' : `limit=${limit}&`;
  const nav = h('div', { class: 'actions' },
    after ? h('a', { class: 'button secondary', id: 'audit-newest', href: `#/audit${keep ? `?${keep.slice(0, -1)}` : ''}`, text: '← Newest' }) : null,
    page.next ? h('a', { class: 'button secondary', id: 'audit-older', href: `#/audit?${keep}after=${seg(page.next)}`, text: 'Older →' }) : null);
  const list = page.entries.length === 0
    ? h('p', { class: 'muted', text: after ? 'No older entries.' : 'No admin action yet.' })
    : table(['Time', 'Action', 'Target', 'Credential', 'Detail'], page.entries.map((e) =>
      h('tr', { 'data-key': e.key, 'data-action': e.action },
        h('td', { title: e.at }, h('time', { datetime: e.at, text: at(e.at) })),
        h('td', { class: 'mono', text: e.action }),
        target(e, names),
        h('td', { text: e.credential }),
        h('td', { class: 'reason', text: e.detail ?? '' }))), { id: 'audit-log' });
  clear(main, h('h1', { text: 'Audit log' }),
    card(after ? 'Older admin actions' : 'Admin actions, newest first', { class: 'card wide' },
      h('p', { class: 'muted', text: 'Every admin change that succeeded: who (the admin key\'s name, never the key), what and on what. Secrets are never recorded.' }),
      list, nav));
}
