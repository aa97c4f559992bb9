// The risk register: every risk on the NHS 5x5 matrix (likelihood x impact),
// highest current score first, filters the server applies, a heat map of
// the register's current scores (click a cell to show only its risks), and
// (for editors, not in the historical view) raising a risk.
import { get, getAll, may, post, session, whoAmI } from '../api.js';
import { applyFilters, checkboxFilter, field, filterButtons, formatDate, FREE_TEXT_HINT, groupFilter, h, mount, select } from '../dom.js';
import { commandForm } from '../forms.js';
import { draftsSection } from './risk_drafts.js';

// Filters GET /api/v1/risk-register applies; likelihood and impact (a heat
// map cell) are applied here.
const FILTERS = ['group_id', 'min_score', 'past_review', 'status'];
const STATUS_OPTIONS = [['', 'Open'], ['tolerated', 'Tolerated'], ['closed', 'Closed'], ['all', 'Any status']];

export const GRADES = {
  low: { label: 'Low', fill: '#007f3b', ink: '#fff' },
  moderate: { label: 'Moderate', fill: '#ffdd00', ink: '#0b0c0c' },
  high: { label: 'High', fill: '#f47738', ink: '#0b0c0c' },
  extreme: { label: 'Extreme', fill: '#c8102e', ink: '#fff' },
};

// "4 x 4 = 16" in a badge coloured by its grade; "Not scored" for 0 x 0.
export function scoreBadge(s) {
  if (!s || !s.score) return h('span', { class: 'badge grade-none' }, 'Not scored');
  const g = GRADES[s.grade];
  const words = `${s.likelihood} x ${s.impact} = ${s.score} (${g ? g.label.toLowerCase() : s.grade})`;
  return h('span', { class: `badge grade-${s.grade}`, title: `Likelihood ${s.likelihood}, impact ${s.impact}: ${words}`,
                     'aria-label': `Score ${words}` }, `${s.score} ${g ? g.label : s.grade}`);
}

export function riskStatusLabel(s) {
  return { open: 'Open', tolerated: 'Tolerated', closed: 'Closed' }[s] || s;
}

export async function renderRisks(main, _params, query) {
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) || '']));
  const cell = { likelihood: Number(query.get('likelihood')) || 0, impact: Number(query.get('impact')) || 0 };
  // Reviews are judged overdue on the as-at day in the historical view.
  const [register, groups, me] = await Promise.all([
    get('risk-register', { ...filter, on: session.asAtDay }), getAll('groups'), whoAmI()]);
  const editor = !session.historical && may(me, 'edit_programme_content');
  const people = editor ? await getAll('people') : { items: [] };
  const drafts = editor ? await draftsSection(me, () => renderRisks(main, _params, query)) : null;
  const rows = register.risks.filter((r) => !cell.likelihood ||
    (r.current.likelihood === cell.likelihood && r.current.impact === cell.impact));
  const setQuery = (changes) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) { if (v) q.set(k, String(v)); else q.delete(k); }
    location.hash = `#/risks${q.toString() ? `?${q}` : ''}`;
  };
  const refresh = () => renderRisks(main, _params, query);

  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Risk register')),
    filterForm(filter, groups.items),
    h('div', { class: 'risk-overview' },
      h('section', { 'aria-labelledby': 'h-heat' },
        h('h2', { id: 'h-heat' }, 'Heat map'),
        heatMap(register.heat_map, cell, (l, i) => setQuery(l === cell.likelihood && i === cell.impact
          ? { likelihood: '', impact: '' } : { likelihood: l, impact: i }))),
      h('section', { 'aria-labelledby': 'h-register', class: 'risk-table' },
        h('h2', { id: 'h-register' }, 'Register'),
        h('p', { class: 'count', 'aria-live': 'polite', id: 'risk-count' },
          `${rows.length} risk${rows.length === 1 ? '' : 's'} shown`,
          cell.likelihood ? [` in the cell likelihood ${cell.likelihood} x impact ${cell.impact} `,
            h('button', { type: 'button', class: 'quiet small', id: 'clear-cell',
              onclick: () => setQuery({ likelihood: '', impact: '' }) }, 'Show every cell')] : null),
        registerTable(rows))),
    editor ? raiseForm(groups.items, people.items, me, refresh) : null,
    drafts);
}

