// Erasure of a person's personal data (crypto-shredding, storage/FORMAT.md
// section 7), end to end against `assure serve`: a person who chairs a
// group, attends a meeting, owns an action and owns deliverables (an
// imported Owner linked to them on a confirmed import) is erased; afterwards every
// read (the person, their history, the events API, the group's members, a
// new evidence pack) shows "erased person", the store's files hold the name
// nowhere (nor before: it is stored encrypted), the chain and both packs
// still verify, and a missing or wrong master key stops the server.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ASSURE, Server, client } from './harness.js';

const NAME = 'Zebediah Quimbletonsworth';
const EMAIL = 'zq.erasure@example.nhs.uk';
const JOB = 'Xylophone Governance Lead';
const DECISION = 'Erasure walkthrough decision recorded';  // not personal: the positive control

const server = new Server();
let api; let admin;
const world = {};

// Every file under `dir`, as bytes.
function filesUnder(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

// Files under the store's directory (or `dir`) holding `text` (UTF-8 bytes).
function filesHolding(text, dir = server.data) {
  const needle = Buffer.from(text, 'utf8');
  const all = filesUnder(dir);
  return { searched: all.length, hits: all.filter((f) => readFileSync(f).includes(needle)) };
}

async function pack(file) {
  const res = await api.raw('evidence-packs', { method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ statements: 'all' }) });
  const zip = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, zip.toString());
  const p = path.join(server.dir, file);
  writeFileSync(p, zip);
  const packJson = execFileSync('python3', ['-c',
    'import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("pack.json").decode())', p],
  { encoding: 'utf8' });
  return { path: p, packJson };
}

// Uploads a programme file to POST /api/v1/imports with these query options.
async function importFile(name, text, query) {
  const res = await api.raw(`imports?file_name=${name}&${query}`, { method: 'POST',
    headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'text/csv' }, body: text });
  const body = await res.json();
  assert.ok(res.status === 200 || res.status === 201, JSON.stringify(body));
  return body;
}

const OWNED = (name) => 'Erasure Work Programme 2024-25\r\n'
  + 'Network Reference,Deliverable,Owner,Planned End Date,RAGB Status,MM/QSIN Reference\r\n'
  + `ER-01,Owned by a person,${name},Mar-25,On Target,Governance IN-601\r\n`
  + 'ER-02,Owned by a homonym,Sam Twice,Mar-25,Amber,\r\n';

