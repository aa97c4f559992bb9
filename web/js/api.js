// The REST client: the token from session storage, the dashboard's "as at"
// date on every read, problem+json errors as ApiError.

const TOKEN_KEY = 'assure.token';
const AS_AT_KEY = 'assure.asAt';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(t) {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  // While the dashboard shows the past: YYYY-MM-DD (the end of that day) or
  // a UTC date-time (YYYY-MM-DDTHH:MM:SS.sssZ); null for now. Sent as as_of.
  get asAt() { return sessionStorage.getItem(AS_AT_KEY); },
  // The as-at day (YYYY-MM-DD, local), or null.
  get asAtDay() {
    const a = this.asAt;
    if (!a) return null;
    if (a.length === 10) return a;
    const d = new Date(a);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  },
  set asAt(d) {
    if (d) sessionStorage.setItem(AS_AT_KEY, d);
    else sessionStorage.removeItem(AS_AT_KEY);
  },
  get historical() { return Boolean(this.asAt); },
};

// A request that cannot reach the server (network down, server stopped):
// said in words in the banner (#net-status), which clears at the next
// answer or when the browser is back online.
function netStatus(down) {
  const el = document.getElementById('net-status');
  if (el) el.hidden = !down;
}
window.addEventListener('online', () => netStatus(false));
async function reach(u, init) {
  try {
    const res = await fetch(u, init);
    netStatus(false);
    return res;
  } catch {
    netStatus(true);
    throw new ApiError(0, { detail: 'Cannot reach the Assure server: check the network connection, then try again.' });
  }
}

// How many times a GET answered 503 with Retry-After is asked again.
const READ_RETRIES = 4;

let onUnauthorised = () => {};
export function setUnauthorisedHandler(fn) { onUnauthorised = fn; }

function url(path, query, asAt) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '' && v !== false) params.set(k, String(v));
  }
  if (asAt && session.asAt) params.set('as_of', session.asAt);
  const q = params.toString();
  return `/api/v1/${path}${q ? `?${q}` : ''}`;
}

async function send(path, { method = 'GET', query, body, file, headers = {}, asAt = true } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (session.token) init.headers.Authorization = `Bearer ${session.token}`;
  if (file !== undefined) {
    init.headers['Content-Type'] = file.type || 'application/octet-stream';
    init.body = file;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res = await reach(url(path, query, asAt && method === 'GET'), init);
  // A read the server is too busy for just now (503 with Retry-After: at most
  // workers.heavy_concurrency as-at reads run at once, and an as-at page asks
  // for several lists) is asked again after the time it names, a few times.
  // Only reads: a write the server refused is the caller's to decide about.
  // So is one refused by the per-token rate limit (429 with Retry-After): a
  // page that reads many things at once (the board report) waits its turn.
  for (let attempt = 0; method === 'GET' && (res.status === 503 || res.status === 429) && attempt < READ_RETRIES; attempt++) {
    const header = res.headers.get('Retry-After');
    const after = header === null ? NaN : Number(header);
    if (!Number.isFinite(after) || after < 0) break;
    await new Promise((r) => setTimeout(r, Math.min(after, 5) * 1000 + Math.random() * 250));
    res = await reach(url(path, query, asAt), init);
  }
  if (res.status === 401) onUnauthorised();
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    throw new ApiError(res.status, problem);
  }
  return res;
}

// GET a JSON resource (as at the dashboard's date unless asAt: false).
export async function get(path, query, options = {}) {
  return (await send(path, { query, ...options })).json();
}

// GET with the ETag (the stream version) for a later If-Match.
export async function getWithVersion(path, query) {
  const res = await send(path, { query });
  return { body: await res.json(), etag: res.headers.get('ETag') };
}

// POST a command; `etag` (optional) guards against a concurrent change (412).
export async function post(path, body, etag) {
  const headers = etag ? { 'If-Match': etag } : {};
  return (await send(path, { method: 'POST', body, headers })).json();
}

// POSTs a file's bytes as the request body (a document version's content,
// a workbook to import), with `query` on the URL.
export async function upload(path, query, file) {
  return (await send(path, { method: 'POST', query, file })).json();
}

// Fetches a file and hands it to the browser as a download.
export async function download(path, { method = 'GET', body, fallbackName = 'download' } = {}) {
  const res = await send(path, { method, body, asAt: false });
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') || '';
  // The exact name (RFC 8187 filename*, UTF-8) when given, else the ASCII one.
  const exact = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const ascii = /filename="?([^";]+)"?/.exec(disposition);
  let name = fallbackName;
  if (exact) {
    try { name = decodeURIComponent(exact[1]); } catch { name = ascii ? ascii[1] : fallbackName; }
  } else if (ascii) {
    name = ascii[1];
  }
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
  return { name, size: blob.size };
}

// Every page of a list (the server caps a page at 1000 rows).
export async function getAll(path, query = {}) {
  const items = [];
  let position = 0;
  for (let offset = 0; ; ) {
    const page = await get(path, { ...query, offset, limit: 1000 });
    items.push(...page.items);
    position = page.position;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) break;
  }
  return { items, position };
}

// The calling token (GET /api/v1/session): name, role, group scope and
// permissions, fetched once per token. The dashboard shows only the forms
// the caller may use; the server checks every write regardless.
let caller = { token: null, promise: null };
export function whoAmI() {
  if (caller.token !== session.token || !caller.promise) {
    caller = { token: session.token, promise: get('session', undefined, { asAt: false }).catch(() => null) };
  }
  return caller.promise;
}

// Whether `me` (from whoAmI) has `permission`, within `groupId` when the
// token is restricted to one group.
export function may(me, permission, groupId) {
  if (!me?.permissions?.[permission]) return false;
  return !me.group_scope || !groupId || me.group_scope === groupId;
}
