#!/usr/bin/env python3
"""An independent verifier of Assure evidence packs, written from storage/FORMAT.md alone.

    verify_pack.py PACK.zip [--public-key HEX] [--json]

Checks (FORMAT.md section 6, with the check names assure verify-pack uses): the manifest; every
events.jsonl line against its canonical bytes (1.1) and leaf hash (4); positions and times; the
batch inclusion proof against the checkpoint root (6.4); the checkpoint's signature (5); the
consistency proofs (RFC 9162 2.1.4.2); the signed statement and every file it binds (6.5); the
as-at instant; completeness (every stream from version 0 to its signed head, every entity
signed as mapped to a statement shown); pack.json and signature.json in canonical form (6.6);
document contents. It does not re-derive the statements from the events (that needs the
domain's fold): pack.json's content is taken as the server signed it.

Exit 0 valid, 1 invalid, 2 usage. Standard library, plus `cryptography` for Ed25519.
"""
import argparse
import datetime
import hashlib
import json
import struct
import sys
import uuid
import zipfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PACK_FORMAT = "assure-evidence-pack/v4"
STATEMENT_FORMAT = "assure-pack-statement/v1"


def sha256(b):
    return hashlib.sha256(b).digest()


def canonical_json(v):
    """FORMAT.md 6.6."""
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def ed25519_ok(key, message, signature):
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def iso_us(us):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=us)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%06dZ" % t.microsecond


def lp(b):
    return struct.pack(">I", len(b)) + b


