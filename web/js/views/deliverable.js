// One deliverable: every field, history, progress notes, linked evidence,
// and (for editors, not in the historical view) rating, note and completion.
import { getWithVersion, get, may, post, session, whoAmI } from '../api.js';
import { errorBox, field, formatDate, FREE_TEXT_HINT, h, mount, select, todayIso } from '../dom.js';
import { commandForm as sharedForm, confirmBox } from '../forms.js';
import { RAGB, RAGB_ORDER, ragbBadge, statusLabel } from '../ragb.js';
import { HISTORY_QUERY, historyTimeline } from './history.js';

export async function renderDeliverable(main, [id]) {
  const path = `deliverables/${encodeURIComponent(id)}`;
  const [{ body: d, etag }, history] = await Promise.all([getWithVersion(path), get(`${path}/history`, HISTORY_QUERY)]);
  const [programme, me, evidence] = await Promise.all([
    get(`programmes/${encodeURIComponent(d.programme_id)}`).catch(() => null), whoAmI(), describeEvidence(d.evidence)]);
  const refresh = () => renderDeliverable(main, [id]);

  const fields = [
    ['Network reference', d.reference], ['Network objective', d.objective],
    ['Description', d.description], ['Owner', d.owner],
    ['Date initiated', d.date_initiated?.text], ['Planned end date', d.planned_end?.text],
    ['Date completed', d.date_completed?.text], ['Anticipated outcome', d.anticipated_outcome],
    ['Interdependencies / risks', d.interdependencies_risks],
    ['MM/QSIN reference', d.mm_qsin?.raw],
    ['QSIN statements', (d.mm_qsin?.codes || []).join(', ')],
    ['Status', statusLabel(d.status)],
  ];
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/programmes' }, 'Work programmes'), ' / ',
      programme ? programme.title : d.programme_id),
    h('h1', {}, d.title, ' ', ragbBadge(d.ragb)),
    d.ragb ? h('p', { class: 'meaning' }, `${RAGB[d.ragb].label}: ${RAGB[d.ragb].meaning}`) : null,
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'h-fields' },
        h('h2', { id: 'h-fields' }, 'Details'),
        h('dl', { class: 'fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])),
        h('h2', {}, 'Progress notes'),
        progressNotes(d, path),
        h('h2', {}, 'Linked evidence'),
        d.evidence.length
          ? h('ul', { class: 'evidence', id: 'evidence' }, evidence)
          : h('p', { class: 'empty' }, 'No evidence linked.'),
        session.historical || !may(me, 'edit_programme_content', programme?.group_id)
          ? null : editors(d, path, etag, refresh)),
      h('section', { 'aria-labelledby': 'h-history' },
        h('h2', { id: 'h-history' }, 'History'),
        historyTimeline(history))));
}

function noteItem(n) {
  return h('li', {}, h('time', { datetime: n.note_date }, formatDate(n.note_date)), ' — ', n.text);
}

// The newest notes come with the deliverable (newest last there); older ones
// are read a page at a time from GET .../notes (newest first).
const NOTES_PAGE = 50;

function progressNotes(d, path) {
  const total = d.progress_note_count ?? d.progress_notes.length;
  if (!total) return h('p', { class: 'empty' }, 'No progress notes.');
  const list = h('ul', { class: 'notes', id: 'notes' }, [...d.progress_notes].reverse().map(noteItem));
  let shown = d.progress_notes.length;
  const count = h('p', { class: 'notes-count', id: 'notes-count' });
  const more = h('button', { type: 'button', class: 'quiet small', id: 'older-notes' }, 'Show older notes');
  const message = h('div', { 'aria-live': 'polite' });
  const update = () => {
    count.textContent = `Newest first: ${shown} of ${total} notes.`;
    more.hidden = shown >= total;
  };
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      const page = await get(`${path}/notes`, { order: 'desc', offset: shown, limit: NOTES_PAGE });
      for (const n of page.items) list.appendChild(noteItem(n));
      shown += page.items.length;
      if (!page.items.length) shown = total;
      mount(message);
    } catch (err) {
      mount(message, errorBox(err));
    }
    more.disabled = false;
    update();
  });
  update();
  return h('div', {}, count, list, more, message);
}

