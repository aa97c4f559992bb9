#!/usr/bin/env python3
"""Kills the real `assure serve` with SIGKILL under HTTP load and checks that nothing
acknowledged was lost.

Each cycle starts the server on 127.0.0.1 (a free port) over the same data directory,
drives concurrent connections that create groups, programmes and deliverables and run
commands on deliverables (change-ragb, add-progress-note), kills the server with SIGKILL
at a random moment, and restarts it. After every restart it checks:

  1. every acknowledged write (a 2xx answer: id, version, position) is in the log: the
     event at that position belongs to that entity's stream at that version;
  2. every entity whose create was acknowledged reads back (GET) at that version or later;
  3. every programme lists every deliverable created in it (DeliverableCreated events in
     the log, acknowledged or not): the create and the programme's listing are one append,
     so a kill can never leave one without the other.

At the end `assure verify` must pass on the stopped store. Loopback only; every loop is
bounded (cycles, load time per cycle, requests per connection, start-up wait).
Standard library only. Exit 0 when every check passed, 1 when one failed, 2 on a usage
or start-up error.

  tests/tools/kill_test.py --assure build/server/assure --cycles 5
"""
import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

API = "/api/v1"
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Ledger:
    """What the server acknowledged, shared by the load threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acks = []          # (kind, id, version, position)
        self.created = {}       # (kind, id) -> highest acknowledged version
        self.groups = []
        self.programmes = []
        self.deliverables = []
        self.refused = 0        # 4xx/5xx answers (nothing written, by contract)
        self.unanswered = 0     # requests cut off by the kill (outcome unknown)

    def ack(self, kind, body):
        with self.lock:
            self.acks.append((kind, body["id"], body["version"], body["position"]))
            key = (kind, body["id"])
            self.created[key] = max(self.created.get(key, -1), body["version"])
            if body["version"] == 0:
                {"groups": self.groups, "programmes": self.programmes,
                 "deliverables": self.deliverables}[kind].append(body["id"])

    def pick(self, kind):
        with self.lock:
            items = {"groups": self.groups, "programmes": self.programmes,
                     "deliverables": self.deliverables}[kind]
            return random.choice(items) if items else None


class Client:
    def __init__(self, port, token, timeout=10):
        self.port, self.token, self.timeout = port, token, timeout
        self.conn = None

    def request(self, method, path, body=None):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, raw

    def json(self, method, path, body=None):
        status, raw = self.request(method, path, body)
        return status, (json.loads(raw) if raw else None)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def load_worker(port, token, ledger, stop, max_requests, seed):
    rnd = random.Random(seed)
    client = Client(port, token)
    for _ in range(max_requests):
        if stop.is_set():
            break
        r = rnd.random()
        programme = ledger.pick("programmes")
        deliverable = ledger.pick("deliverables")
        if r < 0.05 or ledger.pick("groups") is None:
            kind, path = "groups", API + "/groups"
            body = {"name": "Kill test group %d" % rnd.randrange(10**9), "kind": "sig"}
        elif r < 0.15 or programme is None:
            kind, path = "programmes", API + "/programmes"
            body = {"group_id": ledger.pick("groups"), "year": "2024-25",
                    "title": "Kill test programme %d" % rnd.randrange(10**9)}
        elif r < 0.55 or deliverable is None:
            kind, path = "deliverables", API + "/deliverables"
            body = {"programme_id": programme, "title": "Deliverable %d" % rnd.randrange(10**9)}
        elif r < 0.78:
            kind, path = "deliverables", API + "/deliverables/%s/change-ragb" % deliverable
            body = {"ragb": rnd.choice(["red", "amber", "green", "blue"]), "reason": "kill test"}
        else:
            kind, path = "deliverables", API + "/deliverables/%s/add-progress-note" % deliverable
            body = {"note_date": "2024-06-%02d" % rnd.randint(1, 28), "text": "note %d" % rnd.randrange(10**6)}
        try:
            status, answer = client.json("POST", path, body)
        except (OSError, http.client.HTTPException, ValueError):
            with ledger.lock:
                ledger.unanswered += 1
            if stop.is_set():
                break
            time.sleep(0.05)  # the server is going down (or restarting): slow down, bounded
            continue
        if 200 <= status < 300:
            ledger.ack(kind, answer)
        else:
            with ledger.lock:
                ledger.refused += 1
    client.close()


class Server:
    def __init__(self, assure, data, config, log_path):
        self.assure, self.data, self.config, self.log_path = assure, data, config, log_path
        self.proc = None
        self.port = None

    def start(self, token, wait_s=60):
        self.port = free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [self.assure, "serve", "--data", self.data, "--listen", "%s:%d" % (HOST, self.port),
             "--config", self.config],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        client = Client(self.port, token, timeout=5)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("assure serve exited with %s at start-up; see %s"
                                   % (self.proc.returncode, self.log_path))
            try:
                status, _ = client.request("GET", "/readyz")
                if status == 200:
                    client.close()
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        raise RuntimeError("assure serve was not ready within %d s; see %s" % (wait_s, self.log_path))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()


def read_log(client):
    """Every event of the log: position -> (stream_id, stream_version, type, data)."""
    events = {}
    position = 1
    for _ in range(10**6):  # bounded: 1000 events a page
        status, page = client.json("GET", API + "/events?from=%d&limit=1000" % position)
        if status != 200:
            raise RuntimeError("GET /events answered %d" % status)
        for e in page["items"]:
            events[e["position"]] = (e["stream_id"], e["stream_version"], e["type"], e["data"])
            position = e["position"] + 1
        if page.get("end_of_log") or not page["items"]:
            break
    return events


def check(client, ledger, checked_entities):
    """Returns (lost writes, missing entities, programme-list gaps), each a list of strings."""
    events = read_log(client)
    lost = []
    with ledger.lock:
        acks = list(ledger.acks)
        created = dict(ledger.created)
    for kind, entity_id, version, position in acks:
        got = events.get(position)
        if got is None or not got[0].endswith(entity_id) or got[1] != version:
            lost.append("%s %s version %d acknowledged at position %d; the log has %s"
                        % (kind, entity_id, version, position, got[:3] if got else "nothing"))
    missing = []
    for (kind, entity_id), version in created.items():
        if checked_entities.get((kind, entity_id)) == version:
            continue  # already read back at this version after an earlier restart
        status, body = client.json("GET", "%s/%s/%s" % (API, kind, entity_id))
        body = body if isinstance(body, dict) else {}
        if status != 200 or body.get("version", -1) < version:
            missing.append("%s %s: GET answered %d%s after version %d was acknowledged"
                           % (kind, entity_id, status,
                              " (version %s)" % body.get("version") if status == 200 else "", version))
        else:
            checked_entities[(kind, entity_id)] = version
    in_programme = {}
    for stream, _, type_, data in events.values():
        if type_ == "DeliverableCreated":
            in_programme.setdefault(data["programme_id"], []).append(data["id"])
    gaps = []
    for programme, deliverables in sorted(in_programme.items()):
        status, body = client.json("GET", "%s/programmes/%s" % (API, programme))
        listed = set(body.get("deliverable_ids", [])) if status == 200 and isinstance(body, dict) else set()
        for d in deliverables:
            if d not in listed:
                how = "acknowledged" if ("deliverables", d) in created else "not acknowledged (cut off or refused)"
                gaps.append("programme %s does not list deliverable %s, created in it (the create was %s)"
                            % (programme, d, how))
    return lost, missing, gaps, len(events)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assure", default="build/server/assure", help="the assure executable")
    ap.add_argument("--cycles", type=int, default=5, help="kill/restart cycles (default 5)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    ap.add_argument("--min-load", type=float, default=0.3, help="least seconds of load before a kill")
    ap.add_argument("--max-load", type=float, default=2.0, help="most seconds of load before a kill")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the time)")
    ap.add_argument("--dir", default=None, help="work directory (default: a new temporary one, removed on success)")
    args = ap.parse_args()
    if args.cycles < 1 or args.connections < 1 or not 0 < args.min_load <= args.max_load:
        ap.error("need cycles >= 1, connections >= 1 and 0 < min-load <= max-load")
    seed = args.seed if args.seed is not None else int(time.time())
    random.seed(seed)
    work = args.dir or tempfile.mkdtemp(prefix="assure-kill-test-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"rate_limit": {"enabled": False}}, f)
    print("kill test: seed %d, %d cycles, %d connections, work dir %s" % (seed, args.cycles, args.connections, work),
          flush=True)
    made = subprocess.run([args.assure, "token", "create", "--role", "admin", "--name", "kill-test", "--data", data],
                          capture_output=True, text=True)
    if made.returncode != 0:
        print("kill test: cannot create a token: %s" % made.stderr, file=sys.stderr)
        return 2
    token = made.stdout.strip()
    server = Server(args.assure, data, config, os.path.join(work, "serve.log"))
    ledger = Ledger()
    checked_entities = {}
    lost, missing, gaps = [], [], []
    events = 0
    started = time.monotonic()
    try:
        server.start(token)
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            workers = [threading.Thread(target=load_worker,
                                        args=(server.port, token, ledger, stop, 100000, seed * 1000 + cycle * 100 + i))
                       for i in range(args.connections)]
            for w in workers:
                w.start()
            time.sleep(random.uniform(args.min_load, args.max_load))
            server.kill()
            stop.set()
            for w in workers:
                w.join(timeout=60)
            server.start(token)
            client = Client(server.port, token, timeout=60)
            lost, missing, gaps, events = check(client, ledger, checked_entities)
            client.close()
            print("cycle %d: %d acknowledged writes, %d events in the log, %d lost, %d entities missing, "
                  "%d programme-list gaps" % (cycle, len(ledger.acks), events, len(lost), len(missing), len(gaps)),
                  flush=True)
            if lost or missing:
                break
        server.stop()
    except RuntimeError as e:
        server.kill()
        print("kill test: %s" % e, file=sys.stderr)
        return 2
    verified = subprocess.run([args.assure, "verify", "--data", data], capture_output=True, text=True)
    print("assure verify: %s" % (verified.stdout.strip() or verified.stderr.strip()))
    print("kill test: %d cycles in %.0f s; %d acknowledged writes checked (%d entities created), %d lost; "
          "%d entities missing; %d requests refused (4xx/5xx), %d cut off by a kill; %d programme-list gaps"
          % (cycle, time.monotonic() - started, len(ledger.acks), len(ledger.created), len(lost), len(missing),
             ledger.refused, ledger.unanswered, len(gaps)))
    for line in (lost + missing)[:20]:
        print("  LOST: " + line)
    for line in gaps[:20]:
        print("  GAP: " + line)
    failed = bool(lost or missing or verified.returncode != 0)
    if gaps:
        print("kill test: FAILED: programmes miss deliverables created in them")
        failed = True
    if failed:
        print("kill test: FAILED (work dir kept: %s)" % work)
        return 1
    print("kill test: passed")
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
