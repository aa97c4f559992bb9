// Work programmes: every programme's deliverables (rating and title first,
// in the spreadsheet's row order, sortable by column), filters, a search
// across programmes, and a summary strip per programme (counts by RAGB,
// overdue).
import { download, getAll, may, session, whoAmI } from '../api.js';
import { applyFilters, checkboxFilter, errorBox, field, filterButtons, groupFilter, h, mount, select } from '../dom.js';
import { RAGB, RAGB_ORDER, STATUSES, ragbBadge, statusLabel } from '../ragb.js';

// Filters the server applies (GET /api/v1/deliverables) ...
const FILTERS = ['group_id', 'ragb', 'status', 'owner', 'qsin_code', 'overdue'];
// ... and the search, applied here: words found in the reference, title,
// owner or any long text (every word, any case).
const SEARCHED = ['reference', 'title', 'owner', 'objective', 'description', 'anticipated_outcome',
  'interdependencies_risks'];

function matches(d, words) {
  const text = SEARCHED.map((k) => d[k] || '').join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

// A programme's deliverables in the order its spreadsheet listed them (the
// order they were added to it).
function inSheetOrder(p, deliverables) {
  const rank = new Map((p.deliverable_ids || []).map((id, i) => [id, i]));
  return deliverables.filter((d) => d.programme_id === p.id)
    .sort((a, b) => (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity));
}

export async function renderProgrammes(main, _params, query) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const search = (query.get('q') || '').trim();
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const filtered = FILTERS.some((k) => filter[k]) || words.length > 0;
  const [programmes, groups, all, shown, me] = await Promise.all([
    getAll('programmes'),
    getAll('groups'),
    getAll('deliverables'),
    FILTERS.some((k) => filter[k]) ? getAll('deliverables', filter) : null,
    whoAmI(),
  ]);
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const rows = (shown || all).items.filter((d) => matches(d, words));

  const list = programmes.items.slice().sort((a, b) =>
    (groupName.get(a.group_id) || '').localeCompare(groupName.get(b.group_id) || '') ||
    a.title.localeCompare(b.title));
  const sections = list.map((p) => {
    const mine = inSheetOrder(p, all.items);
    const visible = inSheetOrder(p, rows);
    if (filtered && visible.length === 0) return null;
    return programmeSection(p, groupName.get(p.group_id), mine, visible);
  }).filter(Boolean);

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Work programmes'),
      !session.historical && may(me, 'edit_programme_content')
        ? h('a', { class: 'button quiet', href: '#/import', id: 'import-link' }, 'Import a workbook') : null),
    legend(),
    filterForm(filter, search, groups.items),
    h('p', { class: 'count', 'aria-live': 'polite', id: 'result-count' },
      `${rows.length} deliverable${rows.length === 1 ? '' : 's'} shown` +
      (filtered ? ` of ${all.items.length}` : '')),
    sections.length ? sections : h('p', { class: 'empty' }, 'No deliverables match these filters.'));
}

function legend() {
  return h('details', { class: 'legend' }, h('summary', {}, 'RAGB legend'),
    h('ul', {}, RAGB_ORDER.map((r) => h('li', {}, ragbBadge(r), ' ', RAGB[r].meaning))));
}

function filterForm(filter, search, groups) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter deliverables' },
    field('Search', h('input', { type: 'search', name: 'q', value: search, placeholder: 'Words in any programme' })),
    groupFilter(groups, filter.group_id),
    field('RAGB', select('ragb', [['', 'Any rating'], ...RAGB_ORDER.map((r) => [r, RAGB[r].label]),
      ['none', 'Not rated']], filter.ragb)),
    field('Status', select('status', [['', 'Any status'], ...STATUSES.map((s) => [s, statusLabel(s)])],
      filter.status)),
    field('Owner', h('input', { name: 'owner', value: filter.owner, placeholder: 'e.g. Network Director' })),
    field('QSIN code', h('input', { name: 'qsin_code', value: filter.qsin_code, placeholder: 'IN-601' })),
    checkboxFilter('overdue', 'Overdue only', filter.overdue),
    filterButtons('Apply filters', 'programmes'));
  return applyFilters(form, 'programmes', ['q', ...FILTERS], true);
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

