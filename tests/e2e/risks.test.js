// Issue 22 in the browser: a SIG raises a risk from the register, sees it in
// the table and in its heat map cell, rescores it and escalates it from the
// risk's page; the Operational Board's meeting mode shows the escalation on
// its agenda (and another one arriving live), the secretary accepts one by a
// decision of the meeting and returns the other with a reason.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, Server, client, launchBrowser, shot, stepper } from './harness.js';

const server = new Server();
let admin; let api; let browser; let page;
const world = {};


const step = stepper('risks-', server, () => ({ '': page }));

async function seed() {
  const eb = await api.post('groups', { name: 'Network Executive Board', kind: 'executive-board' });
  const ob = await api.post('groups', { name: 'Operational Board', kind: 'operational-board', parent_group_id: eb.id });
  const sig = await api.post('groups', { name: 'Imaging SIG', kind: 'sig' });
  await api.post(`groups/${sig.id}/change-parent`, { parent_group_id: ob.id });
  Object.assign(world, { eb: eb.id, ob: ob.id, sig: sig.id });
  world.owner = (await api.post('people', { name: 'Rhea Owner', job_title: 'Imaging lead' })).id;
  const today = new Date().toISOString().slice(0, 10);
  const meeting = await api.post('meetings', { group_id: ob.id, title: 'Operational Board', scheduled_for: today, location: 'Teams' });
  world.meeting = meeting.id;
  await api.post(`meetings/${meeting.id}/open`);
  // A SIG deliverable whose Risks column says something: a draft risk.
  const programme = await api.post('programmes', { group_id: sig.id, year: '2026-27', title: 'Imaging' });
  world.pacs = (await api.post('deliverables', { programme_id: programme.id, reference: 'IMG-04', title: 'AI triage pilot',
    interdependencies_risks: 'Depends on the PACS upgrade. A delay stops the pilot.' })).id;
  // Another SIG risk already on the register, lower down the matrix.
  world.other = (await api.post('risks', { title: 'Printer toner supply', group_id: sig.id, reference: 'R2',
    inherent: { likelihood: 2, impact: 2 } })).id;
}

