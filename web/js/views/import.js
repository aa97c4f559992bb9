// Bring a workbook in from the page: the programme manager's monthly
// "upload this spreadsheet". The file is checked first (a dry run: new rows,
// changed fields, conflicts with changes made in Assure, warnings by row),
// and imported only when they confirm (POST /api/v1/imports).
import { may, session, upload, whoAmI } from '../api.js';
import { errorBox, field, formatTime, h, mount, toast } from '../dom.js';

const FIELD_NAMES = { ragb: 'rating', planned_end: 'planned end', date_initiated: 'date initiated',
  date_completed: 'date completed', mm_qsin: 'MM/QSIN reference', interdependencies_risks: 'risks' };
const fieldName = (f) => FIELD_NAMES[f] || f.replace(/_/g, ' ');

export async function renderImport(main) {
  const me = await whoAmI();
  if (session.historical || !may(me, 'edit_programme_content')) {
    mount(main, h('h1', {}, 'Import a workbook'),
      h('p', {}, session.historical ? 'Return to now to import.' : 'Importing needs an editor\'s or admin\'s token.'));
    return;
  }
  const file = h('input', { type: 'file', name: 'file', accept: '.xlsx,.csv,.md,.txt', required: true });
  const title = h('input', { name: 'title', placeholder: 'Only for a table without a title' });
  const overwrite = h('input', { type: 'checkbox', name: 'overwrite', id: 'f-overwrite' });
  const report = h('div', { id: 'import-report', 'aria-live': 'polite' });
  const check = h('button', { type: 'submit' }, 'Check the file');
  const form = h('form', { class: 'card', id: 'import-form' },
    field('Workbook (xlsx, CSV or Markdown)', file), field('Programme title', title),
    h('div', { class: 'field checkbox' }, overwrite,
      h('label', { for: 'f-overwrite' }, 'Apply the file\'s values even where Assure was changed since the last import')),
    check);
  const send = (dryRun, linkOwners = false) => {
    const f = file.files[0];
    const query = { file_name: f.name, dry_run: dryRun ? 'true' : undefined,
      overwrite: overwrite.checked ? 'true' : undefined, title: title.value.trim() || undefined,
      link_owners: linkOwners ? 'true' : undefined };
    return upload('imports', query, f);
  };
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    check.disabled = true;
    mount(report, h('p', {}, 'Checking…'));
    try {
      const dry = await send(true);
      const go = h('button', { type: 'button', id: 'confirm-import' }, 'Import these changes');
      const proposed = (dry.owners || []).filter((o) => o.match === 'proposed');
      const link = h('input', { type: 'checkbox', id: 'f-link-owners' });
      const linkBox = proposed.length ? h('div', { class: 'field checkbox' }, link,
        h('label', { for: 'f-link-owners' }, `Link the ${proposed.length} owner name(s) above to the people they name (by id, so erasing a person covers them)`)) : null;
      go.addEventListener('click', async () => {
        go.disabled = true;
        try {
          const done = await send(false, link.checked);
          toast(`Imported: ${done.counts?.events_appended ?? 0} changes recorded.`);
          mount(report, h('p', { class: 'ok' }, 'Imported.'), reportView(done));
        } catch (err) { go.disabled = false; report.prepend(errorBox(err)); }
      });
      mount(report, h('p', { class: 'ok' }, 'Checked: nothing has been written yet.'), reportView(dry),
        linkBox, changes(dry) || proposed.length ? go : h('p', {}, 'Nothing to import: the programmes already say what the file says.'));
    } catch (err) {
      mount(report, errorBox(err));
    } finally {
      check.disabled = false;
    }
  });
  mount(main, h('p', { class: 'crumbs' }, h('a', { href: '#/programmes' }, 'Work programmes')),
    h('h1', {}, 'Import a workbook'),
    h('p', {}, 'Each table or sheet is one work programme. The file is checked first; nothing is written until you confirm. ',
      'An import never removes anything, and a field the board changed in Assure keeps Assure\'s value unless you tick the box.'),
    form, report);
}

