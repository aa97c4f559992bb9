// Meeting mode: what the secretary projects during a meeting. Attendance and
// quorum, decisions and actions, the group's deliverables updated live from
// the WebSocket feed (each change highlighted as it arrives), who is
// connected, and a small "reconnecting" state.
import { get, getAll, may, post, session, whoAmI } from '../api.js';
import { errorBox, field, formatDate, formatTime, FREE_TEXT_HINT, h, mount, select, todayIso } from '../dom.js';
import { LiveFeed } from '../live.js';
import { RAGB, ragbBadge, statusLabel } from '../ragb.js';
import { escalationAgenda } from './agenda.js';

// The groups a group oversees: itself and every group below it (a board
// oversees its SIGs' programmes through parent_group_id).
export function overseenGroups(groupId, groups) {
  const children = new Map();
  for (const g of groups) {
    if (!g.parent_group_id) continue;
    if (!children.has(g.parent_group_id)) children.set(g.parent_group_id, []);
    children.get(g.parent_group_id).push(g.id);
  }
  const seen = new Set([groupId]);
  for (const id of seen) for (const c of children.get(id) || []) seen.add(c);
  return seen;
}

// When a closed meeting was closed (recorded time), from its history.
async function closedAt(path) {
  const page = await get(`${path}/history`, { order: 'desc', limit: 200 }, { asAt: false }).catch(() => null);
  return page?.items.find((e) => e.type === 'MeetingClosed')?.recorded_at || null;
}