describe('risks and escalation', { timeout: 60000 }, () => {
  before(async () => {
    admin = server.createToken('admin', 'E2E Programme Manager');
    world.viewerToken = server.createToken('viewer', 'E2E Board Member');
    await server.start();
    api = client(server.base, admin);
    await seed();
    ({ context: browser } = await launchBrowser());
    page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.base}/`);
    await page.getByLabel('Access token').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Work programmes', level: 1 }).waitFor();
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    server.cleanup();
  });

  step('a SIG raises a risk from the register; it is in the table and its heat map cell', async () => {
    await page.getByRole('link', { name: 'Risks', exact: true }).click();
    await page.getByRole('heading', { name: 'Risk register', level: 1 }).waitFor();
    await page.locator('details.raise-risk summary').click();
    const form = page.locator('#raise-risk-form');
    await form.getByLabel('Title').fill('Reporting backlog');
    await form.getByLabel('Reference').fill('R1');
    await form.getByLabel('Group').selectOption({ label: 'Imaging SIG' });
    await form.getByLabel('Owner').selectOption({ label: 'Rhea Owner' });
    await form.getByLabel('Cause').fill('Radiologist vacancies');
    await form.getByLabel('Event').fill('Reports wait beyond the standard');
    await form.getByLabel('Effect').fill('Delayed treatment');
    await form.getByLabel('Inherent likelihood').selectOption('4');
    await form.getByLabel('Inherent impact').selectOption('4');
    await form.getByLabel('Target likelihood').selectOption('2');
    await form.getByLabel('Target impact').selectOption('3');
    await form.getByLabel('QSIN statements').fill('IN-601');
    await form.getByRole('button', { name: 'Raise a risk' }).click();
    await page.locator('#toast').getByText('Risk raised.').waitFor();
    const row = page.locator('#risk-register tbody tr', { hasText: 'Reporting backlog' });
    await row.waitFor();
    world.risk = await row.getAttribute('data-id');
    assert.match(await row.locator('td.current').innerText(), /16 Extreme/);
    assert.equal(await page.locator('#risk-register tbody tr').first().getAttribute('data-id'), world.risk, 'highest score first');
    const cell = page.locator('#heat-map .cell[data-likelihood="4"][data-impact="4"]');
    assert.equal(await cell.getAttribute('data-count'), '1');
    assert.match(await cell.locator('title').textContent(), /Likelihood 4 x impact 4 = 16 \(extreme\): 1 risk$/);
    assert.equal(await page.locator('#heat-map .cell[data-likelihood="2"][data-impact="2"]').getAttribute('data-count'), '1');
    await shot(page, 'risks-register-heat-map', true);
    // A cell filters the table to its risks; again shows every cell.
    await cell.click();
    await page.waitForURL(/likelihood=4&impact=4/);
    await page.locator('#risk-count').getByText('1 risk shown').waitFor();
    assert.equal(await page.locator('#risk-register tbody tr').count(), 1);
    await page.locator('#heat-map .cell[data-likelihood="4"][data-impact="4"]').click();
    await page.locator('#risk-count').getByText('2 risks shown').waitFor();
    // The server's filters.
    await page.getByLabel('Minimum score').selectOption('8');
    await page.locator('#risk-count').getByText('1 risk shown').waitFor();
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.locator('#risk-count').getByText('2 risks shown').waitFor();
  });

  step("the risk's page: cause to effect, a rescore with its reason in the history, escalation", async () => {
    await page.locator('#risk-register').getByRole('link', { name: 'Reporting backlog' }).click();
    await page.locator('#cause-chain').waitFor();
    assert.match(await page.locator('#cause-chain').innerText(), /Radiologist vacancies → .*Reports wait beyond the standard → .*Delayed treatment/);
    const score = page.locator('#score-form');
    await score.getByLabel('Likelihood').selectOption('3');
    await score.getByLabel('Reason (required)').fill('Locum cover agreed');
    await score.getByRole('button', { name: 'Change score' }).click();
    await page.locator('#toast').getByText('Score changed.').waitFor();
    const latest = page.locator('.timeline-entry').first();
    assert.match(await latest.locator('.what').innerText(), /4 x 4 = 16 \(extreme\) → 3 x 4 = 12 \(high\)/);
    assert.match(await latest.locator('.why').innerText(), /Locum cover agreed/);
    const escalate = page.locator('#escalate-form');
    await escalate.getByLabel('Reason for escalating (required)').fill('Needs network-wide reporting capacity');
    await escalate.getByRole('button', { name: 'Escalate' }).click();
    await page.locator('#toast').getByText('Escalated.').waitFor();
    await page.locator('#escalation-pending').getByText('Escalated to Operational Board').waitFor();
    assert.match(await page.locator('#risk-escalations').innerText(), /To Operational Board.*Needs network-wide reporting capacity.*pending/s);
    await shot(page, 'risks-risk-page-history', true);
  });

  step("the Operational Board's meeting mode has it on the agenda, and one arriving live", async () => {
    await page.goto(`${server.base}/#/meetings/${world.meeting}`);
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    const agenda = page.locator('#escalations-agenda');
    const item = agenda.locator('li.escalation', { hasText: 'Reporting backlog' });
    await item.waitFor();
    const text = await item.innerText();
    assert.match(text, /R1 Reporting backlog/);
    assert.match(text, /3 x 4 = 12 \(high\)/, 'the rating when escalated');
    assert.match(text, /From Imaging SIG/);
    assert.match(text, /Needs network-wide reporting capacity/);
    // Another desk escalates the second risk: it appears without a reload.
    world.otherEscalation = (await api.post('escalations', { subject_kind: 'risk', subject_id: world.other,
      reason: 'Supplier serves the whole network' })).id;
    await agenda.locator('li.escalation', { hasText: 'Printer toner supply' }).waitFor({ timeout: 5000 });
    await page.evaluate(() => document.getElementById('toast').classList.remove('shown'));  // the risk page's toast
    await shot(page, 'risks-meeting-agenda-escalation', true);
  });

  step('the secretary accepts one by a decision of the meeting and returns the other with a reason', async () => {
    const agenda = page.locator('#escalations-agenda');
    // A reason half-typed to return one survives the agenda redrawing when the other is accepted.
    const toner = agenda.locator('li.escalation', { hasText: 'Printer toner supply' });
    await toner.getByRole('button', { name: 'Return…' }).click();
    await toner.getByLabel('Reason for returning (required)').fill('Manage locally with the supplier');
    await agenda.locator('li.escalation', { hasText: 'Reporting backlog' }).getByRole('button', { name: 'Accept' }).click();
    await agenda.getByText('Accepted: R1 Reporting backlog.').waitFor();
    await page.locator('#decisions li').getByText('Accepted the escalation of R1 Reporting backlog from Imaging SIG').waitFor();
    assert.equal(await agenda.locator('li.escalation', { hasText: 'Reporting backlog' }).count(), 0, 'off the pending agenda');
    await shot(page, 'risks-meeting-accepted', true);

    assert.equal(await toner.getByLabel('Reason for returning (required)').inputValue(), 'Manage locally with the supplier');
    assert.ok(await toner.getByRole('button', { name: 'Return…' }).isHidden());
    await toner.getByRole('button', { name: 'Return with this reason' }).click();
    await agenda.getByText('No escalation awaits this board.').waitFor();

    const meeting = await api.get(`meetings/${world.meeting}`);
    const accepted = (await api.get(`groups/${world.ob}/escalations?status=accepted`)).items;
    assert.equal(accepted.length, 1);
    assert.equal(accepted[0].subject_id, world.risk);
    const [mid, did] = accepted[0].accepted_decision.split('/');
    assert.equal(mid, world.meeting, 'accepted by a decision of this meeting');
    const decision = meeting.decisions.find((d) => d.decision_id === did);
    assert.ok(decision.links.some((l) => l.kind === 'escalation' && l.id === accepted[0].id), 'the decision links the escalation');
    const returned = await api.get(`escalations/${world.otherEscalation}`);
    assert.equal(returned.status, 'returned');
    assert.equal(returned.returned_reason, 'Manage locally with the supplier');
    assert.equal(returned.returned_decision.split('/')[0], world.meeting);
  });

  step('a new owner for the risk, said in its history by name', async () => {
    await page.goto(`${server.base}/#/risks/${world.risk}`);
    const form = page.locator('#owner-form');
    assert.equal(await form.getByLabel('Owner').inputValue(), world.owner, 'the current owner is chosen');
    await form.getByLabel('Owner').selectOption({ index: 0 });  // nobody named yet
    await form.getByRole('button', { name: 'Change owner' }).click();
    await page.getByText(/Edited: Owner Rhea Owner.* → none/).waitFor();
  });

  step('the decision log finds the acceptance across groups, with what it decided', async () => {
    await page.goto(`${server.base}/#/decisions`);
    await page.locator('#decision-log').waitFor();
    await page.getByLabel('Words').fill('reporting backlog');
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator('#decision-log tbody tr', { hasText: 'Accepted the escalation of R1 Reporting backlog' });
    await row.waitFor();
    assert.equal(await page.locator('#decision-log tbody tr').count(), 1, 'the words filter the log');
    const text = await row.innerText();
    assert.match(text, /Operational Board/);
    assert.match(text, /Accepted: the escalation of R1 Reporting backlog from Imaging SIG/);
    assert.ok(!/[0-9a-f]{8}-[0-9a-f]{4}-/.test(text), 'names, not ids');
    await shot(page, 'risks-decision-log', true);
  });

  step('the issue log: an issue raised, listed by priority, resolved with its resolution', async () => {
    await page.goto(`${server.base}/#/issues`);
    await page.getByText('No issues here.').waitFor();
    await page.locator('details.raise-issue summary').click();
    const form = page.locator('#raise-issue-form');
    await form.getByLabel('Title').fill('Reporting backlog breached six weeks');
    await form.getByLabel('Group').selectOption({ label: 'Imaging SIG' });
    await form.getByLabel('Priority').selectOption('critical');
    await form.getByRole('button', { name: 'Raise an issue' }).click();
    const row = page.locator('#issue-log tbody tr', { hasText: 'Reporting backlog breached six weeks' });
    await row.waitFor();
    assert.match(await row.innerText(), /Imaging SIG[\s\S]*Critical[\s\S]*Open/);
    await row.getByLabel('Resolution').fill('Outsourced 500 reports');
    await row.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('No issues here.').waitFor();
    await page.goto(`${server.base}/#/issues?status=resolved`);
    await page.locator('#issue-log tbody tr', { hasText: 'Resolved' }).getByText('Outsourced 500 reports').waitFor();
    await shot(page, 'risks-issue-log', true);
  });

  step("a draft from a deliverable's Risks column is scored and confirmed onto the register", async () => {
    await page.goto(`${server.base}/#/risks`);
    await page.locator('#risk-drafts summary').click();
    const draft = page.locator(`#risk-drafts form[data-deliverable="${world.pacs}"]`);
    assert.match(await draft.innerText(), /IMG-04 AI triage pilot \(Imaging SIG\): “Depends on the PACS upgrade/);
    await draft.getByLabel('Likelihood').selectOption('4');
    await draft.getByLabel('Impact').selectOption('3');
    await draft.getByRole('button', { name: 'Confirm as a risk' }).click();
    await page.locator('#risk-register tbody tr', { hasText: 'Depends on the PACS upgrade' }).waitFor();
    assert.equal(await page.locator('#risk-drafts').count(), 0, 'no draft left');
    const risks = (await api.get('risk-register?status=all')).risks;
    const raised = risks.find((r) => r.title.startsWith('Depends on the PACS upgrade'));
    assert.deepEqual(raised.deliverable_ids, [world.pacs]);
    assert.equal(raised.current.score, 12);
  });

  step('a viewer reads the register and the risk, and is offered no form', async () => {
    const p = await browser.newPage();
    await p.goto(`${server.base}/`);
    await p.getByLabel('Access token').fill(world.viewerToken);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Work programmes', level: 1 }).waitFor();
    await p.goto(`${server.base}/#/risks`);
    await p.locator('#risk-register').waitFor();
    assert.equal(await p.locator('#raise-risk-form').count(), 0);
    await p.goto(`${server.base}/#/risks/${world.risk}`);
    await p.locator('#risk-escalations').getByText('accepted').waitFor();
    assert.equal(await p.locator('main form').count(), 0, 'no score, review, status or escalate form');
    await p.close();
  });
});
