// Test harness: an `assure serve` on a free loopback port with a temporary
// store, an admin token, a REST client, and Debian's chromium via
// playwright-core (no browser download, no background networking).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');
export const ASSURE = process.env.ASSURE_BIN || path.join(ROOT, 'build/server/assure');
export const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
export const STRATEGY = path.join(ROOT, 'tests/spreadsheet/data/wmin-strategy.md');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class Server {
  constructor() {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'assure-e2e-'));
    this.data = path.join(this.dir, 'data');
    mkdirSync(ARTIFACTS, { recursive: true });
  }

  run(...args) {
    return execFileSync(ASSURE, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  // Imports the strategy document into the stopped store; false when this
  // binary has no `import` command.
  importStrategy() {
    try {
      this.run('import', STRATEGY, '--data', this.data, '--actor', 'e2e-import');
      return true;
    } catch (err) {
      if (/import/.test(String(err.stderr)) && /(not found|unknown|extra)/i.test(String(err.stderr))) return false;
      throw err;
    }
  }

  createToken(role, name) {
    return this.run('token', 'create', '--role', role, '--name', name, '--data', this.data).trim();
  }

  async start() {
    if (!this.port) this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    // One heavy operation at a time (the default is 2): an as-at page asks
    // for several lists at once, so every as-at view here meets the 503 +
    // Retry-After that the dashboard must wait out and ask again.
    const config = path.join(this.dir, 'assure.json');
    writeFileSync(config, JSON.stringify({ workers: { heavy_concurrency: 1 } }));
    this.proc = spawn(ASSURE, ['serve', '--data', this.data, '--listen', `127.0.0.1:${this.port}`,
      '--config', config],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.log = '';
    this.proc.stdout.on('data', (d) => { this.log += d; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((r) => this.proc.on('exit', r));
    for (let i = 0; i < 200; i += 1) {
      try {
        // Ready, not just listening: the server listens at once and answers
        // 503 until its read models have caught up with the log.
        const res = await fetch(`${this.base}/readyz`);
        if (res.ok) return;
      } catch { /* not yet */ }
      if (this.proc.exitCode !== null) throw new Error(`assure serve exited:\n${this.log}`);
      await sleep(50);
    }
    throw new Error(`assure serve did not start:\n${this.log}`);
  }

  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill(signal);
    // Wait for the exit, at most 15 s; the timer is cancelled once it exits
    // (a pending timer kept node alive 15 s after every suite).
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(r, 15000); });
    await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
  }

  cleanup() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A tiny REST client with a token. Like any well-behaved client it waits
// and asks again when told to slow down (429 with Retry-After): the browser
// and this client share the token's rate limit, and a page that has just
// loaded can spend its burst (a test failed so on a fast host).
export function client(base, token) {
  async function call(method, p, body) {
    for (let attempt = 1; ; ++attempt) {
      const res = await fetch(`${base}/api/v1/${p}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      if (res.status === 429 && attempt < 5) {
        const seconds = Math.min(Number(res.headers.get('retry-after')) || 1, 5);
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    }
  }
  return { get: (p) => call('GET', p), post: (p, b = {}) => call('POST', p, b), raw: (p, init) => fetch(`${base}/api/v1/${p}`, init) };
}

export async function launchBrowser() {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'assure-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    timezoneId: 'UTC',
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, userDataDir };
}

// Saves a screenshot of `p` as ARTIFACTS/<name>.png (never fails a test).
export async function shot(p, name, fullPage = false) {
  await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage, animations: 'disabled' }).catch(() => {});
}

// A `step(name, fn)` for a suite: runs fn(t) as a test; on failure saves a
// screenshot of each page `pages()` gives ({suffix: page}, unset ones
// skipped) as FAILED-<prefix>-<step>[-suffix], prints the server's log tail,
// and fails.
export function stepper(prefix, server, pages) {
  return (name, fn) => it(name, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const slug = `FAILED-${prefix}${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
      for (const [suffix, p] of Object.entries(pages())) {
        if (p) await shot(p, suffix ? `${slug}-${suffix}` : slug);
      }
      console.error(`server log tail:\n${server.log?.slice(-2000)}`);
      throw err;
    }
  });
}
