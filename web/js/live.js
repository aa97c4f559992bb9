// The live feed client (api/live/PROTOCOL.md): subscribes from a position,
// remembers the last position it saw, and after any disconnect reconnects by
// itself and resumes from last + 1, so nothing is missed and nothing shown
// twice.
import { session } from './api.js';

const RETRY_MS = [500, 1000, 2000, 3000, 5000];

export class LiveFeed {
  // filter: e.g. {meeting_id: M}; from: first position wanted (or 'now');
  // handlers: onEvent(msg), onPresence(msg), onState('connecting'|'live'|'reconnecting'|'stopped', info)
  constructor({ filter, from = 'now', onEvent = () => {}, onPresence = () => {}, onState = () => {} }) {
    Object.assign(this, { filter, from, onEvent, onPresence, onState });
    this.last = null;       // last position received
    this.attempt = 0;
    this.connectedOnce = false;
    this.stopped = true;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'leaving');
    this.onState('stopped', {});
  }

  nextFrom() {
    return this.last === null ? this.from : this.last + 1;
  }

  connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    // A browser cannot set headers on a WebSocket, and a token in the URL
    // would show in the console and in proxies' logs: the token goes as a
    // subprotocol next to 'assure-live' (api/live/PROTOCOL.md).
    const ws = new WebSocket(`${scheme}//${location.host}/api/v1/live`,
      ['assure-live', `assure-token.${session.token || ''}`]);
    this.ws = ws;
    this.onState(this.connectedOnce ? 'reconnecting' : 'connecting', { attempt: this.attempt });
    ws.addEventListener('open', () => {
      const from = this.nextFrom();
      ws.send(JSON.stringify({ type: 'subscribe', from, filter: this.filter }));
    });
    ws.addEventListener('message', (m) => this.handle(m.data));
    ws.addEventListener('close', () => {
      if (this.ws !== ws || this.stopped) return;
      const delay = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)];
      this.attempt += 1;
      this.onState('reconnecting', { attempt: this.attempt, delay });
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }

  handle(text) {
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    switch (msg.type) {
      case 'subscribed':
        this.attempt = 0;
        this.connectedOnce = true;
        this.onState('live', { from: msg.from, head: msg.head });
        break;
      case 'event':
        if (this.last !== null && msg.position <= this.last) return;  // already shown
        this.last = msg.position;
        this.onEvent(msg);
        break;
      case 'presence':
        this.onPresence(msg);
        break;
      case 'caught_up':
        if (typeof msg.position === 'number' && (this.last === null || msg.position > this.last)) {
          this.last = msg.position;
        }
        break;
      case 'overflow':  // the server closes next; the close handler resumes
      case 'error':
        console.warn('live feed:', msg.detail);
        break;
      default:
        break;
    }
  }
}