export async function renderMeeting(main, [id], query) {
  const path = `meetings/${encodeURIComponent(id)}`;
  let meeting = await get(path);
  // A closed meeting shows the programmes as they stood when it closed (the
  // record's time of the close), unless the dashboard is already in the past.
  const closeTime = meeting.status === 'closed' && !session.historical ? await closedAt(path) : null;
  const [group, groups, people, allDeliverables, me] = await Promise.all([
    get(`groups/${encodeURIComponent(meeting.group_id)}`),
    getAll('groups'),
    getAll('people'),
    closeTime ? getAll('deliverables', { as_of: closeTime }) : getAll('deliverables'),
    whoAmI(),
  ]);
  const overseen = overseenGroups(group.id, groups.items);
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const deliverables = { ...allDeliverables, items: allDeliverables.items.filter((d) => overseen.has(d.group_id)) };
  const showGroup = overseen.size > 1;
  const secretary = may(me, 'run_meeting', meeting.group_id);
  const personName = new Map(people.items.map((p) => [p.id, p.name || p.id]));
  const byId = new Map(deliverables.items.map((d) => [d.id, d]));
  const live = !session.historical && meeting.status !== 'closed' && meeting.status !== 'cancelled';
  const row = (d, fresh = false) => deliverableRow(d, fresh, showGroup ? groupName.get(d.group_id) || '' : null);

  const status = h('span', { id: 'live-status', class: 'live-status', role: 'status', dataset: { state: 'connecting' } }, 'Connecting…');
  const presence = h('ul', { id: 'presence', class: 'presence', 'aria-label': 'Connected now' });
  const feedList = h('ol', { id: 'live-feed', class: 'live-feed', 'aria-live': 'polite', reversed: true });
  // The record is redrawn on every live change of the meeting; the
  // secretary's forms are drawn once and never redrawn, so what is being
  // typed, and which form is open, survive every live update and every save.
  const recordPanel = h('div', { id: 'meeting-record' });
  const formsPanel = h('div', { id: 'meeting-forms' });
  const meetingPanel = h('div', { id: 'meeting-panel' }, recordPanel, formsPanel);
  const attention = h('section', { id: 'attention', 'aria-labelledby': 'h-attention' });
  const tbody = h('tbody', {}, [...byId.values()].map((d) => row(d)));
  // The escalations awaiting this board: the secretary decides them in an
  // open meeting; redrawn when an escalation of the group changes.
  const agenda = escalationAgenda(id, group.id, () => live && secretary && meeting.status === 'open');
  await agenda.refresh();

  let forms = null;
  let formsFor = null;
  let agendaFor = meeting.status;
  const refreshMeeting = async () => { meeting = await get(path); drawMeeting(); };
  function drawMeeting() {
    mount(recordPanel, meetingDetails(meeting, group, personName));
    const want = !live || !secretary ? null : meeting.status === 'open' ? 'open' : meeting.status === 'scheduled' ? 'scheduled' : null;
    if (want !== formsFor) {
      formsFor = want;
      forms = want === 'open' ? secretaryForms(path, people.items, refreshMeeting)
        : want === 'scheduled' ? commandButton('Open meeting', path, 'open', refreshMeeting) : null;
      mount(formsPanel, forms);
    }
    drawAttention();
    // Accept and Return are offered while the meeting is open.
    if (meeting.status !== agendaFor) { agendaFor = meeting.status; agenda.redraw(); }
  }
  function drawAttention() {
    mount(attention, ...attentionItems(meeting, [...byId.values()], personName, closeTime));
  }
  drawMeeting();

  const projector = query?.get('view') === 'projector';
  document.body.classList.toggle('projector', projector);
  const q = new URLSearchParams(query);
  if (projector) q.delete('view'); else q.set('view', 'projector');
  const viewLink = h('a', { class: 'button quiet small', id: 'projector-toggle',
    href: `#/meetings/${encodeURIComponent(id)}${q.toString() ? `?${q}` : ''}` },
  projector ? 'Normal view' : 'Projector view');

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/groups/${encodeURIComponent(group.id)}` }, group.name), ' / Meeting'),
    h('div', { class: 'meeting-head' },
      h('h1', {}, meeting.title),
      live ? status : h('span', { class: 'live-status', dataset: { state: 'off' } },
        session.historical ? 'Historical: no live feed' : 'Meeting closed'),
      viewLink),
    closeTime ? h('p', { class: 'meta', id: 'as-at-close' }, `Programmes as they stood when the meeting closed, ${formatTime(closeTime)}.`) : null,
    h('div', { class: 'meeting-grid' },
      meetingPanel,
      h('section', { class: 'live-panel', 'aria-labelledby': 'h-live' },
        h('h2', { id: 'h-live' }, 'Live changes'),
        h('p', { class: 'meta' }, 'Connected: '), presence,
        feedList)),
    attention,
    agenda.section,
    h('section', { 'aria-labelledby': 'h-dl' },
      h('h2', { id: 'h-dl' }, showGroup ? `Programmes ${group.name} oversees: deliverables` : `${group.name}: deliverables`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'meeting-deliverables' },
        h('thead', {}, h('tr', {}, ['RAGB', 'Reference', 'Deliverable', ...(showGroup ? ['Group'] : []), 'Owner', 'Planned end', 'Status']
          .map((c) => h('th', { scope: 'col' }, c)))), tbody))));

  const leave = () => document.body.classList.remove('projector');
  if (!live) return leave;
  if (!live) return undefined;
  const feed = new LiveFeed({
    filter: { meeting_id: id },
    from: deliverables.position + 1,
    onState: (state, info) => {
      status.dataset.state = state;
      status.textContent = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', stopped: 'Stopped' }[state];
      if (state === 'live') status.dataset.resumedFrom = String(info.from);
    },
    onPresence: (msg) => mount(presence, (msg.connected || []).map((c) =>
      h('li', {}, c.name || c.client_id, c.role ? h('small', {}, ` (${c.role})`) : null))),
    onEvent: (msg) => {
      feedList.dataset.lastPosition = String(msg.position);
      const entity = msg.entity || {};
      let title = entity.id || msg.stream_id;
      if (entity.kind === 'deliverable' && entity.state) {
        const d = { ...byId.get(entity.id), ...entity.state };
        byId.set(d.id, d);
        title = d.title;
        if (!overseen.has(d.group_id)) {
          feedList.prepend(feedItem(msg, title, personName));
          return;
        }
        const fresh = row(d, true);
        const old = tbody.querySelector(`tr[data-id="${CSS.escape(d.id)}"]`);
        if (old) old.replaceWith(fresh); else tbody.prepend(fresh);
        drawAttention();
      } else if (entity.kind === 'meeting' && entity.id === id && entity.state) {
        meeting = entity.state;
        drawMeeting();
        title = 'this meeting';
      } else if (entity.kind === 'escalation') {
        agenda.refresh();
        title = entity.state?.subject_title || 'an escalation';
      }
      feedList.prepend(feedItem(msg, title, personName));
    },
  });
  feed.start();
  return () => { feed.stop(); leave(); };
}

// The rating and title first (what a board reads), then the rest.
function deliverableRow(d, fresh, group) {
  return h('tr', { dataset: { id: d.id }, class: [fresh ? 'fresh' : '', d.overdue ? 'is-overdue' : ''].join(' ').trim() || null },
    h('td', {}, ragbBadge(d.ragb)), h('td', { class: 'nowrap' }, d.reference),
    h('td', {}, h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, d.title)),
    group === null ? null : h('td', {}, group),
    h('td', {}, d.owner),
    h('td', { class: 'nowrap' }, d.planned_end?.text, d.overdue ? h('span', { class: 'badge overdue' }, 'Overdue') : null),
    h('td', {}, statusLabel(d.status)));
}

// The agenda's exceptions: overdue deliverables, Red and Amber ratings, and
// the meeting's actions past their due date. `closeTime`: the meeting is
// closed and this is as at its close.
function attentionItems(meeting, deliverables, personName, closeTime) {
  const today = (closeTime || new Date().toISOString()).slice(0, 10);
  const link = (d) => h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, `${d.reference ? `${d.reference} ` : ''}${d.title}`);
  const overdue = deliverables.filter((d) => d.overdue);
  const flagged = deliverables.filter((d) => (d.ragb === 'red' || d.ragb === 'amber') && !d.overdue);
  const actions = meeting.actions.filter((a) => a.status !== 'closed' && a.due_date && a.due_date < today);
  const items = [
    ...overdue.map((d) => h('li', { class: 'overdue' }, ragbBadge(d.ragb), ' ', link(d), ` — overdue (planned end ${d.planned_end?.text || '?'})`)),
    ...flagged.map((d) => h('li', {}, ragbBadge(d.ragb), ' ', link(d))),
    ...actions.map((a) => h('li', { class: 'overdue' }, h('span', { class: 'badge overdue' }, 'Action overdue'), ' ', a.text, ' — ',
      personName.get(a.owner_person_id) || a.owner_person_id, `, due ${formatDate(a.due_date)}`)),
  ];
  return [h('h2', { id: 'h-attention' }, 'For the board\'s attention'),
    items.length ? h('ul', { class: 'attention' }, items)
      : h('p', { class: 'empty' }, 'Nothing overdue, and no Red or Amber deliverable.')];
}

// A live change in words, people by name.
function describe(msg, personName) {
  const d = msg.data || {};
  const who = (id) => personName.get(id) || id;
  const r = (x) => (RAGB[x] ? RAGB[x].label : 'not rated');
  switch (msg.event_type) {
    case 'DeliverableRagbChanged': return `rating ${r(d.previous_ragb)} → ${r(d.ragb)}`;
    case 'DeliverableStatusChanged': return `status ${statusLabel(d.previous_status)} → ${statusLabel(d.status)}`;
    case 'DeliverableCompleted': return `completed on ${formatDate(d.date_completed?.date || d.date_completed?.text || d.date_completed)}`;
    case 'DeliverableProgressNoteAdded': return `note: ${d.text}`;
    case 'MeetingAttendanceRecorded': return `${who(d.person_id)} ${d.attendance}`;
    case 'MeetingDecisionRecorded': return `decision ${String(d.decision_id || '').replace(/^d/, '')}: ${d.text}`;
    case 'MeetingActionRaised': return `action for ${who(d.owner_person_id)}: ${d.text}`;
    case 'MeetingActionClosed': return `action ${String(d.action_id || '').replace(/^a/, '')} closed`;
    case 'EscalationRaised': return 'escalated';
    case 'EscalationAccepted': return 'escalation accepted';
    case 'EscalationReturned': return 'escalation returned';
    case 'EscalationClosed': return 'escalation closed';
    default: return msg.event_type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

function feedItem(msg, title, personName) {
  return h('li', { class: 'fresh', dataset: { position: msg.position, type: msg.event_type } },
    h('p', {}, h('strong', {}, title), ': ', describe(msg, personName)),
    msg.reason ? h('p', { class: 'why' }, 'Reason: ', h('q', {}, msg.reason)) : null,
    h('p', { class: 'meta' }, formatTime(msg.recorded_at), ' · ', msg.actor_name || msg.actor, ` · #${msg.position}`));
}

