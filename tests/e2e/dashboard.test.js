// The board dashboard end to end, in Debian's chromium: sign in, change a
// rating, filter to Red, meeting mode live (and across a server restart),
// as-at, documents, groups, QSIN and the evidence pack. A screenshot of each
// view is saved in tests/e2e/artifacts/; a failing step saves one too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, Server, client, launchBrowser, shot, stepper } from './harness.js';

const server = new Server();
let admin; let api; let browser; let page; let meetingPage;
const world = {};
const external = [];
const tokensInUrls = [];


const step = stepper('', server, () => ({ '': page, meeting: meetingPage }));

// Every request a page makes, the live feed's WebSocket included: none may
// leave the server, and no URL may carry a token.
function watch(p) {
  p.on('websocket', (ws) => {
    if (/ast_[0-9a-f]{8}/.test(ws.url())) tokensInUrls.push(ws.url());
  });
  p.on('request', (r) => {
    const u = r.url();
    if (/ast_[0-9a-f]{8}/.test(u)) tokensInUrls.push(u);
    if (!u.startsWith(server.base) && !u.startsWith('data:') && !u.startsWith('blob:') &&
        !u.startsWith(server.base.replace('http', 'ws'))) external.push(u);
  });
  p.on('pageerror', (e) => console.error('page error:', e.message));
}

async function signIn(p, token = admin) {
  await p.goto(`${server.base}/`);
  await p.getByLabel('Access token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Work programmes', level: 1 }).waitFor();
}

