// The dashboard in the boardroom, in Debian's chromium at 1280x720: what a
// board reads first is on screen, rows in the spreadsheet's order and sortable,
// a search across programmes, a board's meeting mode showing the programmes it
// oversees with what needs its attention, the secretary's typing kept across
// live updates, a closed meeting as at its close, the projector view, the as-at
// date in the URL, printing on A4, and signed out showing only sign-in.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, Server, client, launchBrowser, shot, stepper } from './harness.js';

const server = new Server();
let admin; let api; let browser; let page;
const world = {};


const step = stepper('boardroom-', server, () => ({ '': page }));

async function signIn(p, token = admin) {
  await p.goto(`${server.base}/`);
  await p.getByLabel('Access token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Work programmes', level: 1 }).waitFor();
}

const RANK = { red: 0, amber: 1, blue: 2, green: 3 };

async function seed() {
  const all = (await api.get('deliverables?limit=1000')).items;
  // The SIG with the most deliverables; the board will oversee it.
  const count = new Map();
  for (const d of all) count.set(d.group_id, (count.get(d.group_id) || 0) + 1);
  world.sig = [...count.entries()].sort((a, b) => b[1] - a[1])[0][0];
  world.sigDeliverables = all.filter((d) => d.group_id === world.sig);
  world.flagged = world.sigDeliverables.find((d) => d.status !== 'completed' && d.ragb !== 'red');
  assert.ok(world.flagged, 'the SIG has a deliverable that is not Red');
  const board = await api.post('groups', { name: 'Operational Board', kind: 'operational-board' });
  world.board = board.id;
  await api.post(`groups/${world.sig}/change-parent`, { parent_group_id: board.id });
  const chair = await api.post('people', { name: 'Olivia Chair', job_title: 'Board chair' });
  world.chair = chair.id;
  await api.post(`groups/${board.id}/appoint-member`, { person_id: chair.id, role: 'chair', start_date: '2022-01-01' });
  world.beforeRed = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 1100));
  await api.post(`deliverables/${world.flagged.id}/change-ragb`, { ragb: 'red', reason: 'Supplier delay' });
  const today = new Date().toISOString().slice(0, 10);
  const meeting = await api.post('meetings', { group_id: board.id, title: 'Operational Board', scheduled_for: today, location: 'Teams' });
  world.meeting = meeting.id;
  await api.post(`meetings/${meeting.id}/open`);
  world.programmes = (await api.get('programmes?limit=1000')).items;
}

