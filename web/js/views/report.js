// A board report for a group, as at the dashboard's date (or now): for the
// programmes the group oversees, the ratings and their trend, the changes
// recorded since the group's last meeting with their reasons, what is
// overdue (deliverables and actions) and the documents due for review.
// Printable on A4 (the print stylesheet) and each programme downloadable as
// Excel. Times: "since the last meeting" compares when a change was recorded
// with the meeting's date; ratings are as the record stood at the as-at time.
import { get, getAll, session } from '../api.js';
import { formatDate, formatTime, h, mount } from '../dom.js';
import { RAGB, RAGB_ORDER, ragbBadge, statusLabel } from '../ragb.js';
import { overseenGroups } from './meeting.js';
import { exportButtons } from './programmes.js';

const TREND_MONTHS = 12;
const CHANGE_TYPES = new Set(['DeliverableCreated', 'DeliverableRagbChanged', 'DeliverableStatusChanged',
  'DeliverableCompleted', 'DeliverableReopened']);

export async function renderReport(main, [id]) {
  const asAt = session.asAt ? new Date(session.asAt.length === 10 ? `${session.asAt}T23:59:59Z` : session.asAt) : new Date();
  const [group, groups, programmes, deliverables, meetings, people, reviews] = await Promise.all([
    get(`groups/${encodeURIComponent(id)}`), getAll('groups'), getAll('programmes'), getAll('deliverables'),
    getAll('meetings'), getAll('people'), get('documents/review-due', { within_days: 30 }, { asAt: false }),
  ]);
  const overseen = overseenGroups(id, groups.items);
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const personName = new Map(people.items.map((p) => [p.id, p.name || p.id]));
  const mine = programmes.items.filter((p) => overseen.has(p.group_id));
  const rows = deliverables.items.filter((d) => overseen.has(d.group_id));
  const last = meetings.items.filter((m) => m.group_id === id && m.status === 'closed' && Date.parse(m.scheduled_for) <= asAt.getTime())
    .sort((a, b) => String(b.scheduled_for).localeCompare(String(a.scheduled_for)))[0];
  const since = last ? new Date(last.scheduled_for) : null;
  // Each deliverable's newest changes (one page; the trend says where it is
  // partial), four at a time; one that cannot be read is said, not hidden.
  const histories = new Map();
  const unread = [];
  for (let i = 0; i < rows.length; i += 4) {
    await Promise.all(rows.slice(i, i + 4).map(async (d) => {
      try {
        histories.set(d.id, await get(`deliverables/${encodeURIComponent(d.id)}/history`, { order: 'desc', limit: 200 }));
      } catch {
        unread.push(d);
        histories.set(d.id, { items: [], total: 1 });
      }
    }));
  }
  const changes = [];
  for (const d of rows) {
    for (const e of histories.get(d.id).items) {
      if (CHANGE_TYPES.has(e.type) && e.type !== 'DeliverableCreated' && (!since || Date.parse(e.recorded_at) > since.getTime())) {
        changes.push({ d, e });
      }
    }
  }
  changes.sort((a, b) => b.e.position - a.e.position);
  const today = asAt.toISOString().slice(0, 10);
  const openActions = await get('actions', { due_before: today }, { asAt: false });
  const meetingGroup = new Map(meetings.items.map((m) => [m.id, m.group_id]));
  const overdueActions = (openActions.items || []).filter((a) => overseen.has(a.group_id || meetingGroup.get(a.meeting_id)));
  const docs = (reviews.items || []);

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/groups/${encodeURIComponent(id)}` }, group.name), ' / Board report'),
    h('div', { class: 'page-head' }, h('h1', {}, `${group.name}: board report`),
      h('button', { type: 'button', class: 'quiet', onclick: () => window.print() }, 'Print')),
    h('p', { class: 'meta', id: 'report-as-at' }, session.asAt ? `As the record stood at ${formatTime(asAt.toISOString())}.` : `As at now, ${formatTime(asAt.toISOString())}.`,
      overseen.size > 1 ? ` Covers ${group.name} and the ${overseen.size - 1} group(s) it oversees.` : ''),
    h('h2', {}, 'Ratings'),
    mine.length ? mine.map((p) => programmeBlock(p, rows.filter((d) => d.programme_id === p.id), histories, asAt, groupName))
      : h('p', { class: 'empty' }, 'No work programme.'),
    h('h2', {}, since ? `Changes since the last meeting (${formatDate(last.scheduled_for)})` : 'Changes (no earlier meeting)'),
    unread.length ? h('p', { class: 'error', role: 'alert' }, `The history of ${unread.length} deliverable(s) could not be read, so their changes are missing here: `,
      unread.map((d) => d.reference || d.title).join(', '), '. Reload to try again.') : null,
    changes.length ? h('ul', { id: 'report-changes', class: 'report-changes' }, changes.map(({ d, e }) => h('li', {},
      h('strong', {}, `${d.reference ? `${d.reference} ` : ''}${d.title}`), ` — ${e.summary}`,
      e.reason ? [': ', h('q', {}, e.reason)] : null,
      h('span', { class: 'meta' }, ` (${e.actor_name || e.actor}, ${formatTime(e.recorded_at)})`))))
      : h('p', { class: 'empty' }, 'No rating or status changed.'),
    h('h2', {}, 'Overdue'),
    overdueList(rows.filter((d) => d.overdue), overdueActions, personName),
    h('h2', {}, 'Documents due for review'),
    docs.length ? h('ul', { id: 'report-documents' }, docs.map((x) => h('li', {},
      h('a', { href: `#/documents/${encodeURIComponent(x.id)}` }, x.title), ` — review ${x.review_state === 'overdue' ? 'overdue since' : 'due'} ${formatDate(x.review_date)}`)))
      : h('p', { class: 'empty' }, 'None due within 30 days.'));
}