function filterForm(filter, groups) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter risks' },
    groupFilter(groups, filter.group_id),
    field('Minimum score', select('min_score', [['', 'Any score'], ['4', '4 (moderate and above)'],
      ['8', '8 (high and above)'], ['15', '15 (extreme)']], filter.min_score)),
    field('Status', select('status', STATUS_OPTIONS, filter.status)),
    checkboxFilter('past_review', 'Past their review date', filter.past_review),
    filterButtons('Apply filters', 'risks'));
  return applyFilters(form, 'risks', FILTERS, true);
}

function registerTable(rows) {
  if (!rows.length) return h('p', { class: 'empty' }, 'No risks match these filters.');
  return h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'risk-register' },
    h('caption', { class: 'visually-hidden' }, 'Risks, highest current score first'),
    h('thead', {}, h('tr', {}, ['Ref', 'Risk', 'Group', 'Owner', 'Current', 'Target', 'Review', 'Status']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', { dataset: { id: r.id }, class: r.review_overdue ? 'review-late' : null },
      h('td', { class: 'nowrap' }, r.reference || '—'),
      h('td', {}, h('a', { href: `#/risks/${encodeURIComponent(r.id)}` }, r.title)),
      h('td', {}, r.group_name), h('td', {}, r.owner_name || '—'),
      h('td', { class: 'nowrap current' }, scoreBadge(r.current)),
      h('td', { class: 'nowrap' }, scoreBadge(r.target)),
      h('td', { class: 'nowrap' }, r.review_date ? formatDate(r.review_date) : '—',
        r.review_overdue ? h('span', { class: 'badge overdue' }, 'Review overdue') : null),
      h('td', {}, riskStatusLabel(r.status)))))));
}

// The 5x5 matrix as inline SVG: likelihood up the side (5 at the top),
// impact along the bottom, each cell coloured by its grade with the number
// of risks in it. A cell is a button (click or Enter/Space) that filters the
// table to its risks.
const NS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, String(v));
  }
  for (const c of children) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

export function heatMap(map, selected, onPick) {
  const C = 50; const left = 40; const top = 8; const bottom = 44;
  const size = left + 5 * C + 4;
  const total = map.total;
  const root = svg('svg', { id: 'heat-map', class: 'heat-map', viewBox: `0 0 ${size} ${top + 5 * C + bottom}`,
    width: size, height: top + 5 * C + bottom, role: 'group',
    'aria-label': `Heat map of ${total} risk${total === 1 ? '' : 's'} by current likelihood and impact` });
  for (const c of map.cells) {
    const x = left + (c.impact - 1) * C;
    const y = top + (5 - c.likelihood) * C;
    const g = GRADES[c.grade];
    const words = `Likelihood ${c.likelihood} x impact ${c.impact} = ${c.score} (${c.grade}): ${c.count} risk${c.count === 1 ? '' : 's'}`;
    const on = selected.likelihood === c.likelihood && selected.impact === c.impact;
    const pick = () => onPick(c.likelihood, c.impact);
    root.appendChild(svg('g', { class: `cell${on ? ' selected' : ''}${c.count ? '' : ' empty'}`, tabindex: 0, role: 'button',
      'aria-label': words, 'aria-pressed': on ? 'true' : 'false',
      'data-likelihood': c.likelihood, 'data-impact': c.impact, 'data-count': c.count,
      onclick: pick, onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } } },
    svg('title', {}, words),
    svg('rect', { x: x + 1, y: y + 1, width: C - 2, height: C - 2, rx: 3, fill: g.fill,
      'fill-opacity': c.count ? 1 : 0.35, stroke: on ? '#0b0c0c' : '#fff', 'stroke-width': on ? 4 : 1 }),
    svg('text', { x: x + C / 2, y: y + C / 2 + 7, 'text-anchor': 'middle', 'font-size': 20, 'font-weight': 700,
      fill: c.count ? g.ink : '#0b0c0c', 'aria-hidden': 'true' }, c.count ? String(c.count) : '')));
  }
  for (let i = 1; i <= 5; i++) {
    root.appendChild(svg('text', { x: left - 10, y: top + (5 - i) * C + C / 2 + 5, 'text-anchor': 'end', 'font-size': 13, 'aria-hidden': 'true' }, String(i)));
    root.appendChild(svg('text', { x: left + (i - 1) * C + C / 2, y: top + 5 * C + 16, 'text-anchor': 'middle', 'font-size': 13, 'aria-hidden': 'true' }, String(i)));
  }
  root.appendChild(svg('text', { x: left + 2.5 * C, y: top + 5 * C + 36, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 700, 'aria-hidden': 'true' }, 'Impact →'));
  root.appendChild(svg('text', { x: 14, y: top + 2.5 * C, 'text-anchor': 'middle', 'font-size': 13, 'font-weight': 700,
    transform: `rotate(-90 14 ${top + 2.5 * C})`, 'aria-hidden': 'true' }, 'Likelihood →'));
  return h('figure', { class: 'heat-map' }, root,
    h('figcaption', { class: 'meta' }, 'Current scores. ',
      Object.entries(GRADES).map(([k, g]) => [h('span', { class: `badge grade-${k}` }, g.label), ' ']),
      ' Select a cell to show its risks.'));
}