// Linked evidence in words: "Decision 3 of the Operational Board meeting of
// 24 May 2023", "Version 2.1 of WMIN Strategy (IN-201)". Each meeting or
// document is read once; one that cannot be read is named by its id.
async function describeEvidence(items) {
  const cache = new Map();
  const read = (kind, id) => {
    const key = `${kind}/${id}`;
    if (!cache.has(key)) cache.set(key, get(`${kind}/${encodeURIComponent(id)}`).catch(() => null));
    return cache.get(key);
  };
  return Promise.all(items.map(async (e) => {
    if (e.kind === 'meeting-decision') {
      const m = await read('meetings', e.target_id);
      const n = String(e.item_id).replace(/^d/, '');
      return h('li', {}, `Decision ${n} of `,
        h('a', { href: `#/meetings/${encodeURIComponent(e.target_id)}` },
          m ? `the ${m.title} meeting of ${formatDate(m.scheduled_for)}` : 'a meeting'),
        m?.decisions?.find((x) => x.decision_id === e.item_id)?.text
          ? h('q', { class: 'quoted' }, m.decisions.find((x) => x.decision_id === e.item_id).text) : null);
    }
    const doc = await read('documents', e.target_id);
    const title = doc ? `${doc.title}${doc.document_numbers?.length ? ` (${doc.document_numbers.join(', ')})` : ''}` : e.target_id;
    const version = e.kind === 'document-version'
      ? (doc?.versions?.find((v) => v.version_id === e.item_id)?.version_label || e.item_id) : null;
    return h('li', {}, version ? `Version ${version} of ` : 'Document ',
      h('a', { href: `#/documents/${encodeURIComponent(e.target_id)}` }, title));
  }));
}

// A command on this deliverable, guarded by the version shown (412 if it
// changed meanwhile).
function commandForm(title, id, controls, toBody, path, command, etag, refresh, saved = 'Saved') {
  return sharedForm({ title, id, controls, toBody, saved, onSaved: refresh,
    send: (body) => post(`${path}/${command}`, body, etag),
    explain: (err) => (err.status === 412
      ? new Error('Someone else changed this deliverable meanwhile: reload to see their change.') : err) });
}

function editors(d, path, etag, refresh) {
  const closed = d.status === 'completed' || d.status === 'cancelled';
  if (closed) {
    return h('div', { class: 'editors' }, h('h2', {}, 'Update'),
      commandForm('Reopen', 'reopen-form', [
        h('p', {}, `This deliverable is ${statusLabel(d.status).toLowerCase()}. Reopening puts it back in progress.`),
        field('Reason (required)', h('textarea', { name: 'reason', required: true, rows: 2 }), FREE_TEXT_HINT),
      ], (f) => ({ reason: String(f.get('reason')).trim() }), path, 'reopen', etag, refresh, 'Reopened'));
  }
  const complete = commandForm('Mark complete', 'complete-form', [
    field('Date completed', h('input', { type: 'date', name: 'date_completed', value: todayIso(), required: true })),
    confirmBox('confirm-complete', 'I confirm the deliverable is complete (only reopening, with a reason, undoes this)'),
  ], (f) => ({ date_completed: f.get('date_completed') }), path, 'complete', etag, refresh, 'Marked complete');
  return h('div', { class: 'editors' },
    h('h2', {}, 'Update'),
    commandForm('Change rating', 'change-ragb-form', [
      field('New rating', select('ragb', RAGB_ORDER.map((r) => [r, `${RAGB[r].label} — ${RAGB[r].meaning}`]), d.ragb || 'blue')),
      field('Reason (required)', h('textarea', { name: 'reason', required: true, rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ ragb: f.get('ragb'), reason: String(f.get('reason')).trim() }), path, 'change-ragb', etag, refresh, 'Rating changed'),
    commandForm('Add note', 'note-form', [
      field('Date', h('input', { type: 'date', name: 'note_date', value: todayIso(), required: true })),
      field('Note', h('textarea', { name: 'text', required: true, rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ note_date: f.get('note_date'), text: String(f.get('text')).trim() }), path, 'add-progress-note', etag, refresh, 'Note added'),
    complete);
}
