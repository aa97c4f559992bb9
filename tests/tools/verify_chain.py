#!/usr/bin/env python3
"""An independent implementation of the Assure hash chain, from storage/FORMAT.md only.

Prints the canonical bytes and chain hashes of the worked example in FORMAT.md, so the
document can be checked without this software. Standard library only.
"""
import hashlib
import struct
import uuid


def u32(v):
    return struct.pack(">I", v)


def u64(v):
    return struct.pack(">Q", v)


def lp(b):
    return u32(len(b)) + b


def canonical(e):
    return (b"\x01" + u64(e["position"]) + lp(e["stream_id"].encode()) + u64(e["stream_version"])
            + uuid.UUID(e["event_id"]).bytes + lp(e["type"].encode()) + u32(e["schema_version"])
            + u64(e["recorded_at_us"]) + lp(e["actor"].encode()) + lp(e["reason"].encode())
            + lp(e["correlation_id"].encode()) + lp(e["causation_id"].encode())
            + lp(e["source"].encode()) + lp(e["data"].encode()))


EXAMPLE = [
    dict(position=1, stream_id="deliverable-7f3a", stream_version=0,
         event_id="0b7a5e0e-3c1f-4d8e-9a55-1c2d3e4f5a6b", type="DeliverableCreated",
         schema_version=1, recorded_at_us=1709251200000000, actor="person-42",
         reason="", correlation_id="", causation_id="", source="import",
         data='{"title":"Digital-02"}'),
    dict(position=2, stream_id="deliverable-7f3a", stream_version=1,
         event_id="5c1e8f4a-9b2d-4e6f-8a1b-2c3d4e5f6a7b", type="DeliverableRagbChanged",
         schema_version=1, recorded_at_us=1709251260000000, actor="person-42",
         reason="Supplier delay", correlation_id="", causation_id="", source="api",
         data='{"from":"Blue","to":"Amber"}'),
]

if __name__ == "__main__":
    prev = bytes(32)
    for e in EXAMPLE:
        c = canonical(e)
        h = hashlib.sha256(prev + c).digest()
        print(f"position {e['position']}")
        print(f"canonical ({len(c)} bytes): {c.hex()}")
        print(f"chain hash: {h.hex()}")
        prev = h
