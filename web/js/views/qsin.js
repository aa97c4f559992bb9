// QSIN: evidence per statement, the gaps, and an evidence pack as at a date.
import { ApiError, download, get, getAll, may, session, whoAmI } from '../api.js';
import { errorBox, field, h, mount, select, todayIso } from '../dom.js';

export async function renderQsin(main) {
  const [coverage, me, deliverables, documents] = await Promise.all([
    get('qsin/coverage'), whoAmI(), getAll('deliverables'), getAll('documents')]);
  // Evidence by name: "MRI-01 Establish a plan…", "WMIN Strategy (IN-201)".
  const names = new Map([
    ...deliverables.items.map((d) => [d.id, `${d.reference ? `${d.reference} ` : ''}${d.title}`]),
    ...documents.items.map((d) => [d.id, `${d.title}${d.document_numbers?.length ? ` (${d.document_numbers.join(', ')})` : ''}`]),
  ]);
  const statements = coverage.statements || [];
  const gaps = coverage.gaps || [];
  mount(main,
    h('h1', {}, 'QSIN coverage'),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'h-cov' },
        h('h2', { id: 'h-cov' }, 'Evidence per statement'),
        statements.length === 0 ? h('p', { class: 'empty' }, 'No statements yet.') :
        h('div', { class: 'table-wrap' }, h('table', { id: 'coverage' },
          h('thead', {}, h('tr', {}, ['Statement', 'Title', 'Deliverables', 'Documents', 'Decisions',
            'Self-assessment', 'Evidence'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, statements.map((s) => h('tr', { class: s.has_evidence ? null : 'gap' },
            h('th', { scope: 'row' }, s.code), h('td', {}, s.title || '—'),
            h('td', {}, evidenceList(s.deliverables, 'deliverables', names)),
            h('td', {}, evidenceList(s.documents, 'documents', names)),
            h('td', {}, s.counts?.decisions ?? 0),
            h('td', {}, s.self_assessment ? `${s.self_assessment.outcome.replace('-', ' ')}${s.self_assessment.comment ? ` — ${s.self_assessment.comment}` : ''}` : 'None recorded'),
            h('td', {}, s.has_evidence ? h('span', { class: 'badge ok' }, 'Evidence') : h('span', { class: 'badge overdue' }, 'Gap')))))))),
      h('section', { 'aria-labelledby': 'h-gaps' },
        h('h2', { id: 'h-gaps' }, 'Gaps'),
        gaps.length ? h('ul', { id: 'gaps' }, gaps.map((g) => h('li', {}, typeof g === 'string' ? g : (g.code || JSON.stringify(g)))))
          : h('p', { class: 'empty' }, 'No statement without evidence.'),
        // Only for a caller who may build packs (assessors and admins).
        may(me, 'build_evidence_pack') ? packForm(statements.map((s) => s.code)) : null)));
}

function evidenceList(ids, collection, names) {
  if (!ids || ids.length === 0) return '0';
  return h('details', {}, h('summary', {}, String(ids.length)),
    h('ul', {}, ids.map((id) => h('li', {}, h('a', { href: `#/${collection}/${encodeURIComponent(id)}` }, names.get(id) || id)))));
}

function packForm(codes) {
  const message = h('div', { id: 'pack-message', 'aria-live': 'polite' });
  const date = h('input', { type: 'date', name: 'as_of', value: session.asAtDay || todayIso(), required: true });
  const which = select('statements', [['all', 'All statements'], ...codes.map((c) => [c, c])], 'all');
  const form = h('form', { class: 'card', id: 'pack-form' },
    h('h2', {}, 'Evidence pack'),
    h('p', {}, 'A zip an assessor can verify without trusting this server: the evidence as at the date, with proofs.'),
    field('Statements', which), field('As at', date),
    h('button', { type: 'submit' }, 'Build and download'), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    mount(message, h('p', {}, 'Building…'));
    try {
      const statements = which.value === 'all' ? 'all' : [which.value];
      // A date is the end of that day: today's is still to come, so a pack
      // as at today is as at now (the server refuses a future as_of).
      const body = date.value === todayIso() ? { statements } : { statements, as_of: date.value };
      const got = await download('evidence-packs', { method: 'POST', body,
                                                     fallbackName: `evidence-pack-${date.value}.zip` });
      mount(message, h('p', { class: 'ok' }, `Downloaded ${got.name} (${got.size} bytes).`));
    } catch (err) {
      mount(message, errorBox(err instanceof ApiError && err.status === 404
        ? new Error('This server does not build evidence packs yet.') : err));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
