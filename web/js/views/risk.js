// One risk: cause -> event -> effect, owner and group, linked deliverables
// and QSIN statements, its inherent, current and target scores, controls,
// reviews, escalations, and its history in words; and (for editors of its
// group, not in the historical view) scoring, controls, review, status and
// escalation to the board above.
import { get, getAll, may, post, session, whoAmI } from '../api.js';
import { field, formatDate, formatTime, FREE_TEXT_HINT, h, select, mount, todayIso } from '../dom.js';
import { commandForm } from '../forms.js';
import { HISTORY_QUERY, historyTimeline } from './history.js';
import { riskStatusLabel, scoreBadge } from './risks.js';

export async function renderRisk(main, [id]) {
  const path = `risks/${encodeURIComponent(id)}`;
  const [r, history, me] = await Promise.all([get(path), get(`${path}/history`, HISTORY_QUERY), whoAmI()]);
  const [group, deliverables, escalations] = await Promise.all([
    get(`groups/${encodeURIComponent(r.group_id)}`).catch(() => null),
    Promise.all(r.deliverable_ids.map((d) => get(`deliverables/${encodeURIComponent(d)}`).catch(() => ({ id: d, title: d })))),
    get(`groups/${encodeURIComponent(r.group_id)}/escalations`, { direction: 'outgoing', status: 'all' })
      .then((page) => page.items.filter((e) => e.subject_kind === 'risk' && e.subject_id === id)).catch(() => []),
  ]);
  const editor = !session.historical && may(me, 'edit_programme_content', r.group_id);
  const people = editor ? (await getAll('people')).items : [];
  const refresh = () => renderRisk(main, [id]);
  const reviews = history.items.filter((e) => e.type === 'RiskReviewed');
  const chain = [r.cause, r.event, r.effect].some(Boolean)
    ? h('p', { class: 'cause-chain', id: 'cause-chain' },
      h('span', {}, h('strong', {}, 'Cause: '), r.cause || '—'), ' → ',
      h('span', {}, h('strong', {}, 'Event: '), r.event || '—'), ' → ',
      h('span', {}, h('strong', {}, 'Effect: '), r.effect || '—'))
    : null;
  const fields = [
    ['Reference', r.reference], ['Category', r.category], ['Owner', r.owner_name],
    ['Group', group ? h('a', { href: `#/groups/${encodeURIComponent(group.id)}` }, group.name) : r.group_name],
    ['Status', [riskStatusLabel(r.status), r.status_reason ? h('q', { class: 'quoted' }, r.status_reason) : null]],
    ['Review date', r.review_date ? [formatDate(r.review_date),
      r.status !== 'closed' && r.review_date < todayIso() ? h('span', { class: 'badge overdue' }, 'Review overdue') : null] : null],
    ['Last reviewed', r.last_reviewed ? formatDate(r.last_reviewed) : null],
    ['Deliverables', deliverables.length ? h('ul', { class: 'plain', id: 'risk-deliverables' }, deliverables.map((d) =>
      h('li', {}, h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, `${d.reference ? `${d.reference} ` : ''}${d.title}`)))) : null],
    ['QSIN statements', r.qsin_codes.length ? r.qsin_codes.map((c, i) =>
      [i ? ', ' : '', h('a', { href: `#/qsin?code=${encodeURIComponent(c)}` }, c)]) : null],
  ];
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/risks' }, 'Risk register'), ' / ', r.group_name || r.group_id),
    h('h1', {}, r.reference ? `${r.reference} ` : '', r.title, ' ', scoreBadge(r.current)),
    chain,
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'h-fields' },
        h('h2', { id: 'h-fields' }, 'Details'),
        h('dl', { class: 'fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])),
        h('h2', {}, 'Scores'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'risk-scores' },
          h('thead', {}, h('tr', {}, ['', 'Likelihood', 'Impact', 'Score'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, [['Inherent', r.inherent], ['Current', r.current], ['Target', r.target]].map(([k, s]) =>
            h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, s.likelihood || '—'), h('td', {}, s.impact || '—'),
              h('td', {}, scoreBadge(s))))))),
        h('h2', {}, 'Controls and mitigating actions'),
        r.controls.length ? h('ul', { id: 'controls' }, r.controls.map((c) => h('li', { class: c.closed ? 'closed' : null },
          c.description, ' — ', c.owner_name || c.owner_person_id || 'no owner',
          c.due_date ? `, due ${formatDate(c.due_date)}` : '',
          c.closed ? [' ', h('span', { class: 'badge ok' }, 'Closed'), ' evidence: ', c.evidence] : null)))
          : h('p', { class: 'empty' }, 'No controls recorded.'),
        h('h2', {}, 'Reviews'),
        reviews.length ? h('ul', { id: 'reviews' }, reviews.map((e) => h('li', {}, e.summary, ' · ', e.actor_name || e.actor)))
          : h('p', { class: 'empty' }, 'Not reviewed yet.'),
        h('h2', {}, 'Escalations'),
        escalations.length ? h('ul', { id: 'risk-escalations' }, escalations.map((e) => h('li', {},
          `To ${e.to_group_name}, ${formatTime(e.raised_at)}: `, h('q', {}, e.reason), ' — ',
          h('span', { class: `badge escalation-${e.outcome || e.status}` }, e.outcome || e.status))))
          : h('p', { class: 'empty' }, 'Not escalated.'),
        editor ? editors(r, path, group, people, escalations, refresh) : null),
      h('section', { 'aria-labelledby': 'h-history' },
        h('h2', { id: 'h-history' }, 'Score history and changes'),
        historyTimeline(history))));
}

