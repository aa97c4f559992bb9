// Meeting mode's "Escalations to this board": what the groups below sent up
// and await this board's decision (GET /api/v1/groups/{id}/escalations).
// The secretary accepts one by recording a decision in the meeting (linked
// to the escalation) and accepting the escalation by that decision; returns
// one the same way, with a reason.
import { get, post } from '../api.js';
import { errorBox, field, FREE_TEXT_HINT, h, mount } from '../dom.js';

// `canDecide()`: whether the secretary may decide now (an open meeting, live).
// Returns { section, refresh (asks the server), redraw }.
export function escalationAgenda(meetingId, groupId, canDecide) {
  const section = h('section', { id: 'escalations-agenda', 'aria-labelledby': 'h-escalations' });
  const message = h('div', { 'aria-live': 'polite' });
  let busy = false;
  let items = [];
  let asked = 0;

  // Live events may ask again before an answer is in: the last asked wins.
  async function refresh() {
    const seq = ++asked;
    try {
      const page = await get(`groups/${encodeURIComponent(groupId)}/escalations`, { direction: 'incoming', status: 'pending' });
      if (seq !== asked) return;
      items = page.items;
    } catch (err) {
      if (seq !== asked) return;
      mount(message, errorBox(err));
    }
    draw();
  }

  function draw() {
    // Keep an open "Return" form (and what is typed in it) while a live
    // refresh redraws the list.
    const typing = [...section.querySelectorAll('form.return-escalation')].filter((f) => f.reason.value);
    mount(section, h('h2', { id: 'h-escalations' }, 'Escalations to this board'),
      items.length ? h('ul', { class: 'escalations' }, items.map((e) => item(e)))
        : h('p', { class: 'empty' }, 'No escalation awaits this board.'),
      message);
    for (const f of typing) {
      const li = section.querySelector(`li[data-id="${CSS.escape(f.dataset.id)}"]`);
      if (!li?.querySelector('form.return-escalation')) continue;
      li.querySelector('form.return-escalation').replaceWith(f);
      li.querySelector('button.show-return').hidden = true;
    }
  }

  function item(e) {
    const subject = e.subject_title || e.subject_id;
    const href = e.subject_kind === 'risk' ? `#/risks/${encodeURIComponent(e.subject_id)}`
      : e.subject_kind === 'deliverable' ? `#/deliverables/${encodeURIComponent(e.subject_id)}` : null;
    const chain = (e.chain || []).map((c) => `${c.from_group_name} → ${c.to_group_name} (${c.outcome})`);
    return h('li', { class: 'escalation', dataset: { id: e.id } },
      h('p', {}, h('span', { class: 'badge escalation-kind' }, e.subject_kind), ' ',
        href ? h('a', { href }, h('strong', {}, subject)) : h('strong', {}, subject),
        e.rating ? [' — ', h('span', { class: 'rating' }, e.rating)] : null),
      h('p', { class: 'meta' }, `From ${e.from_group_name}`, chain.length ? `, escalated before: ${chain.join('; ')}` : ''),
      e.reason ? h('p', { class: 'why' }, 'Reason: ', h('q', {}, e.reason)) : null,
      canDecide() ? actions(e, subject) : null);
  }

  // Records the decision in this meeting, then decides the escalation by it.
  async function decide(e, text, command, extra) {
    const path = `meetings/${encodeURIComponent(meetingId)}`;
    await post(`${path}/record-decision`, { text, links: [{ kind: 'escalation', id: e.id }] });
    const meeting = await get(path, undefined, { asAt: false });
    const made = meeting.decisions.filter((d) => d.text === text && (d.links || []).some((l) => l.kind === 'escalation' && l.id === e.id));
    const decision = made[made.length - 1];
    if (!decision) throw new Error('The decision was recorded but cannot be found in the meeting: reload and try again.');
    await post(`escalations/${encodeURIComponent(e.id)}/${command}`, { decision: `${meetingId}/${decision.decision_id}`, ...extra });
  }

  async function run(button, fn, done) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      await fn();
      mount(message, h('p', { class: 'ok' }, done));
      await refresh();
    } catch (err) {
      mount(message, errorBox(err));
      button.disabled = false;
    } finally {
      busy = false;
    }
  }

  function actions(e, subject) {
    const accept = h('button', { type: 'button', class: 'accept-escalation' }, 'Accept');
    accept.addEventListener('click', () => run(accept,
      () => decide(e, `Accepted the escalation of ${subject} from ${e.from_group_name}`, 'accept', {}),
      `Accepted: ${subject}.`));
    const reason = h('textarea', { name: 'reason', required: true, rows: 2 });
    const ret = h('form', { class: 'return-escalation', dataset: { id: e.id } },
      field('Reason for returning (required)', reason, FREE_TEXT_HINT),
      h('button', { type: 'submit', class: 'quiet' }, 'Return with this reason'));
    ret.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const why = reason.value.trim();
      run(ret.querySelector('button'),
        () => decide(e, `Returned the escalation of ${subject} to ${e.from_group_name}: ${why}`, 'return', { reason: why }),
        `Returned: ${subject}.`);
    });
    const returnButton = h('button', { type: 'button', class: 'quiet show-return' }, 'Return…');
    ret.hidden = true;
    returnButton.addEventListener('click', () => { ret.hidden = false; returnButton.hidden = true; reason.focus(); });
    return h('div', { class: 'escalation-actions' }, accept, ' ', returnButton, ret);
  }

  draw();
  return { section, refresh, redraw: draw };
}
