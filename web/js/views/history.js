// A history timeline (GET .../history): who, when, what changed from -> to, why.
import { formatTime, h } from '../dom.js';

const NOISE = new Set(['id', 'version', 'ragb_meaning', 'evidence_seq']);

function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function typeLabel(type) {
  return String(type).replace(/^(Deliverable|ControlledDocument|Group|Meeting|WorkProgramme)/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2') || type;
}

function changeList(changes) {
  const useful = changes.filter((c) => !NOISE.has(c.field) && !/\.(precision|date)$/.test(c.field));
  return h('ul', { class: 'changes' }, useful.map((c) =>
    h('li', {}, h('code', {}, c.field), ': ', h('del', {}, show(c.from)), ' → ', h('ins', {}, show(c.to)))));
}

// The query for the newest page of a history (GET .../history).
export const HISTORY_QUERY = { order: 'desc', limit: 200 };

// `page` is a history page fetched with HISTORY_QUERY: newest first.
export function historyTimeline(page) {
  const items = page.items;
  if (!items.length) return h('p', { class: 'empty' }, 'No history.');
  const more = page.total > items.length
    ? h('p', { class: 'history-more' }, `Showing the latest ${items.length} of ${page.total} changes.`)
    : null;
  return h('div', {}, more, h('ol', { class: 'timeline', 'aria-label': 'History, newest first' },
    items.map((e) => {
      const created = /Created|Registered|Scheduled|Defined$/.test(e.type);
      return h('li', { class: 'timeline-entry', dataset: { position: e.position } },
        h('p', { class: 'when' }, h('time', { datetime: e.recorded_at }, formatTime(e.recorded_at)),
          ' · ', h('span', { class: 'who' }, e.actor), ' · ', h('strong', {}, typeLabel(e.type))),
        e.reason ? h('p', { class: 'why' }, 'Reason: ', h('q', {}, e.reason)) : null,
        created
          ? h('details', {}, h('summary', {}, `${e.changes.length} fields set`), changeList(e.changes))
          : changeList(e.changes));
    })));
}
