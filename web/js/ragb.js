// The network's RAGB legend (the strategy's work programmes) and the
// deliverable lifecycle words.
import { h } from './dom.js';

export const RAGB = {
  red: { label: 'Red', meaning: 'Unlikely to achieve the objective by the agreed end date' },
  amber: { label: 'Amber', meaning: 'At risk, but progress has been made' },
  blue: { label: 'Blue', meaning: 'On track to achieve the objective by the agreed end date' },
  green: { label: 'Green', meaning: 'Achieved to plan' },
};
export const RAGB_ORDER = ['red', 'amber', 'blue', 'green'];

export const STATUSES = ['planned', 'not-started', 'in-progress', 'on-hold', 'completed', 'cancelled'];

export function statusLabel(status) {
  const s = String(status || '').replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// A coloured badge; the legend's meaning in the tooltip and for screen readers.
export function ragbBadge(ragb) {
  const r = RAGB[ragb];
  if (!r) return h('span', { class: 'badge ragb-none', title: 'No rating recorded' }, 'Not rated');
  return h('span', { class: `badge ragb-${ragb}`, title: `${r.label}: ${r.meaning}`,
                     'aria-label': `${r.label}: ${r.meaning}` }, r.label);
}
