// The dashboard shell: sign-in, the "as at" date, and a hash router over the
// views. A view is `render(main, params, query)`; it may return a cleanup
// function, called before the next view renders (meeting mode closes its
// live feed there).
import { session, setUnauthorisedHandler, whoAmI } from './api.js';
import { errorBox, formatDate, formatTime, h, mount } from './dom.js';
import { renderSignIn } from './views/signin.js';
import { renderProgrammes } from './views/programmes.js';
import { renderDeliverable } from './views/deliverable.js';
import { renderDocuments, renderDocument } from './views/documents.js';
import { renderGroups, renderGroup } from './views/groups.js';
import { renderMeeting } from './views/meeting.js';
import { renderQsin } from './views/qsin.js';
import { renderImport } from './views/import.js';
import { renderReport } from './views/report.js';
import { renderRisks } from './views/risks.js';
import { renderRisk } from './views/risk.js';
import { renderDecisions } from './views/decisions.js';
import { renderIssues } from './views/issues.js';

const routes = [
  [/^\/?$/, renderProgrammes, 'Work programmes'],
  [/^\/programmes$/, renderProgrammes, 'Work programmes'],
  [/^\/deliverables\/([^/]+)$/, renderDeliverable, 'Deliverable'],
  [/^\/documents$/, renderDocuments, 'Documents'],
  [/^\/documents\/([^/]+)$/, renderDocument, 'Document'],
  [/^\/groups$/, renderGroups, 'Groups'],
  [/^\/groups\/([^/]+)$/, renderGroup, 'Group'],
  [/^\/meetings\/([^/]+)$/, renderMeeting, 'Meeting mode'],
  [/^\/risks$/, renderRisks, 'Risk register'],
  [/^\/risks\/([^/]+)$/, renderRisk, 'Risk'],
  [/^\/issues$/, renderIssues, 'Issue log'],
  [/^\/decisions$/, renderDecisions, 'Decision log'],
  [/^\/qsin$/, renderQsin, 'QSIN'],
  [/^\/import$/, renderImport, 'Import a workbook'],
  [/^\/groups\/([^/]+)\/report$/, renderReport, 'Board report'],
];

const main = document.getElementById('main');
let cleanup = null;
let renderSeq = 0;

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const [path, q = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(q) };
}

// The as-at date is in the URL (#/programmes?as_of=2024-03-01), so a view
// "as at the last board" can be bookmarked and sent. A URL's as_of wins over
// the one kept for the tab; a URL without one gets the tab's, in place (no
// new history entry).
const AS_OF = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?Z)?$/;
function withAsOf(asOf) {
  const { path, query } = parseHash();
  if (asOf) query.set('as_of', asOf); else query.delete('as_of');
  const q = query.toString();
  return `#${path}${q ? `?${q}` : ''}`;
}
function syncAsAtWithUrl() {
  const fromUrl = parseHash().query.get('as_of');
  if (fromUrl && AS_OF.test(fromUrl)) {
    session.asAt = fromUrl;
  } else if (fromUrl !== session.asAt) {
    history.replaceState(null, '', withAsOf(session.asAt));
  }
}
function setAsAt(asOf) {
  session.asAt = asOf;
  history.replaceState(null, '', withAsOf(asOf));
  render();
}

// Who is signed in, with which role and scope (GET /api/v1/session).
function showWho(signedIn) {
  const who = document.getElementById('who');
  who.hidden = true;
  if (!signedIn) return;
  whoAmI().then((me) => {
    if (!me || !session.token) return;
    const name = me.actor_name || me.name || 'token';
    const scope = me.group_scope ? ` · group ${me.group_scope}` : '';
    who.textContent = `${name} · ${me.role}${scope}`;
    who.hidden = false;
  });
}

function updateChrome() {
  const signedIn = Boolean(session.token);
  for (const id of ['nav', 'as-at-form', 'sign-out']) document.getElementById(id).hidden = !signedIn;
  showWho(signedIn);
  document.getElementById('as-at').value = session.asAtDay || '';
  document.getElementById('as-at-time').value = session.asAt && session.asAt.length > 10
    ? new Date(session.asAt).toTimeString().slice(0, 8) : '';
  const banner = document.getElementById('historical-banner');
  banner.hidden = !session.historical;
  document.body.classList.toggle('historical', session.historical);
  if (session.historical) {
    mount(banner, h('strong', {}, 'Historical view'),
          session.asAt.length === 10
            ? ` — the dashboard shows the state as at the end of ${formatDate(session.asAt)}. Read-only.`
            : ` — the dashboard shows the state as at ${formatTime(session.asAt)}. Read-only.`);
  }
  const { path } = parseHash();
  for (const a of document.querySelectorAll('#nav a')) {
    const active = path.startsWith(a.getAttribute('href').slice(1));
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export async function render() {
  const seq = ++renderSeq;
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  if (session.token) syncAsAtWithUrl();
  updateChrome();
  if (!session.token) {
    document.title = 'Sign in · Assure';
    renderSignIn(main, () => render());
    return;
  }
  const { path, query } = parseHash();
  const route = routes.find(([re]) => re.test(path));
  if (!route) {
    mount(main, h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/programmes' }, 'Work programmes')));
    return;
  }
  const [re, view, title] = route;
  const params = path.match(re).slice(1).map(decodeURIComponent);
  document.title = `${title} · Assure`;
  mount(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const done = await view(main, params, query);
    if (seq !== renderSeq) { if (typeof done === 'function') done(); return; }
    if (typeof done === 'function') cleanup = done;
  } catch (err) {
    if (seq === renderSeq) mount(main, h('h1', {}, title), errorBox(err));
  }
}

setUnauthorisedHandler(() => {
  if (document.getElementById('sign-in-form')) return;  // the form reports it
  session.token = null;
  render();
});

function applyAsAt() {
  const day = document.getElementById('as-at').value;
  const time = document.getElementById('as-at-time').value;
  if (!day) setAsAt(null);
  else if (!time) setAsAt(day);
  else setAsAt(new Date(`${day}T${time.length === 5 ? `${time}:00` : time}`).toISOString());
}
document.getElementById('as-at').addEventListener('change', applyAsAt);
document.getElementById('as-at-time').addEventListener('change', applyAsAt);
document.getElementById('as-at-clear').addEventListener('click', () => setAsAt(null));
document.getElementById('as-at-form').addEventListener('submit', (e) => e.preventDefault());
document.getElementById('sign-out').addEventListener('click', () => {
  session.token = null;
  session.asAt = null;
  location.hash = '';
  render();
});
window.addEventListener('hashchange', () => render());
render();
