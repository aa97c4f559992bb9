// The issue log: issues raised on the groups' logs (a risk that happened, a
// problem raised at a board), open ones first by priority, with their
// actions; editors raise an issue and resolve or reopen one
// (GET /api/v1/issues; commands in domain/issue_log.h).
import { getAll, may, post, session, whoAmI } from '../api.js';
import { field, formatDate, FREE_TEXT_HINT, h, mount, select } from '../dom.js';
import { commandForm } from '../forms.js';

const PRIORITIES = ['critical', 'high', 'medium', 'low'];
const words = (s) => s.charAt(0).toUpperCase() + s.slice(1);

export async function renderIssues(main, _params, query) {
  const show = query.get('status') || 'open';
  const [issues, groups, me] = await Promise.all([getAll('issues'), getAll('groups'), whoAmI()]);
  const editor = !session.historical && may(me, 'edit_programme_content');
  const people = editor ? await getAll('people') : { items: [] };
  const rows = issues.items.filter((i) => show === 'all' || i.status === show)
    .sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) ||
                    PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) ||
                    String(b.raised_at).localeCompare(String(a.raised_at)));
  const refresh = () => renderIssues(main, _params, query);
  mount(main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Issue log')),
    h('p', { class: 'filters-inline' }, ['open', 'resolved', 'all'].map((s) =>
      h('a', { href: `#/issues?status=${s}`, class: `button ${s === show ? '' : 'quiet'}`, 'aria-current': s === show ? 'true' : null },
        { open: 'Open', resolved: 'Resolved', all: 'All' }[s]))),
    rows.length === 0 ? h('p', { class: 'empty' }, 'No issues here.') :
      h('div', { class: 'table-wrap' }, h('table', { class: 'compact', id: 'issue-log' },
        h('caption', { class: 'visually-hidden' }, 'Issues, open first, by priority'),
        h('thead', {}, h('tr', {}, ['Ref', 'Issue', 'Group', 'Owner', 'Priority', 'Actions', 'Status', '']
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.map((i) => h('tr', { dataset: { id: i.id } },
          h('td', { class: 'nowrap' }, i.reference || '—'),
          h('td', {}, h('strong', {}, i.title), i.description ? h('div', { class: 'muted' }, i.description) : null),
          h('td', {}, i.group_name || i.group_id), h('td', {}, i.owner_name || '—'),
          h('td', {}, h('span', { class: `badge priority-${i.priority}` }, words(i.priority))),
          h('td', {}, actionList(i.actions)),
          h('td', {}, i.status === 'resolved' ? `Resolved ${formatDate(String(i.resolved_at).slice(0, 10))}: ${i.resolution}` : 'Open'),
          h('td', {}, editor && may(me, 'edit_programme_content', i.group_id) ? statusForm(i, refresh) : null)))))),
    editor ? raiseForm(groups.items, people.items, me, refresh) : null);
}

function actionList(actions) {
  if (!actions?.length) return '—';
  return h('ul', { class: 'plain' }, actions.map((a) => h('li', {},
    `${a.closed ? '✓ ' : ''}${a.description}${a.owner_name ? ` (${a.owner_name})` : ''}${a.due_date ? `, due ${formatDate(a.due_date)}` : ''}`)));
}

// Resolve (with the resolution) an open issue; reopen (with a reason) a resolved one.
function statusForm(issue, refresh) {
  const open = issue.status === 'open';
  const name = open ? 'resolution' : 'reason';
  return commandForm({ title: open ? 'Resolve' : 'Reopen', id: `issue-${open ? 'resolve' : 'reopen'}-${issue.id}`,
    saved: open ? 'Issue resolved' : 'Issue reopened', onSaved: refresh,
    controls: [field(open ? 'Resolution' : 'Reason', h('input', { name, required: true }))],
    toBody: (f) => ({ [name]: String(f.get(name)).trim() }),
    send: (body) => post(`issues/${encodeURIComponent(issue.id)}/${open ? 'resolve' : 'reopen'}`, body) });
}

function raiseForm(groups, people, me, refresh) {
  const mine = groups.filter((g) => !me.group_scope || g.id === me.group_scope)
    .map((g) => [g.id, g.name]).sort((a, b) => a[1].localeCompare(b[1]));
  const form = commandForm({ title: 'Raise an issue', id: 'raise-issue-form', saved: 'Issue raised', onSaved: refresh,
    controls: [
      field('Title', h('input', { name: 'title', required: true })),
      field('Reference', h('input', { name: 'reference', placeholder: 'e.g. I4' })),
      field('Group', select('group_id', mine)),
      field('Priority', select('priority', PRIORITIES.map((p) => [p, words(p)]), 'medium')),
      field('Owner', select('owner_person_id', [['', '—'], ...people.map((p) => [p.id, p.name || p.id])
        .sort((a, b) => a[1].localeCompare(b[1]))])),
      field('Description', h('textarea', { name: 'description', rows: 2 }), FREE_TEXT_HINT),
    ],
    toBody: (f) => {
      const body = { title: String(f.get('title')).trim(), group_id: f.get('group_id'), priority: f.get('priority') };
      for (const k of ['reference', 'owner_person_id', 'description']) {
        const v = String(f.get(k) || '').trim();
        if (v) body[k] = v;
      }
      return body;
    },
    send: (body) => post('issues', body) });
  return h('details', { class: 'raise-issue' }, h('summary', {}, 'Raise an issue'), form);
}
