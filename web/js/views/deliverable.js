// One deliverable: every field, history, progress notes, linked evidence,
// and (for editors, not in the historical view) rating, note and completion.
import { getWithVersion, get, may, post, session, whoAmI } from '../api.js';
import { errorBox, field, formatDate, FREE_TEXT_HINT, h, mount, select, todayIso } from '../dom.js';
import { RAGB, RAGB_ORDER, ragbBadge, statusLabel } from '../ragb.js';
import { HISTORY_QUERY, historyTimeline } from './history.js';

export async function renderDeliverable(main, [id]) {
  const path = `deliverables/${encodeURIComponent(id)}`;
  const [{ body: d, etag }, history] = await Promise.all([getWithVersion(path), get(`${path}/history`, HISTORY_QUERY)]);
  const [programme, me] = await Promise.all([
    get(`programmes/${encodeURIComponent(d.programme_id)}`).catch(() => null), whoAmI()]);
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
          ? h('ul', { class: 'evidence' }, d.evidence.map(evidenceItem))
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

function evidenceItem(e) {
  if (e.kind === 'meeting-decision') {
    return h('li', {}, 'Decision ', e.item_id, ' of ',
      h('a', { href: `#/meetings/${encodeURIComponent(e.target_id)}` }, 'meeting'));
  }
  return h('li', {}, e.kind === 'document-version' ? `Version ${e.item_id} of ` : 'Document ',
    h('a', { href: `#/documents/${encodeURIComponent(e.target_id)}` }, e.target_id));
}

// A form that posts a command, shows the server's refusal, and re-renders.
function commandForm(title, id, controls, toBody, path, command, etag, refresh) {
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card command', id },
    h('h3', {}, title), controls, h('button', { type: 'submit' }, title), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await post(`${path}/${command}`, toBody(new FormData(form)), etag);
      await refresh();
    } catch (err) {
      mount(message, errorBox(err.status === 412
        ? new Error('Someone else changed this deliverable meanwhile: reload to see their change.') : err));
      button.disabled = false;
    }
  });
  return form;
}

function editors(d, path, etag, refresh) {
  const closed = d.status === 'completed' || d.status === 'cancelled';
  if (closed) {
    return h('p', { class: 'empty' }, `This deliverable is ${d.status}: reopen it through the API to change it.`);
  }
  return h('div', { class: 'editors' },
    h('h2', {}, 'Update'),
    commandForm('Change rating', 'change-ragb-form', [
      field('New rating', select('ragb', RAGB_ORDER.map((r) => [r, `${RAGB[r].label} — ${RAGB[r].meaning}`]), d.ragb || 'blue')),
      field('Reason (required)', h('textarea', { name: 'reason', required: true, rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ ragb: f.get('ragb'), reason: String(f.get('reason')).trim() }), path, 'change-ragb', etag, refresh),
    commandForm('Add note', 'note-form', [
      field('Date', h('input', { type: 'date', name: 'note_date', value: todayIso(), required: true })),
      field('Note', h('textarea', { name: 'text', required: true, rows: 2 }), FREE_TEXT_HINT),
    ], (f) => ({ note_date: f.get('note_date'), text: String(f.get('text')).trim() }), path, 'add-progress-note', etag, refresh),
    commandForm('Mark complete', 'complete-form', [
      field('Date completed', h('input', { type: 'date', name: 'date_completed', value: todayIso(), required: true })),
    ], (f) => ({ date_completed: f.get('date_completed') }), path, 'complete', etag, refresh));
}