function verifyPack(p) {
  return execFileSync(ASSURE, ['verify-pack', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('erasure of personal data', { timeout: 120000 }, () => {
  before(async () => {
    assert.ok(server.importStrategy(), 'this binary imports');
    admin = server.createToken('admin', 'E2E Admin');
    await server.start();
    api = client(server.base, admin);
  });
  after(async () => {
    await server.stop();
    server.cleanup();
  });

  it('a new store gets a master key beside its data, readable by its owner only', () => {
    // Made by the server's first start (`assure token create` before it
    // never makes one: the service may name its own).
    assert.match(server.log, /created the master key/);
    const key = path.join(server.data, 'master.key');
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.match(readFileSync(key, 'utf8'), /^[0-9a-f]{64}\n$/);
  });

  it('a person chairs, attends and owns an action; their fields are stored sealed', async () => {
    const all = await api.get('deliverables?limit=1000');
    const d = all.items.find((x) => x.group_id);
    assert.ok(d, 'the import has a deliverable with a group');
    world.group = d.group_id;
    const person = await api.post('people', { name: NAME, email: EMAIL, job_title: JOB });
    world.person = person.id;
    await api.post(`groups/${world.group}/appoint-member`, { person_id: person.id, role: 'chair', start_date: '2022-01-01' });
    const today = new Date().toISOString().slice(0, 10);
    const meeting = await api.post('meetings', { group_id: world.group, title: 'Erasure meeting', scheduled_for: today });
    await api.post(`meetings/${meeting.id}/open`);
    await api.post(`meetings/${meeting.id}/record-attendance`, { person_id: person.id, attendance: 'present' });
    await api.post(`meetings/${meeting.id}/record-decision`, { text: DECISION });
    await api.post(`meetings/${meeting.id}/raise-action`, { text: 'Follow up', owner_person_id: person.id, due_date: '2030-01-01' });
    assert.equal((await api.get(`people/${person.id}`)).name, NAME);
    assert.equal((await api.get(`people/${person.id}/subject-access?format=json`)).person.name, NAME);
    const events = await api.get(`events?stream_prefix=person-${person.id}`);
    assert.equal(events.items[0].data.name, NAME);  // read decrypted
    assert.match(events.items[0].stored_data.name, /^enc1:[0-9a-f]+$/);  // stored sealed
    assert.match(events.items[0].stored_data.email, /^enc1:/);
    // An imported Owner naming them: proposed by a dry run, linked when
    // confirmed, by id (the name is never written into the deliverable).
    await api.post('people', { name: 'Sam Twice' });
    await api.post('people', { name: 'sam  twice' });
    const file = OWNED(NAME);
    const dry = await importFile('owned.csv', file, 'dry_run=true');
    const proposed = dry.owners.find((o) => o.person_id === person.id);
    assert.equal(proposed.match, 'proposed', JSON.stringify(dry.owners));
    assert.equal(proposed.person_name, NAME);
    assert.equal(dry.owners.find((o) => o.owner === 'Sam Twice').match, 'ambiguous');
    assert.equal(dry.counts.events_appended, 0);
    const linked = await importFile('owned.csv', file, 'link_owners=true');
    assert.equal(linked.owners.find((o) => o.person_id === person.id).match, 'linked');
    const dlv = linked.rows.find((r) => r.reference === 'ER-01').deliverable_id;
    world.deliverable = dlv;
    world.programme = linked.programmes[0].id;
    const owned = await api.get(`deliverables/${dlv}`);
    assert.equal(owned.owner_person_id, person.id);
    assert.equal(owned.owner, NAME);
    const homonym = await api.get(`deliverables/${linked.rows.find((r) => r.reference === 'ER-02').deliverable_id}`);
    assert.equal(homonym.owner, 'Sam Twice', 'an ambiguous owner stays free text');
    assert.equal(homonym.owner_person_id, undefined);
    const dlvEvents = JSON.stringify(await api.get(`events?stream_prefix=deliverable-${dlv}`));
    assert.ok(dlvEvents.includes(`"owner_person_id":"${person.id}"`), dlvEvents);
    assert.ok(!dlvEvents.toLowerCase().includes(NAME.toLowerCase()), 'the event holds the id, not the name');
    const csv = await (await api.raw(`programmes/${world.programme}/export`, { headers: { Authorization: `Bearer ${admin}` } })).text();
    assert.ok(csv.includes(NAME), csv);
    // A history page as at now, read (and perhaps kept) before the erasure.
    world.at = (await api.get('events?limit=1')).head;
    assert.ok(JSON.stringify(await api.get(`people/${person.id}/history?at_position=${world.at}`)).includes(NAME));
    world.before = await pack('before.zip');
    assert.ok(world.before.packJson.includes(NAME), 'the pack names the chair before erasure');
    assert.ok(world.before.packJson.includes(`"owner_name":"${NAME}"`), 'and the owner of a deliverable it shows');
    // The log's files: the plain-text decision is there (the search finds
    // what is there), the name never was.
    assert.ok(filesHolding(DECISION).hits.length > 0);
    for (const s of [NAME, EMAIL, JOB]) assert.deepEqual(filesHolding(s).hits, [], s);
  });

  it('after erasure every read shows "erased person"', async () => {
    const res = await api.post(`people/${world.person}/erase`, { reason: 'right to erasure request 2026-12' });
    assert.equal(res.warnings, undefined, JSON.stringify(res));
    const person = await api.get(`people/${world.person}`);
    assert.equal(person.name, 'erased person');
    assert.equal(person.email, '');
    assert.equal(person.erased, true);
    const reads = [
      JSON.stringify(person),
      JSON.stringify(await api.get(`people/${world.person}/history`)),
      JSON.stringify(await api.get(`events?stream_prefix=person-${world.person}`)),
      JSON.stringify(await api.get(`groups/${world.group}/members`)),
      JSON.stringify(await api.get(`people/${world.person}/history?at_position=${world.at}`)),
      JSON.stringify(await api.get(`people/${world.person}/subject-access?format=json`)),
    ];
    for (const text of reads) {
      for (const s of [NAME, EMAIL, JOB]) assert.ok(!text.includes(s), `${s} in ${text.slice(0, 200)}`);
    }
    assert.match(reads[1], /Registered: erased person/);
    // The deliverable they owned: its owner reads as erased, in the API,
    // the list and the CSV export.
    const owned = await api.get(`deliverables/${world.deliverable}`);
    assert.equal(owned.owner, 'erased person');
    const listed = (await api.get(`deliverables?programme_id=${world.programme}`)).items;
    assert.equal(listed.find((d) => d.id === world.deliverable).owner, 'erased person');
    const csv = await (await api.raw(`programmes/${world.programme}/export`, { headers: { Authorization: `Bearer ${admin}` } })).text();
    assert.ok(csv.includes('erased person') && !csv.toUpperCase().includes(NAME.toUpperCase()), csv);
    for (const text of [JSON.stringify(owned), JSON.stringify(await api.get(`deliverables/${world.deliverable}/history`))]) {
      assert.ok(!text.toUpperCase().includes(NAME.toUpperCase()), text.slice(0, 300));
    }
    const events = await api.get(`events?stream_prefix=person-${world.person}`);
    assert.equal(events.items[0].data.name, 'erased person');
    assert.equal(events.items[0].data.email, '');
    world.after = await pack('after.zip');
    assert.ok(!world.after.packJson.includes(NAME));
    assert.match(world.after.packJson, /"name":"erased person"/, 'pack.json is canonical JSON (FORMAT.md 6.6)');
    assert.match(world.after.packJson, /"owner_name":"erased person"/);
    assert.equal((await api.get('audit/verify')).ok, true);
  });

  it('the store and a backup made after hold the name nowhere; the chain and both packs verify', async () => {
    const made = await api.raw('admin/backups', { method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'after-erasure' }) });
    assert.equal(made.status, 201, await made.text());
    await server.stop();
    const found = [NAME, EMAIL, JOB].map((s) => filesHolding(s));
    console.log(`files searched: ${found[0].searched}; hits: ${found.map((f) => f.hits.length).join(', ')}`);
    for (const f of found) assert.deepEqual(f.hits, []);
    const backup = `${server.data}-backups/after-erasure`;
    const inBackup = [NAME, EMAIL, JOB].map((s) => filesHolding(s, backup));
    console.log(`backup files searched: ${inBackup[0].searched}; hits: ${inBackup.map((f) => f.hits.length).join(', ')}`);
    assert.ok(inBackup[0].searched > 5);
    for (const f of inBackup) assert.deepEqual(f.hits, []);
    execFileSync(ASSURE, ['restore', backup, '--data', path.join(server.dir, 'restored')], { stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync(ASSURE, ['verify', '--data', server.data], { stdio: ['ignore', 'pipe', 'pipe'] });
    verifyPack(world.before.path);
    verifyPack(world.after.path);
    const report = execFileSync(ASSURE, ['subject-access', world.person, '--data', server.data, '--json'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.equal(JSON.parse(report).person.name, 'erased person');
    // The CLI's import matches owners against the sealed names (read with
    // the master key): the homonyms are still ambiguous, the erased name
    // matches nobody.
    const owned = path.join(server.dir, 'owned.csv');
    writeFileSync(owned, OWNED(NAME));
    const dry = JSON.parse(execFileSync(ASSURE, ['import', owned, '--data', server.data, '--dry-run', '--link-owners', '--json'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    assert.equal(dry.owners.find((o) => o.owner === 'Sam Twice').match, 'ambiguous', JSON.stringify(dry.owners));
    assert.equal(dry.owners.find((o) => o.owner === NAME).match, 'unmatched');
    // The CLI's export reads the sealed names with the master key too.
    const csv = execFileSync(ASSURE, ['export', '--programme', world.programme, '--data', server.data], { encoding: 'utf8' });
    assert.ok(csv.includes('erased person') && !csv.includes(NAME), csv);
  });

  it('a missing or wrong master key stops the server; the right one reads "erased person"', async () => {
    const key = path.join(server.data, 'master.key');
    const kept = path.join(server.dir, 'kept.key');
    renameSync(key, kept);
    await assert.rejects(server.start(), /master key is missing/);
    writeFileSync(key, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    await assert.rejects(server.start(), /wrong master key/);
    renameSync(kept, key);
    await server.start();
    assert.equal((await api.get(`people/${world.person}`)).name, 'erased person');
  });
});