// What a board reads first: the rating, the reference and the title; then
// status, dates and owner. The spreadsheet's long text columns (objective,
// description, outcome, risks) are folded into one "Details" cell, drawn
// only when opened (a programme of 1,000 rows stays light).
const RAGB_RANK = { red: 0, amber: 1, blue: 2, green: 3 };
const dateKey = (v) => v?.date || v?.text || '';
const COLUMNS = [
  { name: 'RAGB', key: (d) => RAGB_RANK[d.ragb] ?? 9, cell: (d) => h('td', { class: 'ragb-cell' }, ragbBadge(d.ragb)) },
  { name: 'Ref', key: (d) => d.reference || '', cell: (d) => h('td', { class: 'nowrap' }, d.reference) },
  { name: 'Deliverable', key: (d) => d.title || '', cell: (d) => h('td', { class: 'title' },
    h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, d.title || '(untitled)')) },
  { name: 'Status', key: (d) => d.status || '', cell: (d) => h('td', {}, statusLabel(d.status)) },
  { name: 'Planned end', key: (d) => dateKey(d.planned_end), cell: (d) => h('td', { class: 'nowrap' }, d.planned_end?.text,
    d.overdue ? h('span', { class: 'badge overdue', title: 'Past its planned end date and not completed' }, 'Overdue') : null) },
  { name: 'Owner', key: (d) => d.owner || '', cell: (d) => h('td', {}, d.owner) },
  { name: 'Details', cell: (d) => h('td', { class: 'details-cell' }, details(d)) },
  { name: 'Initiated', key: (d) => dateKey(d.date_initiated), cell: (d) => h('td', { class: 'nowrap' }, d.date_initiated?.text) },
  { name: 'Completed', key: (d) => dateKey(d.date_completed), cell: (d) => h('td', { class: 'nowrap' }, d.date_completed?.text) },
  { name: 'MM/QSIN', key: (d) => d.mm_qsin?.raw || '', cell: (d) => h('td', {}, d.mm_qsin?.raw) },
];

const LONG_TEXTS = [['Network objective', 'objective'], ['Description', 'description'],
  ['Anticipated outcome', 'anticipated_outcome'], ['Interdependencies / risks', 'interdependencies_risks']];

function details(d) {
  if (!LONG_TEXTS.some(([, k]) => d[k])) return '';
  const el = h('details', {}, h('summary', {}, 'Details'));
  el.addEventListener('toggle', () => {
    if (el.open && el.children.length === 1) {
      el.append(h('dl', {}, LONG_TEXTS.filter(([, k]) => d[k]).map(([label, k]) => [h('dt', {}, label), h('dd', {}, d[k])])));
    }
  });
  return el;
}

export function deliverableRow(d) {
  return h('tr', { id: `row-${d.id}`, class: d.overdue ? 'is-overdue' : null, dataset: { id: d.id } },
    COLUMNS.map((c) => c.cell(d)));
}

// Rows in the spreadsheet's order until a column heading is pressed; then by
// that column, ascending, and descending on a second press.
export function deliverablesTable(rows, caption) {
  const tbody = h('tbody', {}, rows.map(deliverableRow));
  const heads = COLUMNS.map((c, i) => {
    if (!c.key) return h('th', { scope: 'col' }, c.name);
    const button = h('button', { type: 'button', class: 'sort' }, c.name);
    const th = h('th', { scope: 'col', 'aria-sort': 'none' }, button);
    button.addEventListener('click', () => {
      const descending = th.getAttribute('aria-sort') === 'ascending';
      for (const other of th.parentElement.children) if (other.hasAttribute('aria-sort')) other.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const sorted = rows.map((d, n) => ({ d, n })).sort((a, b) => {
        const x = COLUMNS[i].key(a.d); const y = COLUMNS[i].key(b.d);
        const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y), 'en-GB', { numeric: true });
        return (descending ? -order : order) || a.n - b.n;
      });
      tbody.replaceChildren(...sorted.map(({ d }) => tbody.querySelector(`tr[data-id="${CSS.escape(d.id)}"]`)));
    });
    return th;
  });
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', { class: 'deliverables' },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, heads)),
      tbody));
}

// The programme as boards know it (the spreadsheet's columns), as at the
// dashboard's date, in each of `formats` ([format, button text]).
export function exportButtons(p, formats = [['xlsx', 'Excel'], ['csv', 'CSV']]) {
  const message = h('span', { 'aria-live': 'polite' });
  const button = (format, text) => h('button', { type: 'button', class: 'quiet small', dataset: { format },
    onclick: async () => {
      const q = new URLSearchParams({ format });
      if (session.asAt) q.set('as_of', session.asAt);
      try {
        await download(`programmes/${encodeURIComponent(p.id)}/export?${q}`, { fallbackName: `${p.title}.${format}` });
        mount(message);
      } catch (err) { mount(message, errorBox(err)); }
    } }, text);
  return h('span', { class: 'exports' }, 'Download: ', formats.map(([f, text]) => [button(f, text), ' ']), message);
}

function programmeSection(p, groupName, mine, visible) {
  const headingId = `h-${p.id}`;
  return h('section', { class: 'programme', 'aria-labelledby': headingId, dataset: { programme: p.id } },
    h('h2', { id: headingId }, p.title),
    h('p', { class: 'meta' }, groupName ? `${groupName} · ` : '', p.year || '', ' · ', exportButtons(p)),
    summaryStrip(mine),
    deliverablesTable(visible, `Deliverables of ${p.title}`));
}