function overdueList(deliverables, actions, personName) {
  if (!deliverables.length && !actions.length) return h('p', { class: 'empty' }, 'Nothing overdue.');
  return h('ul', { id: 'report-overdue' },
    deliverables.map((d) => h('li', {}, ragbBadge(d.ragb), ' ', `${d.reference ? `${d.reference} ` : ''}${d.title} — planned end ${d.planned_end?.text || '?'}, ${statusLabel(d.status).toLowerCase()}`)),
    actions.map((a) => h('li', {}, h('span', { class: 'badge overdue' }, 'Action'), ' ', a.text, ' — ',
      personName.get(a.owner_person_id) || a.owner_person_id, `, due ${formatDate(a.due_date)}`)));
}

function programmeBlock(p, rows, histories, asAt, groupName) {
  const counts = Object.fromEntries([...RAGB_ORDER, 'none'].map((r) => [r, 0]));
  for (const d of rows) counts[d.ragb || 'none'] += 1;
  return h('section', { class: 'report-programme', dataset: { programme: p.id } },
    h('h3', {}, p.title, h('span', { class: 'meta' }, ` · ${groupName.get(p.group_id) || ''} · `), exportButtons(p, [['xlsx', 'Excel']])),
    h('p', {}, RAGB_ORDER.map((r) => [ragbBadge(r), ` ${counts[r]}  `]), `Not rated ${counts.none}`),
    trendChart(rows, histories, asAt));
}

// Each deliverable's rating at the end of each of the last months, from its
// history: counts per rating, drawn as stacked columns (inline SVG).
export function ratingAt(history, when) {
  // history.items: newest first. The newest change at or before `when`.
  for (const e of history.items) {
    if (Date.parse(e.recorded_at) > when) continue;
    const to = (e.changes || []).find((c) => c.field === 'ragb');
    if (to) return to.to || 'none';
    if (e.type === 'DeliverableCreated') return 'none';
  }
  return history.total > history.items.length ? 'unknown' : null;  // null: did not exist yet
}

function trendChart(rows, histories, asAt) {
  const points = [];
  for (let i = TREND_MONTHS - 1; i >= 0; i -= 1) {
    const end = new Date(Date.UTC(asAt.getUTCFullYear(), asAt.getUTCMonth() - i + 1, 1) - 1);
    const when = Math.min(end.getTime(), asAt.getTime());
    const counts = { red: 0, amber: 0, blue: 0, green: 0, none: 0, unknown: 0 };
    for (const d of rows) {
      const r = ratingAt(histories.get(d.id), when);
      if (r) counts[r in counts ? r : 'none'] += 1;
    }
    points.push({ label: end.toLocaleDateString('en-GB', { month: 'short', timeZone: 'UTC' }), counts });
  }
  const max = Math.max(1, ...points.map((p) => Object.values(p.counts).reduce((a, b) => a + b, 0)));
  const W = 28; const H = 90; const ns = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const svg = el('svg', { class: 'trend', viewBox: `0 0 ${W * points.length} ${H + 14}`, width: W * points.length, height: H + 14,
    role: 'img', 'aria-label': `Ratings at the end of each of the last ${TREND_MONTHS} months` });
  const colours = { red: 'var(--red)', amber: 'var(--amber)', blue: 'var(--blue)', green: 'var(--green)', none: '#d0d4d7', unknown: '#eee' };
  points.forEach((p, i) => {
    let y = H;
    for (const r of [...RAGB_ORDER, 'none', 'unknown']) {
      const hgt = (p.counts[r] / max) * H;
      if (!hgt) continue;
      y -= hgt;
      const rect = el('rect', { x: i * W + 3, y, width: W - 6, height: hgt, fill: colours[r] });
      rect.appendChild(el('title', {}, `${p.label}: ${p.counts[r]} ${RAGB[r]?.label || (r === 'none' ? 'not rated' : 'unknown')}`));
      svg.appendChild(rect);
    }
    svg.appendChild(el('text', { x: i * W + W / 2, y: H + 12, 'text-anchor': 'middle', 'font-size': 9 }, p.label));
  });
  return h('figure', { class: 'trend' }, svg, h('figcaption', { class: 'meta' }, 'Ratings at the end of each month (as recorded by then).'));
}
