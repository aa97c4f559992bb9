#!/usr/bin/env python3
"""Fills the disk under the real `assure serve` and checks that writes stop cleanly and
resume in place, with nothing acknowledged lost.

It mounts a small tmpfs (root only: exits 77, "skipped", otherwise), puts the store and a
ballast file on it, starts the server with a free-space reserve (storage.min_free_bytes),
and drives concurrent connections that create groups, programmes and deliverables and run
commands on them until the disk's free space reaches the reserve. Then it checks:

  1. the server is still running; writes answer 503 with the problem type
     urn:assure:problem:writes-suspended and Retry-After; reads answer 200; /readyz is 503;
  2. after the ballast is deleted (space returns), within 15 s and with no restart,
     /readyz is 200 again and a write succeeds;
  3. every acknowledged write is in the log and every programme lists every deliverable
     created in it (tests/tools/kill_test.py's checks), and `assure verify` passes on the
     stopped store.

Loopback only; every loop is bounded. Standard library only. Exit 0 when every check
passed, 1 when one failed, 2 on a usage or start-up error, 77 when it cannot mount.

  sudo tests/tools/disk_full_test.py --assure build/server/assure
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kill_test  # noqa: E402  (the load, the ledger and the checks)

API = kill_test.API
MiB = 1 << 20


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assure", default="build/server/assure", help="the assure executable")
    ap.add_argument("--size-mib", type=int, default=48, help="the tmpfs's size (default 48)")
    ap.add_argument("--reserve-mib", type=int, default=16, help="storage.min_free_bytes (default 16)")
    ap.add_argument("--ballast-mib", type=int, default=8, help="freed to let writes resume (default 8)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent connections (default 8)")
    ap.add_argument("--fill-timeout", type=float, default=300, help="most seconds to fill the disk")
    args = ap.parse_args()
    assure = os.path.abspath(args.assure)
    work = tempfile.mkdtemp(prefix="assure-disk-full-")
    mount = os.path.join(work, "disk")
    os.makedirs(mount)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm" % args.size_mib, "tmpfs", mount],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        print("disk-full test: skipped: cannot mount a tmpfs (%s)" % mounted.stderr.strip())
        shutil.rmtree(work, ignore_errors=True)
        return 77
    server = None
    passed = False
    try:
        data = os.path.join(mount, "data")
        ballast = os.path.join(mount, "ballast")
        with open(ballast, "wb") as f:
            f.write(b"\0" * (args.ballast_mib * MiB))
        config = os.path.join(work, "config.json")
        with open(config, "w") as f:
            f.write('{"rate_limit": {"enabled": false}, "storage": {"min_free_bytes": %d}}'
                    % (args.reserve_mib * MiB))
        # The token is made on the ordinary disk (the CLI keeps the default
        # reserve, more than the tmpfs has) and the stopped store copied in.
        made_in = os.path.join(work, "data")
        made = subprocess.run([assure, "token", "create", "--role", "admin", "--name", "disk-full-test",
                               "--data", made_in], capture_output=True, text=True)
        if made.returncode != 0:
            print("disk-full test: cannot create a token: %s" % made.stderr, file=sys.stderr)
            return 2
        token = made.stdout.strip()
        shutil.copytree(made_in, data)
        server = kill_test.Server(assure, data, config, os.path.join(work, "serve.log"))
        server.start(token)
        print("disk-full test: %d MiB tmpfs, reserve %d MiB, ballast %d MiB, %.1f MiB free at start"
              % (args.size_mib, args.reserve_mib, args.ballast_mib, free_bytes(mount) / MiB), flush=True)

        ledger = kill_test.Ledger()
        stop = threading.Event()
        workers = [threading.Thread(target=kill_test.load_worker,
                                    args=(server.port, token, ledger, stop, 10**7, 1000 + i))
                   for i in range(args.connections)]
        for w in workers:
            w.start()
        probe = kill_test.Client(server.port, token, timeout=30)
        failures = []
        started = time.monotonic()
        suspended_after = None
        while time.monotonic() - started < args.fill_timeout:
            status, raw = probe.request("GET", "/readyz")
            # 503 also while the read models catch up with a burst of writes.
            if status == 503 and b"suspended" in raw:
                suspended_after = time.monotonic() - started
                break
            if server.proc.poll() is not None:
                break
            time.sleep(0.2)
        stop.set()
        for w in workers:
            w.join(timeout=60)
        if server.proc.poll() is not None:
            print("disk-full test: FAILED: the server exited (%s); see %s"
                  % (server.proc.returncode, server.log_path))
            return 1
        if suspended_after is None:
            print("disk-full test: FAILED: writes were never suspended in %.0f s" % args.fill_timeout)
            return 1
        print("disk-full test: writes suspended after %.1f s, %d acknowledged writes, %.1f MiB free"
              % (suspended_after, len(ledger.acks), free_bytes(mount) / MiB), flush=True)

        # 1. Suspended: writes refused with the problem type, reads go on.
        status, body = probe.json("POST", API + "/groups", {"name": "While full", "kind": "sig"})
        if status != 503 or not isinstance(body, dict) or body.get("type") != "urn:assure:problem:writes-suspended":
            failures.append("a write while suspended answered %d %s" % (status, body))
        status, _ = probe.request("GET", API + "/groups")
        if status != 200:
            failures.append("a read while suspended answered %d" % status)

        # 2. Space returns: writes resume in place.
        os.remove(ballast)
        resumed_after = None
        t0 = time.monotonic()
        while time.monotonic() - t0 < 15:
            status, _ = probe.request("GET", "/readyz")
            if status == 200:
                resumed_after = time.monotonic() - t0
                break
            time.sleep(0.2)
        if resumed_after is None:
            failures.append("/readyz was not 200 within 15 s of freeing %d MiB" % args.ballast_mib)
        else:
            status, body = probe.json("POST", API + "/groups", {"name": "After space returned", "kind": "sig"})
            if status != 201:
                failures.append("a write after space returned answered %d %s" % (status, body))
            else:
                ledger.ack("groups", body)
            print("disk-full test: writes resumed %.1f s after the ballast was deleted, no restart"
                  % resumed_after, flush=True)

        # 3. Nothing acknowledged lost.
        checker = kill_test.Client(server.port, token, timeout=60)
        lost, missing, gaps, events = kill_test.check(checker, ledger, {})
        checker.close()
        probe.close()
        failures += lost + missing + gaps
        print("disk-full test: %d acknowledged writes, %d events in the log, %d lost, %d entities missing, "
              "%d programme-list gaps, %d requests refused" % (len(ledger.acks), events, len(lost), len(missing),
                                                               len(gaps), ledger.refused))
        server.stop()
        verified = subprocess.run([assure, "verify", "--data", data], capture_output=True, text=True)
        print("assure verify: %s" % (verified.stdout.strip() or verified.stderr.strip()))
        if verified.returncode != 0:
            failures.append("assure verify failed")
        for line in failures[:20]:
            print("  FAILED: " + line)
        if failures:
            print("disk-full test: FAILED (its server log is kept: %s)" % server.log_path)
            return 1
        print("disk-full test: passed")
        passed = True
        return 0
    except RuntimeError as e:
        print("disk-full test: %s" % e, file=sys.stderr)
        return 2
    finally:
        if server:
            server.kill()
        subprocess.run(["umount", mount], capture_output=True)
        if passed and not os.path.ismount(mount):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
