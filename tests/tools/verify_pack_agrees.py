#!/usr/bin/env python3
"""The independent verifier (verify_pack.py) agrees with assure verify-pack on every case.

    verify_pack_agrees.py --evidence-test build/tests/evidence/evidence_test

Runs the evidence test that writes its tamper corpus (CASE.zip and the checks assure's verifier
named, CASE.json), verifies each pack here, and requires the same verdict and the same checks
failed, but for `derivation` (re-deriving statements from the events needs the domain's fold,
which this verifier does not do: it relies on the signed statement for pack.json). Prints the
tamper table. Exit 0 when they agree on every case.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import verify_pack  # noqa: E402
except ImportError as e:  # no `cryptography`: skipped (ctest SKIP_RETURN_CODE)
    print("skipped:", e)
    sys.exit(77)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--evidence-test", required=True)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, ASSURE_TAMPER_DIR=d)
        run = subprocess.run([args.evidence_test, "--gtest_filter=*TheTamperCorpusForTheIndependentVerifier"],
                             env=env, capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-2000:])
            return 1
        key = open(os.path.join(d, "key.hex")).read().strip()
        cases = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".zip"))
        if len(cases) < 10:
            print("only %d cases written" % len(cases))
            return 1
        disagree = 0
        print("%-26s %-44s %s" % ("case", "assure verify-pack", "verify_pack.py"))
        for case in cases:
            cpp = json.load(open(os.path.join(d, case + ".json")))
            failures = verify_pack.Verifier(os.path.join(d, case + ".zip"), key).run()
            py_checks = sorted({f["check"] for f in failures} - {"derivation"})
            cpp_checks = sorted(set(cpp["checks"]) - {"derivation"})
            same = (not failures) == cpp["valid"] and py_checks == cpp_checks
            disagree += not same
            verdict = lambda valid, checks: ("VALID" if valid else "INVALID " + ",".join(checks))
            print("%-26s %-44s %s%s" % (case, verdict(cpp["valid"], sorted(cpp["checks"])),
                                        verdict(not failures, sorted({f["check"] for f in failures})),
                                        "" if same else "   <-- DISAGREE"))
        # The embedded key alone: a valid pack is valid to both.
        embedded = verify_pack.Verifier(os.path.join(d, "valid.zip")).run()
        if embedded:
            print("valid.zip with the embedded key:", embedded)
            disagree += 1
        return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
