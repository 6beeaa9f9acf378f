#!/usr/bin/env python3
"""test_zw_expect.py - the expectation checker's own tests: each case writes an events
file and an expectations file, runs zw_expect.main and asserts the exit status.  A
checker that passes what it should fail makes every integration test that uses it
meaningless, so the failing cases matter most here.  Run by 00-zw-expect.sh."""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zw_expect  # noqa: E402

EVENTS = [
    {"class_uid": 4003, "rcode": "Refused", "src_endpoint": {"ip": "127.0.0.3"},
     "answers": [{"rdata": "127.0.10.10"}, {"rdata": "127.0.10.11"}]},
    {"class_uid": 4003, "rcode": "NoError", "src_endpoint": {"ip": "127.0.0.2"}},
    {"class_uid": 6003, "api": {"operation": "AXFR"}},
]


class ExpectTest(unittest.TestCase):
    def run_expect(self, expect, events=EVENTS, dlq=None):
        d = tempfile.mkdtemp()
        ev = os.path.join(d, "ev.jsonl")
        ex = os.path.join(d, "ex.txt")
        with open(ev, "w") as f:
            for e in events:
                f.write(json.dumps(e) + "\n")
        with open(ex, "w") as f:
            f.write(expect)
        argv = ["zw_expect.py", ev, ex]
        if dlq is not None:
            p = os.path.join(d, "dlq.jsonl")
            with open(p, "w") as f:
                f.write(dlq)
            argv += ["--dlq", p]
        out = io.StringIO()
        with redirect_stdout(out):
            rc = zw_expect.main(argv)
        return rc, out.getvalue()

    # != requires presence
    def test_ne_holds_when_present_and_different(self):
        rc, _ = self.run_expect("x | rcode!=Refused class_uid=4003 | 1\n")
        self.assertEqual(rc, 0)

    def test_ne_fails_on_absent_path(self):
        # the 6003 event has no rcode: it must not count as rcode!=Refused
        rc, out = self.run_expect("x | class_uid=6003 rcode!=Refused\n")
        self.assertEqual(rc, 1, out)

    def test_ne_counts_only_present(self):
        rc, out = self.run_expect("x | rcode!=Refused | 1\n")
        self.assertEqual(rc, 0, out)

    def test_ne_fails_on_equal(self):
        rc, _ = self.run_expect("x | src_endpoint.ip=127.0.0.3 rcode!=Refused\n")
        self.assertEqual(rc, 1)

    def test_ne_list_any_equal_fails(self):
        rc, _ = self.run_expect("x | answers.rdata!=127.0.10.11 src_endpoint.ip=127.0.0.3\n")
        self.assertEqual(rc, 1)

    # zero expectations fail
    def test_empty_file_fails(self):
        rc, out = self.run_expect("")
        self.assertEqual(rc, 1, out)
        self.assertIn("no expectations", out)

    def test_comments_only_fails(self):
        rc, _ = self.run_expect("# nothing here\n\n   \n")
        self.assertEqual(rc, 1)

    def test_empty_file_with_empty_dlq_fails(self):
        # an empty dead-letter file is a check, but not an expectation about events
        rc, _ = self.run_expect("", dlq="")
        self.assertEqual(rc, 1)

    # the rest of the language, both ways
    def test_eq_and_count(self):
        self.assertEqual(self.run_expect("x | class_uid=4003 | 2\n")[0], 0)
        self.assertEqual(self.run_expect("x | class_uid=4003 | 3\n")[0], 1)
        self.assertEqual(self.run_expect("x | class_uid=4003 | >=3\n")[0], 1)
        self.assertEqual(self.run_expect("x | class_uid=4003 | <=1\n")[0], 1)

    def test_default_count_needs_one(self):
        self.assertEqual(self.run_expect("x | class_uid=9999\n")[0], 1)

    def test_present_absent_regex(self):
        self.assertEqual(self.run_expect("x | api.operation? !rcode | 1\n")[0], 0)
        self.assertEqual(self.run_expect("x | !class_uid\n")[0], 1)
        self.assertEqual(self.run_expect("x | rcode~^Ref | 1\n")[0], 0)
        self.assertEqual(self.run_expect("x | rcode~^ref\n")[0], 1)

    def test_one_failure_fails_all(self):
        rc, _ = self.run_expect("a | class_uid=4003 | 2\nb | class_uid=1 | 1\n")
        self.assertEqual(rc, 1)

    def test_dlq_not_empty_fails(self):
        rc, _ = self.run_expect("a | class_uid=4003 | 2\n",
                                dlq='{"reason":"no_match","raw":"x"}\n')
        self.assertEqual(rc, 1)

    def test_bad_condition_is_usage_error(self):
        self.assertEqual(self.run_expect("a | =x\n")[0], 2)


if __name__ == "__main__":
    unittest.main()
