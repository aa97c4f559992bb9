// The decision log: every decision of every meeting, across groups, newest
// meeting first, searchable by words, group and what it links to; with the
// escalations each decided and, for a recommendation to the board above,
// whether it was endorsed (GET /api/v1/decisions).
import { get, getAll } from '../api.js';
import { applyFilters, checkboxFilter, field, filterButtons, formatDate, groupFilter, h, mount } from '../dom.js';

const FILTERS = ['q', 'group_id', 'recommendations'];
const OUTCOMES = { pending: 'Awaiting the board above', endorsed: 'Endorsed', accepted: 'Accepted',
                   returned: 'Returned', closed: 'Closed' };

export async function renderDecisions(main, _params, query) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const [log, groups] = await Promise.all([get('decisions', { ...filter, limit: 200 }), getAll('groups')]);
  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Decision log')),
    filterForm(filter, groups.items),
    h('p', { class: 'count', id: 'decision-count', 'aria-live': 'polite' },
      `${log.total} decision${log.total === 1 ? '' : 's'}${log.total > log.items.length ? `, the newest ${log.items.length} shown` : ''}`),
    decisionTable(log.items));
}

function filterForm(filter, groups) {
  const words = h('input', { type: 'search', name: 'q', value: filter.q, placeholder: 'e.g. procurement' });
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Search decisions' },
    field('Words', words),
    groupFilter(groups, filter.group_id),
    checkboxFilter('recommendations', 'Recommendations to the board above only', filter.recommendations),
    filterButtons('Search', 'decisions'));
  return applyFilters(form, 'decisions', FILTERS, false);
}

function linkTo(l) {
  const hrefs = { deliverable: 'deliverables', document: 'documents', 'document-version': 'documents', risk: 'risks' };
  return hrefs[l.kind] ? h('a', { href: `#/${hrefs[l.kind]}/${encodeURIComponent(l.id)}` }, l.name) : l.name;
}

function decisionTable(rows) {
  if (!rows.length) return h('p', { class: 'empty' }, 'No decisions match.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'decision-log' },
    h('caption', { class: 'visually-hidden' }, 'Decisions, newest meeting first'),
    h('thead', {}, h('tr', {}, ['Meeting', 'Group', 'Decision', 'Links', 'Escalations and recommendation']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((d) => h('tr', { dataset: { ref: d.ref } },
      h('td', { class: 'nowrap' }, h('a', { href: `#/meetings/${encodeURIComponent(d.meeting_id)}` },
        formatDate(String(d.scheduled_for).slice(0, 10)))),
      h('td', {}, d.group_name),
      h('td', {}, d.text),
      h('td', {}, d.links.length ? h('ul', { class: 'plain' }, d.links.map((l) => h('li', {}, linkTo(l)))) : '—'),
      h('td', {}, outcomeCell(d)))))));
}

function outcomeCell(d) {
  const items = d.escalations.map((e) =>
    h('li', {}, `${OUTCOMES[e.outcome] || e.outcome}: the escalation of ${e.subject_title} from ${e.from_group_name}`));
  if (d.recommendation) {
    const r = d.recommendation;
    items.push(h('li', { class: 'recommendation' },
      `Recommended to ${r.to_group_name}: `, h('strong', {}, OUTCOMES[r.outcome] || r.outcome)));
  }
  return items.length ? h('ul', { class: 'plain' }, items) : '—';
}
