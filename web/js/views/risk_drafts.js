// Draft risks from the work programmes' "Interdependencies/ Risks" column
// (GET /api/v1/risk-drafts): an import offers them, never raises them. An
// editor scores a draft (likelihood x impact) and confirms it, which raises
// a risk linked to its deliverable (POST /api/v1/risk-drafts/confirm).
import { get, post } from '../api.js';
import { field, h, select } from '../dom.js';
import { commandForm } from '../forms.js';

const SCORES = [1, 2, 3, 4, 5].map((n) => [String(n), String(n)]);

export async function draftsSection(me, refresh) {
  const { drafts } = await get('risk-drafts', me.group_scope ? { group_id: me.group_scope } : {});
  if (!drafts.length) return null;
  return h('details', { class: 'risk-drafts', id: 'risk-drafts' },
    h('summary', {}, `Draft risks from the work programmes' Risks column (${drafts.length})`),
    h('p', {}, 'Each is the text a deliverable\'s row holds, offered as a risk linked to it. Score it and confirm it to put it on the group\'s register.'),
    h('ul', { class: 'plain' }, drafts.map((d) => draftItem(d, refresh))));
}

function draftItem(d, refresh) {
  const title = h('input', { name: 'title', value: d.proposed.title, required: true });
  const likelihood = select('likelihood', SCORES, '3');
  const impact = select('impact', SCORES, '3');
  return h('li', {}, commandForm({
    title: 'Confirm as a risk',
    heading: h('p', {}, h('strong', {}, `${d.deliverable.reference ? `${d.deliverable.reference} ` : ''}${d.deliverable.title}`),
      ` (${d.deliverable.group_name}): “${d.text}”`),
    attrs: { class: 'card command draft', dataset: { deliverable: d.deliverable.id } },
    controls: [field('Risk title', title), field('Likelihood', likelihood), field('Impact', impact)],
    toBody: () => ({ drafts: [{ deliverable_id: d.deliverable.id, title: title.value.trim(),
      inherent: { likelihood: Number(likelihood.value), impact: Number(impact.value) } }] }),
    send: (body) => post('risk-drafts/confirm', body),
    saved: 'Risk raised from the draft',
    onSaved: refresh,
  }));
}
