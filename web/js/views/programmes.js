// Work programmes: every programme's deliverables in the seed's columns,
// filters, and a summary strip per programme (counts by RAGB, overdue).
import { getAll } from '../api.js';
import { field, h, mount, select } from '../dom.js';
import { RAGB, RAGB_ORDER, STATUSES, ragbBadge, statusLabel } from '../ragb.js';

const FILTERS = ['group_id', 'ragb', 'status', 'owner', 'qsin_code', 'overdue'];

export async function renderProgrammes(main, _params, query) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const filtered = FILTERS.some((k) => filter[k]);
  const [programmes, groups, all, shown] = await Promise.all([
    getAll('programmes'),
    getAll('groups'),
    getAll('deliverables'),
    filtered ? getAll('deliverables', filter) : null,
  ]);
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const rows = (shown || all).items;

  const list = programmes.items.slice().sort((a, b) =>
    (groupName.get(a.group_id) || '').localeCompare(groupName.get(b.group_id) || '') ||
    a.title.localeCompare(b.title));
  const sections = list.map((p) => {
    const mine = all.items.filter((d) => d.programme_id === p.id);
    const visible = rows.filter((d) => d.programme_id === p.id);
    if (filtered && visible.length === 0) return null;
    return programmeSection(p, groupName.get(p.group_id), mine, visible);
  }).filter(Boolean);

  mount(main,
    h('h1', {}, 'Work programmes'),
    legend(),
    filterForm(filter, groups.items),
    h('p', { class: 'count', 'aria-live': 'polite', id: 'result-count' },
      `${rows.length} deliverable${rows.length === 1 ? '' : 's'} shown` +
      (filtered ? ` of ${all.items.length}` : '')),
    sections.length ? sections : h('p', { class: 'empty' }, 'No deliverables match these filters.'));
}

function legend() {
  return h('details', { class: 'legend' }, h('summary', {}, 'RAGB legend'),
    h('ul', {}, RAGB_ORDER.map((r) => h('li', {}, ragbBadge(r), ' ', RAGB[r].meaning))));
}

function filterForm(filter, groups) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter deliverables' },
    field('Group', select('group_id', [['', 'All groups'],
      ...groups.map((g) => [g.id, g.name]).sort((a, b) => a[1].localeCompare(b[1]))], filter.group_id)),
    field('RAGB', select('ragb', [['', 'Any rating'], ...RAGB_ORDER.map((r) => [r, RAGB[r].label]),
      ['none', 'Not rated']], filter.ragb)),
    field('Status', select('status', [['', 'Any status'], ...STATUSES.map((s) => [s, statusLabel(s)])],
      filter.status)),
    field('Owner', h('input', { name: 'owner', value: filter.owner, placeholder: 'e.g. Network Director' })),
    field('QSIN code', h('input', { name: 'qsin_code', value: filter.qsin_code, placeholder: 'IN-601' })),
    h('div', { class: 'field checkbox' },
      h('input', { type: 'checkbox', name: 'overdue', id: 'f-overdue', value: 'true',
                   checked: filter.overdue === 'true' }),
      h('label', { for: 'f-overdue' }, 'Overdue only')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '#/programmes', class: 'button quiet' }, 'Clear')));
  const apply = (e) => {
    e?.preventDefault();
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = String(data.get(k) || '').trim();
      if (v) q.set(k, v);
    }
    location.hash = `#/programmes${q.toString() ? `?${q}` : ''}`;
  };
  form.addEventListener('submit', apply);
  for (const sel of form.querySelectorAll('select, input[type=checkbox]')) sel.addEventListener('change', apply);
  return form;
}

function summaryStrip(deliverables) {
  const counts = { none: 0 };
  for (const r of RAGB_ORDER) counts[r] = 0;
  let overdue = 0;
  for (const d of deliverables) {
    counts[d.ragb || 'none'] += 1;
    if (d.overdue) overdue += 1;
  }
  return h('ul', { class: 'summary-strip', 'aria-label': 'Summary' },
    RAGB_ORDER.map((r) => h('li', { class: `chip ragb-${r}`, title: `${RAGB[r].label}: ${RAGB[r].meaning}` },
      h('span', { class: 'n' }, counts[r]), ` ${RAGB[r].label}`)),
    h('li', { class: 'chip ragb-none' }, h('span', { class: 'n' }, counts.none), ' Not rated'),
    h('li', { class: `chip ${overdue ? 'overdue' : ''}` }, h('span', { class: 'n' }, overdue), ' Overdue'),
    h('li', { class: 'chip plain' }, h('span', { class: 'n' }, deliverables.length), ' Total'));
}

const COLUMNS = ['Network Reference', 'Network Objective', 'Deliverable', 'Date Initiated',
  'Planned End Date', 'Date Completed', 'Owner', 'Description', 'Anticipated Outcome',
  'Interdependencies / Risks', 'RAGB Status', 'Status', 'MM/QSIN Reference'];

export function deliverableRow(d) {
  return h('tr', { id: `row-${d.id}`, class: d.overdue ? 'is-overdue' : null, dataset: { id: d.id } },
    h('td', {}, d.reference),
    h('td', {}, clamp(d.objective)),
    h('td', {}, h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, d.title || '(untitled)')),
    h('td', { class: 'nowrap' }, d.date_initiated?.text),
    h('td', { class: 'nowrap' }, d.planned_end?.text,
      d.overdue ? h('span', { class: 'badge overdue', title: 'Past its planned end date and not completed' }, 'Overdue') : null),
    h('td', { class: 'nowrap' }, d.date_completed?.text),
    h('td', {}, d.owner),
    h('td', {}, clamp(d.description)),
    h('td', {}, clamp(d.anticipated_outcome)),
    h('td', {}, clamp(d.interdependencies_risks)),
    h('td', { class: 'ragb-cell' }, ragbBadge(d.ragb)),
    h('td', {}, statusLabel(d.status)),
    h('td', {}, d.mm_qsin?.raw));
}

function clamp(text) {
  if (!text) return '';
  return h('span', { class: 'clamp', title: text }, text);
}

export function deliverablesTable(rows, caption) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'deliverables' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map(deliverableRow))));
}

function programmeSection(p, groupName, mine, visible) {
  const headingId = `h-${p.id}`;
  return h('section', { class: 'programme', 'aria-labelledby': headingId, dataset: { programme: p.id } },
    h('h2', { id: headingId }, p.title),
    h('p', { class: 'meta' }, groupName ? `${groupName} · ` : '', p.year || ''),
    summaryStrip(mine),
    deliverablesTable(visible, `Deliverables of ${p.title}`));
}