function changes(r) {
  const c = r.counts || {};
  return (c.deliverables_created || 0) + (c.deliverables_changed || 0) + (c.programmes_created || 0) +
    (r.conflicts || []).filter((x) => x.overwritten).length > 0;
}

function reportView(r) {
  const c = r.counts || {};
  const rowsBy = (action) => (r.rows || []).filter((x) => x.action === action);
  const where = (x) => `${x.file} row ${x.row}`;
  return h('div', { class: 'import-report' },
    h('ul', { class: 'summary-strip' },
      [['New deliverables', c.deliverables_created], ['Changed', c.deliverables_changed],
        ['Unchanged', c.deliverables_unchanged], ['Rows skipped', c.rows_skipped],
        ['Conflicts', (r.conflicts || []).length], ['Warnings', (r.warnings || []).length]]
        .map(([k, v]) => h('li', { class: 'chip plain' }, h('span', { class: 'n' }, v ?? 0), ` ${k}`))),
    h('h2', {}, 'Programmes'),
    h('ul', {}, (r.programmes || []).map((p) => h('li', {}, h('strong', {}, p.title), ` (${p.group_name}, ${p.year})`,
      p.created ? ' — new programme' : '', `: ${p.deliverables_created} new, ${p.deliverables_changed} changed, ${p.deliverables_unchanged} unchanged`,
      p.not_in_file?.length ? `; ${p.not_in_file.length} in Assure but not in the file (kept)` : ''))),
    rowsBy('create').length ? [h('h2', {}, 'New rows'), h('ul', { id: 'new-rows' }, rowsBy('create').map((x) =>
      h('li', {}, `${where(x)}: `, h('strong', {}, `${x.reference ? `${x.reference} ` : ''}${x.title}`))))] : null,
    rowsBy('change').length ? [h('h2', {}, 'Changed rows'), h('ul', { id: 'changed-rows' }, rowsBy('change').map((x) =>
      h('li', {}, `${where(x)}: `, h('strong', {}, `${x.reference ? `${x.reference} ` : ''}${x.title}`),
        ` — ${x.fields_changed.map(fieldName).join(', ')}`)))] : null,
    (r.conflicts || []).length ? [h('h2', {}, 'Conflicts with changes made in Assure'),
      h('div', { class: 'table-wrap' }, h('table', { id: 'conflicts' },
        h('thead', {}, h('tr', {}, ['Row', 'Deliverable', 'Field', 'The file says', 'Assure says', 'Changed in Assure', 'Outcome']
          .map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, r.conflicts.map((x) => h('tr', {},
          h('td', {}, where(x)), h('td', {}, `${x.reference ? `${x.reference} ` : ''}${x.title}`), h('td', {}, fieldName(x.field)),
          h('td', {}, x.file_value || '—'), h('td', {}, x.assure_value || '—'),
          h('td', {}, formatTime(x.changed_at), x.reason ? h('q', { class: 'quoted' }, x.reason) : null),
          h('td', {}, x.overwritten ? 'the file\'s value is applied' : 'Assure\'s value is kept'))))))] : null,
    (r.owners || []).some((o) => o.match !== 'unmatched') ? [h('h2', {}, 'Owners who are people'),
      h('ul', { id: 'owner-links' }, r.owners.filter((o) => o.match !== 'unmatched').map((o) => h('li', {},
        `“${o.owner}” (${o.rows} row${o.rows === 1 ? '' : 's'}): `,
        o.match === 'ambiguous' ? `more than one person has this name (${o.candidates.length}); not linked`
          : `${o.match === 'linked' ? 'linked to' : 'would link to'} ${o.person_name}${o.organisation ? `, ${o.organisation}` : ''}`)))] : null,
    (r.warnings || []).length ? [h('h2', {}, 'Warnings'), h('ul', { id: 'warnings' }, r.warnings.map((w) =>
      h('li', {}, `${w.file}${w.row ? ` row ${w.row}` : ''}: ${w.message}`)))] : null);
}