describe('the boardroom', { timeout: 180000 }, () => {
  before(async () => {
    assert.ok(server.importStrategy(), 'assure import is available');
    admin = server.createToken('admin', 'E2E Board Secretary');
    await server.start();
    api = client(server.base, admin);
    await seed();
    ({ context: browser } = await launchBrowser());
    page = await browser.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    server.cleanup();
  });

  step('signed out, the page offers only sign-in', async () => {
    await page.goto(`${server.base}/`);
    await page.getByLabel('Access token').waitFor();
    for (const id of ['nav', 'as-at-form', 'sign-out', 'who']) {
      assert.ok(await page.locator(`#${id}`).isHidden(), `#${id} is hidden when signed out`);
    }
  });

  step('rating, reference and title are on screen at 1280x720 without scrolling', async () => {
    await signIn(page);
    const table = page.locator('table.deliverables').first();
    const heads = await table.locator('thead th').allInnerTexts();
    assert.deepEqual(heads.slice(0, 3).map((t) => t.replace(/[↕▲▼]/g, '').trim()), ['RAGB', 'Ref', 'Deliverable']);
    const cell = table.locator('tbody tr').first().locator('td.ragb-cell');
    const box = await cell.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 1280, `the RAGB cell is within the viewport: ${JSON.stringify(box)}`);
    const title = await table.locator('tbody tr').first().locator('td.title').boundingBox();
    assert.ok(title.x + 100 <= 1280, 'the title starts on screen');
    await shot(page, 'boardroom-programmes-1280');
    await page.setViewportSize({ width: 768, height: 1024 });
    const narrow = await page.locator('table.deliverables').first().locator('tbody tr').first().locator('td.ragb-cell').boundingBox();
    assert.ok(narrow.x + narrow.width <= 768, 'and at 768 px');
    await shot(page, 'boardroom-programmes-768');
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  step('rows are in the spreadsheet order, and sort by a column', async () => {
    const programme = world.programmes.find((p) => p.deliverable_ids.length >= 3);
    const section = page.locator(`section.programme[data-programme="${programme.id}"]`);
    const ids = () => section.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.id));
    assert.deepEqual(await ids(), programme.deliverable_ids, 'the order the spreadsheet listed them');
    const ranks = async () => (await section.locator('tbody td.ragb-cell .badge').evaluateAll((bs) =>
      bs.map((b) => [...b.classList].find((c) => c.startsWith('ragb-')).slice(5)))).map((r) => RANK[r] ?? 9);
    await section.getByRole('button', { name: 'RAGB' }).click();
    const up = await ranks();
    assert.deepEqual(up, [...up].sort((a, b) => a - b), `ascending by rating: ${up}`);
    assert.equal(await section.locator('th[aria-sort="ascending"]').count(), 1);
    await section.getByRole('button', { name: 'RAGB' }).click();
    const down = await ranks();
    assert.deepEqual(down, [...down].sort((a, b) => b - a), `descending by rating: ${down}`);
  });

  step('a search finds deliverables across programmes', async () => {
    const word = world.flagged.title.split(/\s+/).find((w) => w.length > 5) || world.flagged.title;
    await page.getByLabel('Search').fill(word);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/q=/);
    await page.locator(`#row-${world.flagged.id}`).waitFor();
    const titles = await page.locator('table.deliverables tbody tr').count();
    assert.ok(titles >= 1);
    assert.match(await page.locator('#result-count').innerText(), / of \d+/);
  });

  step("a board's meeting mode shows the programmes it oversees and what needs its attention", async () => {
    await page.goto(`${server.base}/#/meetings/${world.meeting}`);
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    const rows = page.locator('#meeting-deliverables tbody tr');
    assert.equal(await rows.count(), world.sigDeliverables.length, 'every deliverable of the SIG it oversees');
    assert.match(await page.locator('#attention').innerText(), new RegExp(world.flagged.title.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await page.locator('#attention .badge.ragb-red').first().waitFor();
    await shot(page, 'boardroom-meeting');
  });

  step("the secretary's typing survives live updates and their own saves", async () => {
    await page.locator('details.secretary summary').click();
    const decision = page.getByLabel('Decision', { exact: true });
    await decision.fill('Half-typed decision about the supplier');
    // Someone else records attendance and a decision: the record redraws live.
    await api.post(`meetings/${world.meeting}/record-attendance`, { person_id: world.chair, attendance: 'present' });
    await api.post(`meetings/${world.meeting}/record-decision`, { text: 'Recorded from another desk' });
    await page.locator('#decisions li').getByText('Recorded from another desk').waitFor({ timeout: 3000 });
    await page.locator('#live-feed li[data-type="MeetingAttendanceRecorded"]').waitFor();
    assert.match(await page.locator('#live-feed li[data-type="MeetingAttendanceRecorded"]').innerText(), /Olivia Chair present/,
      'the live feed names the person');
    assert.equal(await decision.inputValue(), 'Half-typed decision about the supplier', 'typing kept');
    assert.ok(await page.locator('details.secretary').evaluate((d) => d.open), 'the forms stay open');
    // The secretary saves another form: the half-typed decision stays too.
    const action = page.getByLabel('Action', { exact: true });
    await action.fill('Chase the supplier');
    await page.getByRole('button', { name: 'Raise action' }).click();
    await page.getByText('Raise action: saved.').waitFor();
    await page.locator('#actions li').getByText('Chase the supplier').waitFor();
    assert.equal(await decision.inputValue(), 'Half-typed decision about the supplier');
    assert.equal(await action.inputValue(), '', 'the saved form is emptied');
  });

  step('the projector view is larger print without navigation', async () => {
    const before = await page.locator('h1').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    await page.locator('#projector-toggle').click();
    await page.waitForURL(/view=projector/);
    await page.locator('body.projector').waitFor({ state: 'attached' });
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    const larger = await page.locator('h1').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    assert.ok(larger > before * 1.2, `headline ${before}px -> ${larger}px`);
    assert.ok(await page.locator('#nav').isHidden(), 'no navigation on the projector');
    await shot(page, 'boardroom-projector');
    await page.locator('#projector-toggle').click();
    await page.waitForFunction(() => !document.body.classList.contains('projector'));
  });

  step('a closed meeting shows the programmes as they stood at its close', async () => {
    await api.post(`meetings/${world.meeting}/close`, {});
    await api.post(`deliverables/${world.flagged.id}/change-ragb`, { ragb: 'green', reason: 'Delivered after the board' });
    await page.goto(`${server.base}/#/programmes`);
    await page.goto(`${server.base}/#/meetings/${world.meeting}`);
    await page.locator('#as-at-close').waitFor();
    const row = page.locator(`#meeting-deliverables tr[data-id="${world.flagged.id}"]`);
    await row.locator('.badge.ragb-red').waitFor();
    assert.equal(await row.locator('.badge.ragb-green').count(), 0, 'not today\'s rating');
  });

  step('the as-at date is in the URL, kept while moving around, and cleared by Now', async () => {
    const other = await browser.newPage();
    await signIn(other);
    await other.goto(`${server.base}/#/programmes?as_of=2020-01-01`);
    await other.locator('#historical-banner:not([hidden])').waitFor();
    assert.equal(await other.locator('#as-at').inputValue(), '2020-01-01');
    await other.goto(`${server.base}/#/groups`);
    await other.waitForURL(/#\/groups\?as_of=2020-01-01$/);
    await other.getByRole('button', { name: 'Now' }).click();
    await other.locator('#historical-banner[hidden]').waitFor({ state: 'attached' });
    assert.doesNotMatch(other.url(), /as_of/);
    await other.close();
  });

  step('prints the work programmes on A4 without navigation or forms', async () => {
    await page.goto(`${server.base}/#/programmes`);
    await page.locator('section.programme').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('.top-bar').isHidden(), 'no navigation in print');
    assert.ok(await page.locator('form.filters').isHidden(), 'no filters in print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    writeFileSync(path.join(ARTIFACTS, 'boardroom-programmes.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.ok(pages >= 1, `${pages} pages`);
    console.log(`work programmes printed on ${pages} A4 pages (${pdf.length} bytes)`);
  });

  step('a group: appoint and end a membership, schedule a meeting, from the page', async () => {
    await api.post('people', { name: 'Sam Member', job_title: 'Radiology manager' });
    await page.goto(`${server.base}/#/groups/${world.board}`);
    const appoint = page.locator('#appoint-form');
    await appoint.getByLabel('Person').selectOption({ label: 'Sam Member' });
    await appoint.getByLabel('Role').selectOption('vice-chair');
    await appoint.getByLabel('Member from').fill('2023-04-01');
    await appoint.getByRole('button', { name: 'Appoint member' }).click();
    await page.locator('#toast').getByText('Member appointed.').waitFor();
    await page.locator('#members').getByText('vice chair').waitFor();
    const row = page.locator('#members tr', { hasText: 'vice chair' });
    await row.getByText('End…').click();
    await row.getByLabel('Reason').fill('Term ended');
    await row.getByRole('button', { name: 'End membership' }).click();
    await page.locator('#toast').getByText('Membership ended.').waitFor();
    const groupHistory = await api.get(`groups/${world.board}/history?order=desc&limit=5`);
    assert.ok(groupHistory.items.some((e) => /^Member left: Sam Member on /.test(e.summary)), 'history names the member');
    const schedule = page.locator('#schedule-form');
    await schedule.getByLabel('Title').fill('Operational Board (January)');
    await schedule.getByLabel('Date').fill('2027-01-14');
    await schedule.getByRole('button', { name: 'Schedule a meeting' }).click();
    await page.locator('.meetings').getByText('Operational Board (January)').waitFor();
    const meetings = (await api.get('meetings?limit=1000')).items.filter((m) => m.group_id === world.board);
    assert.ok(meetings.some((m) => m.title === 'Operational Board (January)' && m.status === 'scheduled'));
  });

  step('a document: upload a version and approve it from the page', async () => {
    const doc = await api.post('documents', { title: 'Network Governance Policy', document_numbers: 'IN-203',
      owner: 'Network Director', target_audience: 'Boards', review_interval_months: 12 });
    world.document = doc.id;
    await page.goto(`${server.base}/#/documents/${doc.id}`);
    const up = page.locator('#upload-version-form');
    await up.getByLabel('Version').fill('1.0');
    await up.getByLabel('Summary of amendments').fill('First issue');
    await up.getByLabel('File').setInputFiles({ name: 'policy.txt', mimeType: 'text/plain', buffer: Buffer.from('The policy.\n') });
    await up.getByRole('button', { name: 'Upload a new version' }).click();
    await page.locator('#toast').getByText('Version uploaded.').waitFor();
    const approve = page.locator('#approve-version-form');
    await approve.getByLabel('Approved by').selectOption({ label: 'Operational Board' });
    await approve.getByLabel('Date adopted').fill('2024-05-24');
    await approve.getByRole('button', { name: 'Approve a version' }).click();
    await page.locator('table.versions tr.in-force').getByRole('cell', { name: '1.0', exact: true }).waitFor();
    const d = await api.get(`documents/${doc.id}`);
    assert.equal(d.versions[0].status, 'in-force');
    assert.equal(d.versions[0].approving_group_id, world.board);
  });

  step('marking complete asks for confirmation; linked evidence is named; reopen from the page', async () => {
    const d = world.sigDeliverables.find((x) => x.status !== 'completed' && x.id !== world.flagged.id);
    const doc = (await api.get('documents?limit=100')).items.find((x) => x.title === 'Network Governance Policy');
    await api.post(`deliverables/${d.id}/link-evidence`, { kind: 'document-version', target_id: doc.id, item_id: 'v1' });
    await page.goto(`${server.base}/#/deliverables/${d.id}`);
    const complete = page.locator('#complete-form');
    await complete.getByRole('button', { name: 'Mark complete' }).click();
    assert.equal((await api.get(`deliverables/${d.id}`)).status, d.status, 'not completed without the confirmation');
    await complete.getByLabel(/I confirm the deliverable is complete/).check();
    await complete.getByRole('button', { name: 'Mark complete' }).click();
    await page.locator('#toast').getByText('Marked complete.').waitFor();
    await page.locator('#reopen-form').waitFor();
    assert.equal((await api.get(`deliverables/${d.id}`)).status, 'completed');
    assert.match(await page.locator('#evidence').innerText(), /Version 1\.0 of Network Governance Policy \(IN-203\)/);
    const linked = page.locator('.timeline-entry[data-type="DeliverableEvidenceLinked"] .what').first();
    assert.equal(await linked.innerText(), 'Evidence linked: version 1.0 of Network Governance Policy (IN-203)', 'history names the document');
    await page.locator('#reopen-form').getByLabel('Reason (required)').fill('Completed by mistake');
    await page.locator('#reopen-form').getByRole('button', { name: 'Reopen' }).click();
    await page.locator('#toast').getByText('Reopened.').waitFor();
    await page.locator('#complete-form').waitFor();
  });

  step('an unreachable server is said in words, and the message goes when it answers again', async () => {
    await page.goto(`${server.base}/#/programmes`);
    await page.locator('section.programme').first().waitFor();
    await server.stop();
    await page.getByLabel('RAGB').selectOption('red');
    await page.locator('#net-status:not([hidden])').waitFor();
    assert.match(await page.locator('#net-status').innerText(), /Cannot reach the Assure server/);
    await server.start();
    await page.goto(`${server.base}/#/programmes?ragb=amber`);
    await page.locator('#net-status[hidden]').waitFor({ state: 'attached' });
    await page.locator('#result-count').waitFor();
  });

  step('a workbook brought in from the page: checked first, imported on confirmation', async () => {
    const res = await api.raw(`programmes/${world.flagged.programme_id}/export?format=csv`, { headers: { Authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
    const lines = (await res.text()).split(/\r?\n/);
    const columns = lines[1].split(',').length;  // line 1 is the programme's title, line 2 the header
    // A new row, and the rating of a row the board changed in Assure (Green
    // with a reason) set back to Amber by the file: a conflict.
    const edited = lines.map((l) => (l.includes(world.flagged.title.slice(0, 25)) ? l.replace(',Green,', ',Amber,') : l));
    // Columns: reference, objective, deliverable, initiated, planned end, completed, owner, ...
    const newRow = ['E2E-99', 'Objective', 'A new deliverable from the workbook', '', '', '', 'Olivia Chair',
      ...Array(columns - 7).fill('')].join(',');
    edited.splice(2, 0, newRow);
    await page.goto(`${server.base}/#/programmes`);
    await page.locator('#import-link').click();
    await page.getByLabel('Workbook (xlsx, CSV or Markdown)').setInputFiles({ name: 'monthly.csv', mimeType: 'text/csv', buffer: Buffer.from(edited.join('\r\n')) });
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByText('Checked: nothing has been written yet.').waitFor();
    assert.match(await page.locator('#new-rows').innerText(), /A new deliverable from the workbook/);
    assert.match(await page.locator('#conflicts').innerText(), /rating[\s\S]*Amber[\s\S]*Green[\s\S]*Assure's value is kept/i);
    const before = (await api.get('deliverables?limit=1000')).items.length;
    assert.ok(!(await api.get('deliverables?limit=1000')).items.some((d) => d.title === 'A new deliverable from the workbook'), 'nothing written by the check');
    await shot(page, 'boardroom-import-dry-run');
    assert.match(await page.locator('#owner-links').innerText(), /“Olivia Chair” \(1 row\): would link to Olivia Chair/);
    await page.getByLabel(/Link the 1 owner name/).check();
    await page.locator('#confirm-import').click();
    await page.getByText('Imported.', { exact: true }).waitFor();
    const after = (await api.get('deliverables?limit=1000')).items;
    assert.equal(after.length, before + 1);
    const added = after.find((d) => d.title === 'A new deliverable from the workbook');
    assert.equal(added.owner_person_id, world.chair, 'the owner is linked to the person, by id');
    assert.equal(after.find((d) => d.id === world.flagged.id).ragb, 'green', "Assure's rating kept");
  });

  step('a programme downloads as Excel as at the dashboard date', async () => {
    await page.goto(`${server.base}/#/programmes?as_of=${world.beforeRed}`);
    const section = page.locator(`section.programme[data-programme="${world.flagged.programme_id}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('button', { name: 'Excel' }).click()]);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    await page.getByRole('button', { name: 'Now' }).click();
  });

  step("a group's board report: ratings and trend, changes since the last meeting, overdue, printable", async () => {
    await page.goto(`${server.base}/#/groups/${world.board}`);
    await page.locator('#report-link').click();
    await page.getByRole('heading', { name: 'Operational Board: board report' }).waitFor();
    const changes = await page.locator('#report-changes').innerText();
    assert.match(changes, /Rating Red → Green: “?Delivered after the board/, 'a change since the last meeting, with its reason');
    assert.match(changes, /E2E Board Secretary/, 'who, by name');
    assert.ok(await page.locator(`.report-programme[data-programme="${world.flagged.programme_id}"] svg.trend rect`).count() > 0, 'a trend chart');
    await shot(page, 'boardroom-report');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4' });
    await page.emulateMedia({ media: 'screen' });
    writeFileSync(path.join(ARTIFACTS, 'boardroom-report.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  });

  step('every view at 1280x720 and 768x1024 (screenshots for review)', async () => {
    const views = [['programmes', '#/programmes'], ['deliverable', `#/deliverables/${world.flagged.id}`],
      ['documents', '#/documents'], ['document', `#/documents/${world.document}`], ['group', `#/groups/${world.board}`], ['report', `#/groups/${world.board}/report`],
      ['meeting', `#/meetings/${world.meeting}`], ['qsin', '#/qsin'], ['import', '#/import']];
    for (const [width, height] of [[1280, 720], [768, 1024]]) {
      await page.setViewportSize({ width, height });
      for (const [name, hash] of views) {
        await page.goto(`${server.base}/${hash}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => {});
        assert.equal(await page.locator('main .error').count(), 0, `${name} at ${width}: no error shown`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= width + 1, `${name} at ${width}: the page itself does not scroll sideways (${wide})`);
        await shot(page, `view-${name}-${width}x${height}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  step('an assessor is offered the evidence-pack form', async () => {
    const assessor = (await api.post('tokens', { name: 'E2E Assessor', role: 'assessor', expires_at: new Date(Date.now() + 86400000).toISOString() })).token;
    const p = await browser.newPage();
    await signIn(p, assessor);
    await p.goto(`${server.base}/#/qsin`);
    await p.locator('#pack-form').waitFor();
    await p.close();
  });
});
