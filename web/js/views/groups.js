// Groups: the list; one group's membership as at any date, terms of
// reference and meetings (open ones lead to meeting mode).
import { get, getAll, may, post, session, whoAmI } from '../api.js';
import { field, formatDate, formatTime, h, mount, select, todayIso } from '../dom.js';
import { commandForm } from '../forms.js';

const ROLES = ['chair', 'vice-chair', 'member', 'observer', 'patient-representative', 'secretary'];

const label = (s) => String(s || '').replace(/-/g, ' ');

export async function renderGroups(main) {
  const groups = await getAll('groups');
  const rows = groups.items.slice().sort((a, b) => a.name.localeCompare(b.name));
  mount(main, h('h1', {}, 'Groups'),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Governance groups'),
      h('thead', {}, h('tr', {}, ['Group', 'Kind', 'Lifecycle', 'Current members'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((g) => h('tr', {},
        h('td', {}, h('a', { href: `#/groups/${encodeURIComponent(g.id)}` }, g.name)),
        h('td', {}, label(g.kind)), h('td', {}, label(g.lifecycle)),
        h('td', {}, g.memberships.filter((m) => !m.end_date).length)))))));
}

export async function renderGroup(main, [id], query) {
  const path = `groups/${encodeURIComponent(id)}`;
  const date = query.get('date') || session.asAtDay || todayIso();
  const [g, members, meetings, organisations, me] = await Promise.all([
    get(path), get(`${path}/members`, { date }, { asAt: false }), getAll('meetings'), getAll('organisations'), whoAmI()]);
  const refresh = () => renderGroup(main, [id], query);
  const editGroup = !session.historical && may(me, 'edit_group', id);
  const runMeeting = !session.historical && may(me, 'run_meeting', id);
  const people = editGroup ? await getAll('people') : { items: [] };
  const orgName = new Map(organisations.items.map((o) => [o.id, o.name]));
  const tor = g.terms_of_reference_document_id
    ? await get(`documents/${encodeURIComponent(g.terms_of_reference_document_id)}`).catch(() => null) : null;
  const mine = meetings.items.filter((m) => m.group_id === id)
    .sort((a, b) => String(b.scheduled_for).localeCompare(String(a.scheduled_for)));
  const dateInput = h('input', { type: 'date', name: 'date', value: date });
  const dateForm = h('form', { class: 'inline' }, field('Membership as at', dateInput),
    h('button', { type: 'submit' }, 'Show'));
  dateForm.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/groups/${encodeURIComponent(id)}?date=${encodeURIComponent(dateInput.value)}`;
  });
  const q = g.quorum_rule || {};
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/groups' }, 'Groups')),
    h('div', { class: 'page-head' }, h('h1', {}, g.name),
      h('a', { class: 'button quiet', id: 'report-link', href: `#/groups/${encodeURIComponent(id)}/report` }, 'Board report')),
    h('dl', { class: 'fields' },
      h('dt', {}, 'Kind'), h('dd', {}, label(g.kind)),
      h('dt', {}, 'Lifecycle'), h('dd', {}, label(g.lifecycle)),
      h('dt', {}, 'Quorum'), h('dd', {}, `at least ${q.min_present || 0} present`,
        q.min_percent ? `, ${q.min_percent}% of members` : '', q.chair_required ? ', chair required' : ''),
      h('dt', {}, 'Terms of reference'), h('dd', {}, tor
        ? h('a', { href: `#/documents/${encodeURIComponent(tor.id)}` }, tor.title,
            tor.in_force_version_id ? ` (in force: ${tor.versions.find((v) => v.version_id === tor.in_force_version_id)?.version_label})` : '')
        : 'None recorded')),
    h('h2', {}, `Membership on ${formatDate(date)}`),
    dateForm,
    members.items.length === 0 ? h('p', { class: 'empty' }, 'No members on that date.') :
    h('table', { id: 'members' }, h('thead', {}, h('tr', {}, ['Name', 'Role', 'Organisation', 'From', 'To', ...(editGroup ? [''] : [])].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, members.items.map((m) => h('tr', {},
        h('td', {}, m.person?.name || m.person_id), h('td', {}, label(m.role)), h('td', {}, orgName.get(m.organisation_id) || m.organisation_id || ''),
        h('td', {}, formatDate(m.start_date)), h('td', {}, m.end_date ? formatDate(m.end_date) : '—'),
        editGroup && !m.end_date && m.membership_id ? h('td', {}, endMembership(path, m, refresh)) : editGroup ? h('td', {}) : null)))),
    editGroup ? appointForm(path, people.items, organisations.items, refresh) : null,
    h('h2', {}, 'Meetings'),
    runMeeting ? scheduleForm(id, refresh) : null,
    mine.length === 0 ? h('p', { class: 'empty' }, 'No meetings.') :
    h('ul', { class: 'meetings' }, mine.map((m) => h('li', {},
      h('a', { href: `#/meetings/${encodeURIComponent(m.id)}` }, m.title), ' — ', formatTime(m.scheduled_for),
      ' ', h('span', { class: `badge meeting-${m.status}` }, m.status),
      m.status === 'open' ? h('a', { class: 'button small', href: `#/meetings/${encodeURIComponent(m.id)}` }, 'Meeting mode') : null))));
}