// The server gives the quorum recorded at close, else the quorum so far
// (the attendance recorded and the group's members on the meeting's date).
function quorumOf(meeting) {
  if (meeting.quorum) return { ...meeting.quorum, final: true };
  if (meeting.quorum_so_far) return { ...meeting.quorum_so_far, final: false };
  return null;
}

function meetingDetails(meeting, group, personName) {
  const q = quorumOf(meeting);
  return h('section', { class: 'meeting-details', 'aria-label': 'Meeting record' },
    h('p', { class: 'meta' }, formatTime(meeting.scheduled_for), meeting.location ? ` · ${meeting.location}` : '',
      ' · ', h('span', { class: `badge meeting-${meeting.status}` }, meeting.status)),
    q ? h('p', { id: 'quorum', class: q.quorate ? 'quorate' : 'not-quorate' },
      h('strong', {}, q.quorate ? 'Quorate' : 'Not quorate'), q.final ? '' : ' (so far)',
      ` — ${q.present_members} of ${q.counted_members} members present, ${q.required} required`)
      : h('p', { id: 'quorum' }, 'Quorum unknown: the group is not on record.'),
    h('h2', {}, 'Attendance'),
    meeting.attendance.length ? h('ul', { class: 'attendance' }, meeting.attendance.map((a) =>
      h('li', { class: a.member_on_date === false ? 'not-member' : null },
        personName.get(a.person_id) || a.person_id, ' — ', a.attendance,
        a.member_on_date === false ? h('span', { class: 'badge not-member' }, 'not a member on this date') : null)))
      : h('p', { class: 'empty' }, 'No attendance recorded yet.'),
    h('h2', {}, 'Decisions'),
    meeting.decisions.length ? h('ol', { id: 'decisions' }, meeting.decisions.map((d) => h('li', {}, d.text)))
      : h('p', { class: 'empty' }, 'No decisions yet.'),
    h('h2', {}, 'Actions'),
    meeting.actions.length ? h('ul', { id: 'actions' }, meeting.actions.map((a) => h('li', {}, a.text, ' — ',
      personName.get(a.owner_person_id) || a.owner_person_id, `, due ${formatDate(a.due_date)}`,
      a.status === 'closed' ? ' (closed)' : '')))
      : h('p', { class: 'empty' }, 'No actions yet.'));
}