def canonical_event(e):
    """FORMAT.md 1.1, from an events.jsonl line's fields (data as the store keeps it)."""
    data = json.dumps(e["data"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (b"\x01" + struct.pack(">Q", e["position"]) + lp(e["stream_id"].encode())
            + struct.pack(">Q", e["stream_version"]) + uuid.UUID(e["event_id"]).bytes
            + lp(e["type"].encode()) + struct.pack(">I", e["schema_version"])
            + struct.pack(">Q", e["recorded_at_us"]) + lp(e["actor"].encode())
            + lp(e["reason"].encode()) + lp(e["correlation_id"].encode())
            + lp(e["causation_id"].encode()) + lp(e["source"].encode()) + lp(data.encode()))


def node(left, right):
    return sha256(b"\x01" + left + right)


def largest_power_of_two_below(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def batch_root(n, positions, leaves, nodes):
    """FORMAT.md 6.4: MTH'(0, n) from the proven leaves and the proof's nodes."""
    leaf_of = dict(zip(positions, leaves))
    ordered = sorted(positions)
    it = iter(nodes)
    import bisect

    def any_in(lo, hi):  # a position p with lo < p <= hi
        i = bisect.bisect_right(ordered, lo)
        return i < len(ordered) and ordered[i] <= hi

    def mth(lo, hi):
        if not any_in(lo, hi):
            nlo, nhi, h = next(it)
            if (nlo, nhi) != (lo, hi):
                raise ValueError("node [%d, %d) where [%d, %d) was expected" % (nlo, nhi, lo, hi))
            return bytes.fromhex(h)
        if hi - lo == 1:
            return leaf_of[lo + 1]
        k = largest_power_of_two_below(hi - lo)
        return node(mth(lo, lo + k), mth(lo + k, hi))

    root = mth(0, n)
    if next(it, None) is not None:
        raise ValueError("nodes left over")
    return root


def consistent(m, n, first, second, proof):
    """RFC 9162 2.1.4.2."""
    if m > n:
        return False
    if m == n:
        return not proof and first == second
    if m == 0:
        return not proof
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, first)
    if not path:
        return False
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first and sr == second and sn == 0


def checkpoint_message(c):
    return ("assure-checkpoint/v1\nsize %d\nroot %s\ntime %d\n"
            % (c["tree_size"], c["root_hash"], c["timestamp_us"])).encode()


class Verifier:
    def __init__(self, zip_bytes_path, public_key=None):
        self.path = zip_bytes_path
        self.given_key = public_key
        self.failures = []

    def fail(self, check, file, message, position=0, statement=""):
        self.failures.append(dict(check=check, file=file, position=position, statement=statement,
                                  message=message))

    def run(self):
        try:
            self.checks()
        except (ValueError, KeyError, TypeError, AttributeError, zipfile.BadZipFile,
                json.JSONDecodeError) as e:
            self.fail("format", "", "malformed pack: %s: %s" % (type(e).__name__, e))
        return self.failures

    def checks(self):
        with zipfile.ZipFile(self.path) as z:
            self.files = {name: z.read(name) for name in z.namelist()}
        for name in ("pack.json", "events.jsonl", "proofs.json"):
            if name not in self.files:
                self.fail("format", name, "the pack has no " + name)
                return
        self.manifest()
        proofs = json.loads(self.files["proofs.json"])
        c = proofs["checkpoint"]
        self.cp = c
        self.key = bytes.fromhex(self.given_key or c["public_key"])
        if proofs["public_key"] != c["public_key"]:
            self.fail("signature", "proofs.json", "public_key differs from the checkpoint's")
        if not ed25519_ok(self.key, checkpoint_message(c), bytes.fromhex(c["signature"])):
            self.fail("signature", "proofs.json", "the checkpoint's signature does not verify")
        self.statement()
        events = self.events()
        self.inclusion(proofs, events)
        self.consistency(proofs)
        self.pack_json(events)
        self.documents()

    def manifest(self):
        text = self.files.get("MANIFEST.sha256")
        if text is None:
            self.fail("manifest", "MANIFEST.sha256", "the pack has no MANIFEST.sha256")
            return
        listed = set()
        for line in text.decode().splitlines():
            digest, name = line[:64], line[66:]
            listed.add(name)
            if name not in self.files:
                self.fail("manifest", name, "listed but not in the pack")
            elif hashlib.sha256(self.files[name]).hexdigest() != digest:
                self.fail("manifest", name, "content does not match its SHA-256 in MANIFEST.sha256")
        for name in self.files:
            if name != "MANIFEST.sha256" and name not in listed:
                self.fail("manifest", name, "in the pack but not listed")

    def statement(self):
        self.signed = None
        raw = self.files.get("signature.json")
        if raw is None:
            self.fail("statement", "signature.json", "the pack has no signature.json")
            return
        s = json.loads(raw)
        if canonical_json(s) + b"\n" != raw:
            self.fail("statement", "signature.json", "not in canonical form (FORMAT.md 6.6)")
        st = s["statement"]
        if s["public_key"] != self.cp["public_key"]:
            self.fail("statement", "signature.json", "not signed by the checkpoint's key")
        message = STATEMENT_FORMAT.encode() + b"\n" + canonical_json(st)
        if st.get("format") != STATEMENT_FORMAT or not ed25519_ok(self.key, message,
                                                                   bytes.fromhex(s["signature"])):
            self.fail("statement", "signature.json", "the pack's statement is not signed by " + self.key.hex())
            return
        self.signed = st
        for name, digest in st["files"].items():
            check = "report" if name == "index.html" else "statement"
            if name not in self.files:
                self.fail(check, name, "signed but not in the pack (removed?)")
            elif hashlib.sha256(self.files[name]).hexdigest() != digest:
                self.fail(check, name, "not the file the server signed (edited?)")
        for name in self.files:
            if name not in ("signature.json", "MANIFEST.sha256") and name not in st["files"]:
                self.fail("statement", name, "not in the signed statement (added?)")
        if st["checkpoint"] != {"tree_size": self.cp["tree_size"], "root_hash": self.cp["root_hash"]}:
            self.fail("checkpoint", "proofs.json", "the server signed the pack for the checkpoint %s, "
                      "it is proved against size %d" % (json.dumps(st["checkpoint"]), self.cp["tree_size"]))

    def events(self):
        events = []
        for number, line in enumerate(self.files["events.jsonl"].decode().split("\n"), 1):
            if not line:
                continue
            try:
                e = json.loads(line)
                leaf = sha256(b"\x00" + canonical_event(e))
            except (ValueError, KeyError, TypeError, AttributeError, struct.error) as err:
                self.fail("event", "events.jsonl", "line %d unreadable: %s" % (number, err))
                continue
            if e["recorded_at"] != iso_us(e["recorded_at_us"]):
                self.fail("event", "events.jsonl", "line %d: recorded_at does not say recorded_at_us" % number,
                          e["position"])
            if leaf.hex() != e["leaf_hash"]:
                self.fail("event", "events.jsonl", "line %d: the fields do not hash to leaf_hash" % number,
                          e["position"])
            e["_leaf"] = bytes.fromhex(e["leaf_hash"])
            e["_line"] = number
            events.append(e)
        for a, b in zip(events, events[1:]):
            if b["position"] <= a["position"]:
                self.fail("order", "events.jsonl", "positions are not ascending and unique", b["position"])
            elif b["recorded_at_us"] < a["recorded_at_us"]:
                self.fail("order", "events.jsonl", "recorded before the event before it (back-dated?)",
                          b["position"])
        return events

    def inclusion(self, proofs, events):
        inc = proofs["inclusion"]
        present = [e["position"] for e in events]
        if set(present) != set(inc["positions"]):
            for p in sorted(set(present) - set(inc["positions"])):
                self.fail("coverage", "events.jsonl", "position %d has no inclusion proof (inserted?)" % p, p)
            for p in sorted(set(inc["positions"]) - set(present)):
                self.fail("coverage", "events.jsonl", "position %d is proven but missing (removed?)" % p, p)
            self.fail("inclusion", "proofs.json", "not checked: events.jsonl and proofs.json name different positions")
            return
        if inc["tree_size"] != self.cp["tree_size"] or present != sorted(set(present)):
            self.fail("inclusion", "proofs.json", "not checked: tree size or order")
            return
        try:
            root = batch_root(inc["tree_size"], present, [e["_leaf"] for e in events], inc["nodes"])
        except (ValueError, StopIteration, KeyError) as err:
            self.fail("inclusion", "proofs.json", "the batch proof does not fit: %s" % err)
            return
        if root.hex() != self.cp["root_hash"]:
            self.fail("inclusion", "proofs.json", "the events are not proven in the signed log")

    def consistency(self, proofs):
        for entry in proofs["consistency"]:
            e = entry["checkpoint"]
            if not ed25519_ok(self.key, checkpoint_message(e), bytes.fromhex(e["signature"])):
                self.fail("consistency", "proofs.json", "the earlier checkpoint (size %d) is not signed by the key"
                          % e["tree_size"])
            elif not consistent(e["tree_size"], self.cp["tree_size"], bytes.fromhex(e["root_hash"]),
                                bytes.fromhex(self.cp["root_hash"]), [bytes.fromhex(h) for h in entry["proof"]]):
                self.fail("consistency", "proofs.json", "does not extend the checkpoint of size %d" % e["tree_size"])

    def pack_json(self, events):
        raw = self.files["pack.json"]
        pack = json.loads(raw)
        if pack.get("format") != PACK_FORMAT:
            self.fail("format", "pack.json", "not an %s pack.json" % PACK_FORMAT)
            return
        if canonical_json(pack) + b"\n" != raw:
            self.fail("format", "pack.json", "not in canonical form (FORMAT.md 6.6)")
        cp = pack["checkpoint"]
        if cp["tree_size"] != self.cp["tree_size"] or cp["root_hash"] != self.cp["root_hash"]:
            self.fail("checkpoint", "pack.json", "the checkpoint named in pack.json is not the one in proofs.json")
        a = pack["as_of"]
        t = a["timestamp_us"]
        if a["date"] != iso_us(t)[:10]:
            self.fail("as-of", "pack.json", "as_of.date %s is not the UTC date of as_of.timestamp_us" % a["date"])
        if a["timestamp"] != iso_us(t):
            self.fail("as-of", "pack.json", "as_of.timestamp does not say as_of.timestamp_us")
        if a["position"] > self.cp["tree_size"]:
            self.fail("as-of", "pack.json", "the as-at position is past the checkpoint's tree size")
        for e in events:
            if e["position"] > a["position"]:
                self.fail("order", "events.jsonl", "after the pack's as-at position", e["position"])
            if e["recorded_at_us"] > t:
                self.fail("as-of", "events.jsonl", "recorded %s, after the pack's as-at instant %s (back-dated pack?)"
                          % (e["recorded_at"], a["timestamp"]), e["position"])
        if sorted(set(pack["scope"]["codes"])) != [s["code"] for s in pack["statements"]]:
            self.fail("derivation", "pack.json", "the statements are not the scope's codes")
        gaps = [s["code"] for s in pack["statements"] if not s["has_evidence"]]
        if gaps != pack["gaps"]:
            self.fail("derivation", "pack.json", "the gap list is not the statements without evidence")
        st = self.signed
        if st is None:
            self.fail("completeness", "signature.json", "not checked: no signed statement")
            return
        if st["as_of"] != a:
            self.fail("as-of", "pack.json", "as_of is not the as-at the server signed")
        if st["scope"] != pack["scope"]:
            self.fail("as-of", "pack.json", "scope is not the scope the server signed")
        self.completeness(pack, events, st)

    def completeness(self, pack, events, st):
        heads = st["streams"]
        seen = {}
        for e in events:
            expected = seen.get(e["stream_id"], 0)
            if e["stream_version"] != expected:
                self.fail("completeness", "events.jsonl", "stream %s: version %d follows version %d (omitted?)"
                          % (e["stream_id"], e["stream_version"], expected - 1), e["position"])
            seen[e["stream_id"]] = e["stream_version"] + 1
        for stream, head in heads.items():
            if stream not in seen:
                self.fail("completeness", "events.jsonl", "stream %s (signed head %d) has no events (omitted?)"
                          % (stream, head))
            elif seen[stream] != head + 1:
                self.fail("completeness", "events.jsonl", "stream %s: the events run to version %d, the signed head "
                          "is %d (omitted?)" % (stream, seen[stream] - 1, head))
        for stream in seen:
            if stream not in heads:
                self.fail("completeness", "events.jsonl", "stream %s is not one the server signed" % stream)
        shown = {s["code"]: s for s in pack["statements"]}
        entities = pack["entities"]
        for code, mapped in st["statements"].items():
            if code not in shown:
                self.fail("completeness", "pack.json", "statement %s is signed but not shown" % code, statement=code)
                continue
            s = shown[code]
            for kind in ("deliverables", "documents", "groups", "meetings", "risks"):
                have = [r["id"] if isinstance(r, dict) else r for r in s.get(kind, [])]
                for i in mapped.get(kind, []):
                    if i not in have or i not in entities.get(kind, {}):
                        self.fail("completeness", "pack.json", "statement %s: %s %s signed as mapped to it is not "
                                  "shown (omitted?)" % (code, kind[:-1], i), statement=code)
                for i in have:
                    if i not in mapped[kind]:
                        self.fail("completeness", "pack.json", "statement %s: shows %s %s, not signed as mapped"
                                  % (code, kind[:-1], i), statement=code)
        for code in shown:
            if code not in st["statements"]:
                self.fail("completeness", "pack.json", "statement %s is not one the server signed" % code,
                          statement=code)

    def documents(self):
        pack = json.loads(self.files["pack.json"])
        included = {d["sha256"] for d in pack.get("documents", []) if d.get("included")}
        for name, content in self.files.items():
            if not name.startswith("documents/"):
                continue
            digest = name[len("documents/"):]
            if hashlib.sha256(content).hexdigest() != digest:
                self.fail("document", name, "content does not hash to its name")
            included.discard(digest)
        for digest in sorted(included):
            self.fail("document", "documents/" + digest, "listed as included but missing")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("pack")
    p.add_argument("--public-key", help="the network's Ed25519 public key, 64 hex digits")
    p.add_argument("--json", action="store_true", help="print {valid, failures} as JSON")
    args = p.parse_args()
    failures = Verifier(args.pack, args.public_key).run()
    if args.json:
        print(json.dumps({"valid": not failures, "failures": failures}))
    else:
        print("VALID" if not failures else "INVALID")
        for f in failures:
            where = f["file"] + (" position %d" % f["position"] if f["position"] else "")
            print("  FAIL  [%s] %s: %s" % (f["check"], where, f["message"]))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
