// A benchmark, not a test (not run by `node --test`): the work-programmes page
// with --rows deliverables (default 1,000) in one programme, in Chromium at
// 1280x720. Prints the DOM's element count, the deliverables list's bytes as
// JSON and gzipped, and the time from navigation to the table drawn (median
// of --runs). Run: ASSURE_BIN=build/server/assure node tests/e2e/large_page_bench.mjs
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Server, launchBrowser } from './harness.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rows = arg('rows', 1000);
const runs = arg('runs', 5);

const server = new Server();
const header = 'Network Reference,Network Objective,Deliverable,Date Initiated,Planned End Date,Date Completed,Owner,Description,Anticipated Outcome,Interdependencies/Risks,RAGB Status,MM/QSIN Reference';
const ragb = ['Red', 'Amber', 'Blue', 'Green', 'Planned Activity'];
const lines = ['Large Work Programme (2025 - 2026)', header];
for (let i = 1; i <= rows; i += 1) {
  lines.push([`LRG-${i}`, 'Improve imaging access', `Deliverable number ${i} of the large programme`, 'Apr-25', 'Mar-26', '',
    'Network PM', `"Description of deliverable ${i}: ${'scope and approach '.repeat(6)}"`, 'Better access',
    'Workforce; funding', ragb[i % ragb.length], 'IN-601'].join(','));
}
const csv = path.join(server.dir, 'large.csv');
writeFileSync(csv, lines.join('\r\n'));
server.run('import', csv, '--data', server.data, '--actor', 'bench');
const token = server.createToken('admin', 'Bench');
await server.start();
const list = await fetch(`${server.base}/api/v1/deliverables?limit=1000`, { headers: { Authorization: `Bearer ${token}` } });
const json = await list.text();
const gz = await fetch(`${server.base}/api/v1/deliverables?limit=1000`, { headers: { Authorization: `Bearer ${token}`, 'Accept-Encoding': 'gzip' } });
const gzBytes = Number(gz.headers.get('content-length') || 0) || (await gz.arrayBuffer()).byteLength;
const { context } = await launchBrowser();
const page = await context.newPage();
await page.goto(`${server.base}/`);
await page.getByLabel('Access token').fill(token);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.locator('table.deliverables tbody tr').first().waitFor({ timeout: 60000 });
const times = [];
for (let r = 0; r < runs; r += 1) {
  await page.goto(`${server.base}/#/documents`);
  await page.locator('main h1').waitFor();
  const t0 = Date.now();
  await page.goto(`${server.base}/#/programmes`);
  await page.waitForFunction((n) => document.querySelectorAll('table.deliverables tbody tr').length >= n, rows, { timeout: 60000 });
  times.push(Date.now() - t0);
}
const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
times.sort((a, b) => a - b);
console.log(`work programmes page, ${rows} deliverables: ${elements} elements; list JSON ${json.length} bytes, ${gzBytes} gzipped;`
  + ` drawn in ${times[Math.floor(times.length / 2)]} ms (median of ${runs}: ${times.join(', ')})`);
await context.close();
await server.stop();
server.cleanup();
