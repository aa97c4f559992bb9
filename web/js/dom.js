// A tiny element builder: every string child becomes a text node, so data
// from the API is never parsed as HTML.

// h('a', {href: '#/x', class: 'y', onclick: fn}, 'text', child, [more])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// Replaces the element's children.
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// "27 Nov 2024, 14:05" (local time) from an ISO date-time.
export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric',
                                     hour: '2-digit', minute: '2-digit' });
}

// "27 Nov 2024" from YYYY-MM-DD.
export function formatDate(ymd) {
  if (!ymd) return '';
  const d = new Date(`${ymd.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return ymd;
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export function todayIso() {
  return new Date().toISOString().slice(0, 10);
}

// A labelled form control: label + input/select/textarea.
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
           hint ? h('small', {}, hint) : null);
}

// The hint under free-text fields: what is typed there is kept for good and
// is not removed when a person's data is erased (README, "Personal data").
export const FREE_TEXT_HINT = 'Kept in the permanent record and not removed by erasure: refer to people by role, not by name.';

export function select(name, options, value) {
  return h('select', { name },
           options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

// The parts every list view's filter form has (programmes, risks, decisions):
// the group select, a box ticked when its filter is 'true', Apply and Clear,
// and applying, which sends the form's named values (trimmed, blanks left
// out) to the view's route as its query.
export function groupFilter(groups, value) {
  return field('Group', select('group_id', [['', 'All groups'],
    ...groups.map((g) => [g.id, g.name]).sort((a, b) => a[1].localeCompare(b[1]))], value));
}

export function checkboxFilter(name, label, value) {
  const id = `f-${name.replaceAll('_', '-')}`;
  return h('div', { class: 'field checkbox' },
    h('input', { type: 'checkbox', name, id, value: 'true', checked: value === 'true' }),
    h('label', { for: id }, label));
}

export function filterButtons(submit, route) {
  return h('div', { class: 'actions' },
    h('button', { type: 'submit' }, submit),
    h('a', { href: `#/${route}`, class: 'button quiet' }, 'Clear'));
}

// `live`: applied as soon as a select or checkbox changes, not only on submit.
export function applyFilters(form, route, names, live) {
  const apply = (e) => {
    e?.preventDefault();
    const data = new FormData(form);
    const q = new URLSearchParams();
    for (const k of names) {
      const v = String(data.get(k) || '').trim();
      if (v) q.set(k, v);
    }
    location.hash = `#/${route}${q.toString() ? `?${q}` : ''}`;
  };
  form.addEventListener('submit', apply);
  if (live) {
    for (const control of form.querySelectorAll('select, input[type=checkbox]')) control.addEventListener('change', apply);
  }
  return form;
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, err?.message || String(err));
}

// A short message after a successful save, in the corner (role=status).
export function toast(text) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.classList.add('shown');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('shown'), 4000);
}
