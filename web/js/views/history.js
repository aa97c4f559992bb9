// A history timeline (GET .../history): per change, what happened in words
// (the server's summary), who, when, why, and the fields that changed from ->
// to. A collection item (a note, a member, a version) is in the summary, not
// shown as JSON.
import { formatTime, h } from '../dom.js';

const LABELS = { ragb: 'Rating', mm_qsin: 'MM/QSIN reference' };

function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  return String(value);
}

// "planned_end" -> "Planned end", "actions.a1.due_date" -> "Actions a1 due date".
function fieldLabel(field) {
  if (LABELS[field]) return LABELS[field];
  const words = field.replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const scalar = (v) => v === null || v === undefined || typeof v !== 'object';

function changeList(changes) {
  const useful = changes.filter((c) => scalar(c.from) && scalar(c.to));
  if (!useful.length) return null;
  return h('ul', { class: 'changes' }, useful.map((c) =>
    h('li', {}, fieldLabel(c.field), ': ', h('span', { class: 'from' }, show(c.from)), ' → ',
      h('span', { class: 'to' }, show(c.to)))));
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
      const created = /Created|Registered|Scheduled|Defined$|Raised$/.test(e.type);
      const changes = changeList(e.changes);
      return h('li', { class: 'timeline-entry', dataset: { position: e.position, type: e.type } },
        h('p', { class: 'what' }, h('strong', {}, e.summary || e.type)),
        h('p', { class: 'when' }, h('time', { datetime: e.recorded_at }, formatTime(e.recorded_at)),
          ' · ', h('span', { class: 'who', title: e.actor }, e.actor_name || e.actor)),
        e.reason ? h('p', { class: 'why' }, 'Reason: ', h('q', {}, e.reason)) : null,
        created && changes
          ? h('details', {}, h('summary', {}, `${changes.children.length} fields set`), changes)
          : changes);
    })));
}
