// Meeting mode: what the secretary projects during a meeting. Attendance and
// quorum, decisions and actions, the group's deliverables updated live from
// the WebSocket feed (each change highlighted as it arrives), who is
// connected, and a small "reconnecting" state.
import { get, getAll, may, post, session, whoAmI } from '../api.js';
import { errorBox, field, formatDate, formatTime, FREE_TEXT_HINT, h, mount, select, todayIso } from '../dom.js';
import { LiveFeed } from '../live.js';
import { RAGB, ragbBadge, statusLabel } from '../ragb.js';

export async function renderMeeting(main, [id]) {
  const path = `meetings/${encodeURIComponent(id)}`;
  let meeting = await get(path);
  const [group, people, deliverables, me] = await Promise.all([
    get(`groups/${encodeURIComponent(meeting.group_id)}`),
    getAll('people'),
    getAll('deliverables', { group_id: meeting.group_id }),
    whoAmI(),
  ]);
  const secretary = may(me, 'run_meeting', meeting.group_id);
  const personName = new Map(people.items.map((p) => [p.id, p.name || p.id]));
  const byId = new Map(deliverables.items.map((d) => [d.id, d]));
  const live = !session.historical && meeting.status !== 'closed' && meeting.status !== 'cancelled';

  const status = h('span', { id: 'live-status', class: 'live-status', role: 'status', dataset: { state: 'connecting' } }, 'Connecting…');
  const presence = h('ul', { id: 'presence', class: 'presence', 'aria-label': 'Connected now' });
  const feedList = h('ol', { id: 'live-feed', class: 'live-feed', 'aria-live': 'polite', reversed: true });
  const meetingPanel = h('div', { id: 'meeting-panel' });
  const tbody = h('tbody', {}, [...byId.values()].map((d) => row(d)));

  const refreshMeeting = async () => { meeting = await get(path); drawMeeting(); };
  function drawMeeting() {
    mount(meetingPanel, meetingDetails(meeting, group, personName),
      live && secretary && meeting.status === 'open' ? secretaryForms(path, people.items, refreshMeeting) : null,
      live && secretary && meeting.status === 'scheduled' ? commandButton('Open meeting', path, 'open', refreshMeeting) : null);
  }
  drawMeeting();

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: `#/groups/${encodeURIComponent(group.id)}` }, group.name), ' / Meeting'),
    h('div', { class: 'meeting-head' },
      h('h1', {}, meeting.title),
      live ? status : h('span', { class: 'live-status', dataset: { state: 'off' } },
        session.historical ? 'Historical: no live feed' : 'Meeting closed')),
    h('div', { class: 'meeting-grid' },
      meetingPanel,
      h('section', { class: 'live-panel', 'aria-labelledby': 'h-live' },
        h('h2', { id: 'h-live' }, 'Live changes'),
        h('p', { class: 'meta' }, 'Connected: '), presence,
        feedList)),
    h('section', { 'aria-labelledby': 'h-dl' },
      h('h2', { id: 'h-dl' }, `${group.name}: deliverables`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'meeting-deliverables' },
        h('thead', {}, h('tr', {}, ['Reference', 'Deliverable', 'Owner', 'Planned end', 'RAGB', 'Status']
          .map((c) => h('th', { scope: 'col' }, c)))), tbody))));

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
        const fresh = row(d, true);
        const old = tbody.querySelector(`tr[data-id="${CSS.escape(d.id)}"]`);
        if (old) old.replaceWith(fresh); else tbody.prepend(fresh);
      } else if (entity.kind === 'meeting' && entity.id === id && entity.state) {
        meeting = entity.state;
        drawMeeting();
        title = 'this meeting';
      }
      feedList.prepend(feedItem(msg, title));
    },
  });
  feed.start();
  return () => feed.stop();
}

function row(d, fresh = false) {
  return h('tr', { dataset: { id: d.id }, class: fresh ? 'fresh' : null },
    h('td', {}, d.reference), h('td', {}, h('a', { href: `#/deliverables/${encodeURIComponent(d.id)}` }, d.title)),
    h('td', {}, d.owner), h('td', {}, d.planned_end?.text), h('td', {}, ragbBadge(d.ragb)), h('td', {}, statusLabel(d.status)));
}

function describe(msg) {
  const d = msg.data || {};
  const r = (x) => (RAGB[x] ? RAGB[x].label : 'not rated');
  switch (msg.event_type) {
    case 'DeliverableRagbChanged': return `rating ${r(d.previous_ragb)} → ${r(d.ragb)}`;
    case 'DeliverableStatusChanged': return `status ${statusLabel(d.previous_status)} → ${statusLabel(d.status)}`;
    case 'DeliverableCompleted': return `completed on ${formatDate(d.date_completed?.date || d.date_completed?.text || d.date_completed)}`;
    case 'DeliverableProgressNoteAdded': return `note: ${d.text}`;
    default: return msg.event_type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}

function feedItem(msg, title) {
  return h('li', { class: 'fresh', dataset: { position: msg.position, type: msg.event_type } },
    h('p', {}, h('strong', {}, title), ': ', describe(msg)),
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