async function seed() {
  const all = await api.get('deliverables?limit=1000');
  const d = all.items.find((x) => x.ragb === 'blue' && x.group_id && x.status === 'in-progress');
  assert.ok(d, 'the import has a Blue deliverable in progress');
  world.deliverable = d;
  world.group = d.group_id;
  const person = await api.post('people', { name: 'Alex Chair', email: 'alex@example.nhs.uk', job_title: 'SIG Chair' });
  world.person = person.id;
  await api.post(`groups/${world.group}/appoint-member`, { person_id: person.id, role: 'chair', start_date: '2022-01-01' });
  const today = new Date().toISOString().slice(0, 10);
  const meeting = await api.post('meetings', { group_id: world.group, title: 'SIG meeting', scheduled_for: today, location: 'Teams' });
  world.meeting = meeting.id;
  await api.post(`meetings/${meeting.id}/open`);
  await api.post(`meetings/${meeting.id}/record-attendance`, { person_id: person.id, attendance: 'present' });
  const guest = await api.post('people', { name: 'Gina Guest' });
  await api.post(`meetings/${meeting.id}/record-attendance`, { person_id: guest.id, attendance: 'present' });
  await api.post(`meetings/${meeting.id}/record-decision`, { text: 'Work programme reviewed' });
  const doc = await api.post('documents', { title: 'WMIN Strategy', document_numbers: 'IN-201, IN-601',
    owner: 'Network Director', target_audience: 'All stakeholders', review_interval_months: 12 });
  world.document = doc.id;
  world.content = 'WMIN Strategy v1.0\nThe controlled copy.\n';
  const up = await api.raw(`documents/${doc.id}/versions?version_label=1.0&summary=First%20issue&author=Network%20Director`,
    { method: 'POST', headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/plain' }, body: world.content });
  assert.equal(up.status, 201, await up.text());
  await api.post(`documents/${doc.id}/approve-version`, { version_id: 'v1', approving_group_id: world.group, date_adopted: '2023-05-24' });
  await api.post('qsin/statements', { code: 'IN-601', title: 'Governance framework', edition: '2022' });
}

describe('board dashboard', { timeout: 150000 }, () => {
  before(async () => {
    const imported = server.importStrategy();
    assert.ok(imported, 'assure import is available');
    admin = server.createToken('admin', 'E2E Secretary');
    await server.start();
    api = client(server.base, admin);
    await seed();
    ({ context: browser } = await launchBrowser());
    page = await browser.newPage();
    watch(page);
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    server.cleanup();
  });

  step('serves the embedded files with their types, and nothing else', async () => {
    const index = await fetch(`${server.base}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.match(index.headers.get('content-security-policy'), /default-src 'none'/);
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
    const js = await fetch(`${server.base}/js/app.js`);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    const css = await fetch(`${server.base}/css/app.css`);
    assert.match(css.headers.get('content-type'), /^text\/css/);
    // Gzipped for a client that accepts it, and revalidated by ETag (304, no body).
    const gz = await fetch(`${server.base}/js/app.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(gz.headers.get('content-encoding'), 'gzip');
    assert.match(await gz.text(), /export async function render/);
    const etag = js.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    const again = await fetch(`${server.base}/js/app.js`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    const list = await fetch(`${server.base}/api/v1/deliverables?limit=1000`,
      { headers: { Authorization: `Bearer ${admin}`, 'Accept-Encoding': 'gzip' } });
    assert.equal(list.headers.get('content-encoding'), 'gzip', 'a large JSON list is gzipped');
    assert.ok((await list.json()).items.length > 50);
    for (const p of ['/../README.md', '/%2e%2e/README.md', '/js/%2e%2e/%2e%2e/README.md', '/js/..%2fapp.js',
      '/js/', '/web/index.html', '/CMakeLists.txt']) {
      const res = await fetch(`${server.base}${p}`);
      assert.ok(res.status === 404 || res.status === 400, `${p} answered ${res.status}`);
    }
    const apiNoToken = await fetch(`${server.base}/api/v1/deliverables`);
    assert.equal(apiNoToken.status, 401, 'the API itself stays authenticated');
  });

  step('signs in with a token kept out of the URL', async () => {
    await signIn(page);
    assert.ok(!page.url().includes(admin), 'the token is not in the URL');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('assure.token')), admin);
    assert.ok(await page.locator('section.programme').count() >= 5, 'every programme is listed');
    await page.locator('#who:not([hidden])').waitFor();
    assert.match(await page.locator('#who').innerText(), /· admin$/, 'the header says who is signed in');
    await shot(page, 'programmes');
  });

  step('changes a rating with a reason and shows it in the history', async () => {
    world.before = new Date();
    await new Promise((r) => setTimeout(r, 1100));  // so a time before the change is a whole second apart
    await page.goto(`${server.base}/#/deliverables/${world.deliverable.id}`);
    const form = page.locator('#change-ragb-form');
    await form.getByLabel('New rating').selectOption('red');
    await form.getByLabel('Reason (required)').fill('Funding not yet agreed by the trusts');
    assert.match(await form.innerText(), /not removed by erasure: refer to people by role/, 'free text warns');
    await form.getByRole('button', { name: 'Change rating' }).click();
    const entry = page.locator('.timeline-entry').first();
    await entry.getByText('Funding not yet agreed by the trusts').waitFor();
    assert.match(await entry.locator('.what').innerText(), /^Rating Blue → Red$/);
    assert.match(await entry.innerText(), /Rating: blue\s*→\s*red/);
    assert.doesNotMatch(await entry.locator('.who').innerText(), /^[0-9a-f]{8}-[0-9a-f]{4}-/, 'who is not a token id');
    assert.match(await page.locator('h1 .badge').innerText(), /Red/);
    await shot(page, 'deliverable');
  });

  step('filters the work programmes to Red deliverables', async () => {
    await page.goto(`${server.base}/#/programmes`);
    await page.getByLabel('RAGB').selectOption('red');
    await page.waitForURL(/ragb=red/);
    await page.locator('#result-count').getByText(/1 deliverable shown/).waitFor();
    const badges = await page.locator('table.deliverables tbody .ragb-cell').allInnerTexts();
    assert.ok(badges.length >= 1 && badges.every((b) => b.trim() === 'Red'), `only Red: ${badges}`);
    await page.locator(`#row-${world.deliverable.id}`).waitFor();
    const title = await page.locator('table.deliverables tbody .badge.ragb-red').first().getAttribute('title');
    assert.match(title, /unlikely to achieve the objective/i);
    await shot(page, 'programmes-red');
  });

  step('meeting mode shows a change made through the API within a second', async () => {
    meetingPage = await browser.newPage();
    watch(meetingPage);
    await signIn(meetingPage);
    await meetingPage.goto(`${server.base}/#/meetings/${world.meeting}`);
    await meetingPage.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    await meetingPage.locator('#presence li').first().waitFor({ timeout: 3000 });
    // The quorum so far, from the server; the guest is flagged and not counted.
    assert.match(await meetingPage.locator('#quorum').textContent(), /\(so far\) — 1 of \d+ members present/);
    assert.equal(await meetingPage.locator('.attendance .badge.not-member').count(), 1);
    const t0 = Date.now();
    await api.post(`deliverables/${world.deliverable.id}/change-ragb`, { ragb: 'amber', reason: 'Funding agreed in principle' });
    const item = meetingPage.locator('#live-feed li[data-type="DeliverableRagbChanged"]').first();
    await item.waitFor({ timeout: 1000 });
    const latency = Date.now() - t0;
    assert.match(await item.innerText(), /Red → Amber/);
    assert.match(await item.innerText(), /Funding agreed in principle/);
    await meetingPage.locator(`#meeting-deliverables tr.fresh[data-id="${world.deliverable.id}"] .ragb-amber`).waitFor({ timeout: 1000 });
    console.log(`live change shown after ${latency} ms`);
    await shot(meetingPage, 'meeting');
  });

  step('meeting mode reconnects after a server restart and catches up', async () => {
    const last = Number(await meetingPage.locator('#live-feed').getAttribute('data-last-position'));
    await server.stop('SIGKILL');
    await meetingPage.locator('#live-status[data-state="reconnecting"]').waitFor({ timeout: 5000 });
    await shot(meetingPage, 'meeting-reconnecting');
    await server.start();
    await api.post(`deliverables/${world.deliverable.id}/add-progress-note`, { note_date: '2024-03-03', text: 'Noted while the board reconnected' });
    await meetingPage.locator('#live-feed li[data-type="DeliverableProgressNoteAdded"]').waitFor({ timeout: 10000 });
    await meetingPage.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    const resumed = Number(await meetingPage.locator('#live-status').getAttribute('data-resumed-from'));
    assert.equal(resumed, last + 1, 'resumed from the last position seen + 1');
    assert.equal(await meetingPage.locator('#live-feed li[data-type="DeliverableRagbChanged"]').count(), 1, 'nothing shown twice');
    await shot(meetingPage, 'meeting-reconnected');
  });

  step('an as-at time shows the older state, marked historical and read-only', async () => {
    await page.goto(`${server.base}/#/deliverables/${world.deliverable.id}`);
    await page.locator('#change-ragb-form').waitFor();
    const iso = world.before.toISOString();
    await page.locator('#as-at').fill(iso.slice(0, 10));
    await page.locator('#historical-banner:not([hidden])').waitFor();
    await page.locator('#as-at-time').fill(iso.slice(11, 19));
    await page.waitForFunction(() => (sessionStorage.getItem('assure.asAt') || '').length > 10);
    await page.locator('#historical-banner:not([hidden])').waitFor();
    await page.locator('h1 .badge.ragb-blue').waitFor();
    assert.equal(await page.locator('#change-ragb-form').count(), 0, 'no editing in the past');
    assert.match(await page.locator('#historical-banner').innerText(), /Historical view/);
    await shot(page, 'as-at');
    await page.goto(`${server.base}/#/programmes`);
    await page.locator('section.programme').first().waitFor();
    assert.equal(await page.locator('table.deliverables .badge.ragb-red, table.deliverables .badge.ragb-amber').count(), 0, 'no Red or Amber before the change');
    await shot(page, 'as-at-programmes');
    await page.getByRole('button', { name: 'Now' }).click();
    await page.locator('#historical-banner[hidden]').waitFor({ state: 'attached' });
  });

  step('documents: register, review overdue, version history and download', async () => {
    await page.goto(`${server.base}/#/documents`);
    await page.getByRole('link', { name: 'WMIN Strategy' }).waitFor();
    await page.getByText('Review overdue').first().waitFor();
    await shot(page, 'documents');
    await page.getByRole('link', { name: 'WMIN Strategy' }).click();
    await page.getByRole('heading', { name: 'Version history' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download v1.0' }).click(),
    ]);
    const saved = await download.path();
    assert.equal(readFileSync(saved, 'utf8'), world.content);
    assert.equal(download.suggestedFilename(), 'IN-201 WMIN Strategy v1.0.txt', 'named by number, title and version');
    await shot(page, 'document');
  });

  step('groups: membership as at a date and meetings', async () => {
    await page.goto(`${server.base}/#/groups/${world.group}`);
    await page.locator('#members').getByText('Alex Chair').waitFor();
    await page.getByRole('link', { name: 'Meeting mode' }).waitFor();
    await shot(page, 'group');
    await page.goto(`${server.base}/#/groups/${world.group}?date=2021-06-01`);
    await page.getByText('No members on that date.').waitFor();
  });

  step('QSIN coverage and an evidence pack as at a date', async () => {
    await page.goto(`${server.base}/#/qsin`);
    await page.locator('#coverage th', { hasText: 'IN-601' }).waitFor();
    const evidence = await page.locator('#coverage details a').allTextContents();
    assert.ok(evidence.length > 0 && evidence.every((t) => !/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(t)), `evidence by name: ${evidence.slice(0, 3)}`);
    await shot(page, 'qsin');
    await page.locator('#pack-form').getByLabel('Statements').selectOption('IN-601');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30000 }),
      page.getByRole('button', { name: 'Build and download' }).click(),
    ]);
    const bytes = readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    await page.locator('#pack-message .ok').waitFor();
    await shot(page, 'qsin-pack');
  });

  step('a viewer sees no forms to change anything', async () => {
    const viewer = (await api.post('tokens', { name: 'E2E Viewer', role: 'viewer' })).token;
    const viewerPage = await browser.newPage();
    watch(viewerPage);
    await signIn(viewerPage, viewer);
    await viewerPage.goto(`${server.base}/#/deliverables/${world.deliverable.id}`);
    await viewerPage.locator('.timeline-entry').first().waitFor();
    assert.equal(await viewerPage.locator('#change-ragb-form').count(), 0, 'no rating form for a viewer');
    assert.equal(await viewerPage.locator('form.command').count(), 0, 'no command forms for a viewer');
    await viewerPage.goto(`${server.base}/#/meetings/${world.meeting}`);
    await viewerPage.locator('#meeting-panel').waitFor();
    assert.equal(await viewerPage.locator('details.secretary').count(), 0, 'no secretary forms for a viewer');
    await viewerPage.goto(`${server.base}/#/qsin`);
    await viewerPage.locator('#coverage').waitFor();
    assert.equal(await viewerPage.locator('#pack-form').count(), 0, 'no evidence-pack form for a viewer (it would be 403)');
    await viewerPage.close();
    // The admin still sees them.
    await page.goto(`${server.base}/#/deliverables/${world.deliverable.id}`);
    await page.locator('#change-ragb-form').waitFor();
  });

  step('shows the newest notes and loads older ones; history says what each note was', async () => {
    const before = (await api.get(`deliverables/${world.deliverable.id}`)).progress_note_count;
    for (let i = 1; i <= 24; i++) {
      await api.post(`deliverables/${world.deliverable.id}/add-progress-note`, { note_date: '2024-04-01', text: `Weekly check ${i}` });
    }
    const total = before + 24;
    await page.goto(`${server.base}/#/deliverables/${world.deliverable.id}`);
    await page.reload();  // the page was already here, showing the older notes
    await page.locator('#notes li').first().waitFor();
    assert.equal(await page.locator('#notes li').count(), 20);
    assert.match(await page.locator('#notes li').first().innerText(), /Weekly check 24$/);
    assert.match(await page.locator('#notes-count').innerText(), new RegExp(`20 of ${total} notes`));
    await page.locator('#older-notes').click();
    await page.waitForFunction((n) => document.querySelectorAll('#notes li').length === n, total);
    assert.ok(await page.locator('#older-notes').isHidden(), 'nothing older to load');
    assert.match(await page.locator('#notes li').last().innerText(), /Noted while the board reconnected$/);
    const entry = page.locator('.timeline-entry').first();
    assert.equal(await entry.locator('.what').innerText(), 'Note added (1 Apr 2024): Weekly check 24');
    assert.equal(await entry.locator('.changes').count(), 0, 'no JSON of the note');
    await shot(page, 'deliverable-notes');
  });

  step('made no request outside Assure, and no URL carried a token', async () => {
    assert.deepEqual(external, []);
    assert.deepEqual(tokensInUrls, []);
  });
});