function commandButton(text, path, command, done) {
  const b = h('button', { type: 'button' }, text);
  b.addEventListener('click', async () => {
    try { await post(`${path}/${command}`, {}); await done(); } catch (err) { b.after(errorBox(err)); }
  });
  return b;
}

function secretaryForm(title, controls, path, command, toBody, done) {
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card command' }, h('h3', {}, title), controls,
    h('button', { type: 'submit' }, title), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post(`${path}/${command}`, toBody(new FormData(form)));
      form.reset();
      mount(message, h('p', { class: 'ok' }, `${title}: saved.`));
      await done();
    } catch (err) { mount(message, errorBox(err)); }
  });
  return form;
}

function secretaryForms(path, people, done) {
  const options = people.map((p) => [p.id, p.name || p.id]);
  return h('details', { class: 'secretary' }, h('summary', {}, 'Record attendance, decisions and actions'),
    secretaryForm('Record attendance', [
      field('Person', select('person_id', options)),
      field('Attendance', select('attendance', [['present', 'Present'], ['apologies', 'Apologies'], ['absent', 'Absent']])),
    ], path, 'record-attendance', (f) => ({ person_id: f.get('person_id'), attendance: f.get('attendance') }), done),
    secretaryForm('Record decision', [field('Decision', h('textarea', { name: 'text', required: true, rows: 2 }), FREE_TEXT_HINT)],
      path, 'record-decision', (f) => ({ text: f.get('text') }), done),
    secretaryForm('Raise action', [
      field('Action', h('textarea', { name: 'text', required: true, rows: 2 }), FREE_TEXT_HINT),
      field('Owner', select('owner_person_id', options)),
      field('Due', h('input', { type: 'date', name: 'due_date', value: todayIso(), required: true })),
    ], path, 'raise-action', (f) => ({ text: f.get('text'), owner_person_id: f.get('owner_person_id'), due_date: f.get('due_date') }), done),
    commandButton('Close meeting', path, 'close', done));
}