function appointForm(path, people, organisations, refresh) {
  return commandForm({ title: 'Appoint member', id: 'appoint-form', saved: 'Member appointed', onSaved: refresh,
    controls: [
      field('Person', select('person_id', people.map((p) => [p.id, p.name || p.id]).sort((a, b) => a[1].localeCompare(b[1])))),
      field('Role', select('role', ROLES.map((r) => [r, label(r)]), 'member')),
      field('Organisation', select('organisation_id', [['', '—'], ...organisations.map((o) => [o.id, o.name])])),
      field('Member from', h('input', { type: 'date', name: 'start_date', value: todayIso(), required: true })),
    ],
    toBody: (f) => ({ person_id: f.get('person_id'), role: f.get('role'), start_date: f.get('start_date'),
      ...(f.get('organisation_id') ? { organisation_id: f.get('organisation_id') } : {}) }),
    send: (body) => post(`${path}/appoint-member`, body) });
}

// Ending a membership: the date it ended and why (kept in the record).
function endMembership(path, m, refresh) {
  const form = commandForm({ title: 'End membership', id: `end-${m.membership_id}`, saved: 'Membership ended', onSaved: refresh,
    controls: [
      field('Ended on', h('input', { type: 'date', name: 'end_date', value: todayIso(), required: true })),
      field('Reason', h('input', { name: 'reason', required: true })),
    ],
    toBody: (f) => ({ membership_id: m.membership_id, end_date: f.get('end_date'), reason: String(f.get('reason')).trim() }),
    send: (body) => post(`${path}/end-membership`, body) });
  return h('details', { class: 'end-membership' }, h('summary', {}, 'End…'), form);
}

function scheduleForm(groupId, refresh) {
  return commandForm({ title: 'Schedule a meeting', id: 'schedule-form', saved: 'Meeting scheduled', onSaved: refresh,
    controls: [
      field('Title', h('input', { name: 'title', required: true })),
      field('Date', h('input', { type: 'date', name: 'date', value: todayIso(), required: true })),
      field('Time', h('input', { type: 'time', name: 'time', value: '10:00' })),
      field('Location', h('input', { name: 'location' })),
    ],
    toBody: (f) => ({ group_id: groupId, title: String(f.get('title')).trim(),
      scheduled_for: f.get('time')  // the local time, as UTC
      ? new Date(`${f.get('date')}T${f.get('time')}:00`).toISOString().replace(/\.\d{3}Z$/, 'Z') : f.get('date'),
      ...(f.get('location') ? { location: String(f.get('location')).trim() } : {}) }),
    send: (body) => post('meetings', body) });
}
