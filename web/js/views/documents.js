// Controlled documents: the register (version in force, review date, due /
// overdue), and one document's version history like the strategy's
// Appendix 6, with each version's content to download.
import { download, getAll, get, may, post, session, upload, whoAmI } from '../api.js';
import { errorBox, field, formatDate, h, mount, select, todayIso } from '../dom.js';
import { commandForm } from '../forms.js';
import { HISTORY_QUERY, historyTimeline } from './history.js';

const DUE_WITHIN_DAYS = 30;

// 'overdue', 'due' or '' for a review date, against the as-at date or today.
export function reviewState(reviewDate) {
  if (!reviewDate) return '';
  const ref = session.asAtDay || todayIso();
  if (reviewDate < ref) return 'overdue';
  const days = (Date.parse(reviewDate) - Date.parse(ref)) / 86400000;
  return days <= DUE_WITHIN_DAYS ? 'due' : '';
}

function reviewCell(date) {
  const state = reviewState(date);
  return h('td', { class: state ? `review-${state}` : null }, formatDate(date) || '—',
    state ? h('span', { class: `badge ${state}` }, state === 'overdue' ? 'Review overdue' : 'Review due') : null);
}

export async function renderDocuments(main) {
  const [docs, groups] = await Promise.all([getAll('documents'), getAll('groups')]);
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const rows = docs.items.slice().sort((a, b) => a.title.localeCompare(b.title));
  mount(main,
    h('h1', {}, 'Controlled documents'),
    h('p', {}, `Review dates due within ${DUE_WITHIN_DAYS} days are marked due; past ones overdue.`),
    rows.length === 0 ? h('p', { class: 'empty' }, 'No controlled documents registered.') :
    h('div', { class: 'table-wrap' }, h('table', { class: 'register' },
      h('caption', { class: 'visually-hidden' }, 'Document register'),
      h('thead', {}, h('tr', {}, ['Name', 'Document number', 'Version in force', 'Date adopted',
        'Review date', 'Approved by', 'Target audience'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((d) => {
        const v = d.versions.find((x) => x.version_id === d.in_force_version_id);
        return h('tr', { class: d.withdrawn ? 'withdrawn' : null },
          h('td', {}, h('a', { href: `#/documents/${encodeURIComponent(d.id)}` }, d.title)),
          h('td', {}, (d.document_numbers || []).join(', ')),
          h('td', {}, v ? v.version_label : (d.withdrawn ? 'Withdrawn' : 'None in force')),
          h('td', {}, v ? formatDate(v.date_adopted) : ''),
          reviewCell(d.review_date),
          h('td', {}, v ? (groupName.get(v.approving_group_id) || v.approving_group_id) : ''),
          h('td', {}, d.target_audience));
      })))));
}

export async function renderDocument(main, [id]) {
  const path = `documents/${encodeURIComponent(id)}`;
  const [d, history, groups, me] = await Promise.all([get(path), get(`${path}/history`, HISTORY_QUERY), getAll('groups'), whoAmI()]);
  const refresh = () => renderDocument(main, [id]);
  const manage = !session.historical && !d.withdrawn && may(me, 'manage_documents');
  const groupName = new Map(groups.items.map((g) => [g.id, g.name]));
  const message = h('div', { 'aria-live': 'polite' });
  const downloadButton = (v) => h('button', {
    type: 'button', class: 'small',
    onclick: async () => {
      try {
        const got = await download(`${path}/versions/${encodeURIComponent(v.version_id)}/content`,
          { fallbackName: `${d.title}-${v.version_label}` });
        mount(message, h('p', { class: 'ok' }, `Downloaded ${got.name} (${got.size} bytes).`));
      } catch (err) { mount(message, errorBox(err)); }
    },
  }, `Download v${v.version_label}`);
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/documents' }, 'Documents')),
    h('h1', {}, d.title),
    h('dl', { class: 'fields' }, [
      ['Document number', (d.document_numbers || []).join(', ')], ['QSIN statements', (d.qsin_codes || []).join(', ')],
      ['Owner', d.owner], ['Target audience', d.target_audience],
      ['Review date', formatDate(d.review_date)], ['Status', d.withdrawn ? `Withdrawn: ${d.withdrawn_reason}` : 'Active'],
    ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')])),
    h('h2', {}, 'Version history'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'versions' },
      h('caption', { class: 'visually-hidden' }, 'Version history'),
      h('thead', {}, h('tr', {}, ['Version', 'Date adopted', 'Summary of amendments', 'Name', 'Status',
        'Approved by', 'Review date', 'Content'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, d.versions.map((v) => h('tr', { class: v.status === 'in-force' ? 'in-force' : null },
        h('td', {}, v.version_label), h('td', {}, formatDate(v.date_adopted)), h('td', {}, v.summary),
        h('td', {}, v.author), h('td', {}, v.status),
        h('td', {}, groupName.get(v.approving_group_id) || v.approving_group_id || ''),
        reviewCell(v.review_date),
        h('td', {}, downloadButton(v), h('small', { class: 'hash', title: `SHA-256 ${v.content_sha256}` },
          ` ${v.size_bytes} bytes`))))))),
    message,
    manage ? h('div', { class: 'editors' }, uploadForm(path, refresh), approveForm(path, d, groups.items, refresh)) : null,
    h('h2', {}, 'History'),
    historyTimeline(history));
}

// A new draft version: its content is the file's bytes, stored by SHA-256.
function uploadForm(path, refresh) {
  const file = h('input', { type: 'file', name: 'file', required: true });
  return commandForm({ title: 'Upload a new version', id: 'upload-version-form', saved: 'Version uploaded', onSaved: refresh,
    controls: [
      field('Version', h('input', { name: 'version_label', required: true, placeholder: 'e.g. 2.1' })),
      field('Summary of amendments', h('input', { name: 'summary', required: true })),
      field('Name (author)', h('input', { name: 'author' })),
      field('File', file),
    ],
    toBody: (f) => ({ version_label: String(f.get('version_label')).trim(), summary: String(f.get('summary')).trim(),
      ...(String(f.get('author') || '').trim() ? { author: String(f.get('author')).trim() } : {}), file: file.files[0] }),
    send: ({ file: content, ...query }) => upload(`${path}/versions`, query, content) });
}

function approveForm(path, d, groups, refresh) {
  const drafts = d.versions.filter((v) => v.status === 'draft');
  if (!drafts.length) return null;
  return commandForm({ title: 'Approve a version', id: 'approve-version-form', saved: 'Version approved', onSaved: refresh,
    controls: [
      field('Version', select('version_id', drafts.map((v) => [v.version_id, v.version_label]), drafts[drafts.length - 1].version_id)),
      field('Approved by', select('approving_group_id', groups.map((g) => [g.id, g.name]).sort((a, b) => a[1].localeCompare(b[1])))),
      field('Date adopted', h('input', { type: 'date', name: 'date_adopted', value: todayIso(), required: true })),
    ],
    toBody: (f) => ({ version_id: f.get('version_id'), approving_group_id: f.get('approving_group_id'), date_adopted: f.get('date_adopted') }),
    send: (body) => post(`${path}/approve-version`, body) });
}