const SCORES = [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]);
const reasonField = (label = 'Reason (required)') =>
  field(label, h('textarea', { name: 'reason', required: true, rows: 2 }), FREE_TEXT_HINT);
const reasonOf = (f) => String(f.get('reason') || '').trim();

function form(title, id, controls, toBody, target, saved, refresh) {
  return commandForm({ title, id, controls, toBody, saved, onSaved: refresh, send: (body) => post(target, body) });
}

function editors(r, path, group, people, escalations, refresh) {
  const personOptions = [['', '—'], ...people.map((p) => [p.id, p.name || p.id]).sort((a, b) => a[1].localeCompare(b[1]))];
  const open = r.controls.filter((c) => !c.closed);
  const pending = escalations.find((e) => e.status === 'pending');
  const status = r.status === 'open'
    ? [form('Tolerate', 'tolerate-form', [reasonField()], (f) => ({ reason: reasonOf(f) }), `${path}/tolerate`, 'Risk tolerated', refresh),
      form('Close risk', 'close-form', [reasonField()], (f) => ({ reason: reasonOf(f) }), `${path}/close`, 'Risk closed', refresh)]
    : [form('Reopen', 'reopen-form', [reasonField()], (f) => ({ reason: reasonOf(f) }), `${path}/reopen`, 'Risk reopened', refresh)];
  let escalate;
  if (!group?.parent_group_id) {
    escalate = h('p', { class: 'meta' }, `${r.group_name} has no board above it to escalate to.`);
  } else if (pending) {
    escalate = h('p', { class: 'meta', id: 'escalation-pending' }, `Escalated to ${pending.to_group_name}: awaiting its decision.`);
  } else {
    escalate = form('Escalate', 'escalate-form', [
      h('p', {}, 'Sends this risk to the board above, for its agenda.'), reasonField('Reason for escalating (required)')],
    (f) => ({ subject_kind: 'risk', subject_id: r.id, reason: reasonOf(f) }), 'escalations', 'Escalated', refresh);
  }
  return h('div', { class: 'editors' }, h('h2', {}, 'Update'),
    form('Change score', 'score-form', [
      field('Which score', select('score', [['current', 'Current'], ['target', 'Target']], 'current')),
      field('Likelihood', select('likelihood', SCORES, String(r.current.likelihood || 3))),
      field('Impact', select('impact', SCORES, String(r.current.impact || 3))),
      reasonField(),
    ], (f) => ({ score: f.get('score'), likelihood: Number(f.get('likelihood')), impact: Number(f.get('impact')), reason: reasonOf(f) }),
    `${path}/score`, 'Score changed', refresh),
    form('Record review', 'review-form', [
      field('Reviewed on', h('input', { type: 'date', name: 'reviewed_on', value: todayIso(), required: true })),
      field('Next review', h('input', { type: 'date', name: 'next_review_date', required: true })),
      field('Note', h('textarea', { name: 'note', rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ reviewed_on: f.get('reviewed_on'), next_review_date: f.get('next_review_date'), note: String(f.get('note') || '').trim() }),
    `${path}/review`, 'Review recorded', refresh),
    form('Add control', 'add-control-form', [
      field('Control or action', h('textarea', { name: 'description', required: true, rows: 2 }), FREE_TEXT_HINT),
      field('Owner', select('owner_person_id', personOptions)),
      field('Due', h('input', { type: 'date', name: 'due_date' })),
    ], (f) => {
      const body = { description: String(f.get('description')).trim() };
      if (f.get('owner_person_id')) body.owner_person_id = f.get('owner_person_id');
      if (f.get('due_date')) body.due_date = f.get('due_date');
      return body;
    }, `${path}/add-control`, 'Control added', refresh),
    r.status === 'closed' ? null : form('Change owner', 'owner-form', [
      field('Owner', select('owner_person_id', personOptions, r.owner_person_id || '')),
      h('label', {}, 'Why (optional)', h('input', { name: 'reason' })),
    ], (f) => ({ owner_person_id: f.get('owner_person_id'), reason: String(f.get('reason') || '').trim() }),
    `${path}/edit`, 'Owner changed', refresh),
    open.length ? form('Close control', 'close-control-form', [
      field('Control', select('control_id', open.map((c) => [c.control_id, c.description]))),
      field('Evidence (required)', h('textarea', { name: 'evidence', required: true, rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ control_id: f.get('control_id'), evidence: String(f.get('evidence')).trim() }),
    `${path}/close-control`, 'Control closed', refresh) : null,
    status, r.status === 'closed' ? null : escalate);
}