const SCORE_OPTIONS = [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]);
const OPTIONAL_SCORE = [['', '—'], ...SCORE_OPTIONS];

function scorePair(which, required) {
  const opts = required ? SCORE_OPTIONS : OPTIONAL_SCORE;
  return h('fieldset', { class: 'score-pair' }, h('legend', {}, `${which} score${required ? '' : ' (optional)'}`),
    field(`${which} likelihood`, select(`${which.toLowerCase()}_likelihood`, opts, required ? '3' : '')),
    field(`${which} impact`, select(`${which.toLowerCase()}_impact`, opts, required ? '3' : '')));
}

function readScore(f, which) {
  const l = f.get(`${which}_likelihood`); const i = f.get(`${which}_impact`);
  return l && i ? { likelihood: Number(l), impact: Number(i) } : undefined;
}

function raiseForm(groups, people, me, refresh) {
  const mine = groups.filter((g) => !me.group_scope || g.id === me.group_scope)
    .map((g) => [g.id, g.name]).sort((a, b) => a[1].localeCompare(b[1]));
  const text = (name, rows = 2) => h('textarea', { name, rows });
  const form = commandForm({ title: 'Raise a risk', id: 'raise-risk-form', saved: 'Risk raised', onSaved: refresh,
    controls: [
      field('Title', h('input', { name: 'title', required: true })),
      field('Reference', h('input', { name: 'reference', placeholder: 'e.g. R12' })),
      field('Group', select('group_id', mine)),
      field('Owner', select('owner_person_id', [['', '—'], ...people.map((p) => [p.id, p.name || p.id])
        .sort((a, b) => a[1].localeCompare(b[1]))])),
      field('Cause', text('cause'), FREE_TEXT_HINT),
      field('Event', text('event')),
      field('Effect', text('effect')),
      field('Category', h('input', { name: 'category', placeholder: 'e.g. Workforce' })),
      scorePair('Inherent', true), scorePair('Current', false), scorePair('Target', false),
      field('Review date', h('input', { type: 'date', name: 'review_date' })),
      field('QSIN statements', h('input', { name: 'qsin_codes', placeholder: 'IN-601, IN-602' })),
    ],
    toBody: (f) => {
      const body = { title: String(f.get('title')).trim(), group_id: f.get('group_id'),
        inherent: readScore(f, 'inherent') };
      for (const k of ['reference', 'owner_person_id', 'cause', 'event', 'effect', 'category', 'review_date']) {
        const v = String(f.get(k) || '').trim();
        if (v) body[k] = v;
      }
      for (const k of ['current', 'target']) { const s = readScore(f, k); if (s) body[k] = s; }
      const codes = String(f.get('qsin_codes') || '').split(/[\s,;]+/).filter(Boolean);
      if (codes.length) body.qsin_codes = codes;
      return body;
    },
    send: (body) => post('risks', body) });
  return h('details', { class: 'raise-risk' }, h('summary', {}, 'Raise a risk'), form);
}
