#!/usr/bin/env python3
"""test_validate.py - proves the OCSF validator (validate.py) catches bad events: each
case breaks one thing in an otherwise valid event and asserts the exact violation.
Run: python3 tests/ocsf/test_validate.py (or by tests/integration/10-ocsf-conformance.sh).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import validate  # noqa: E402

SCHEMA = validate.Schema()

DNS = {
    "activity_id": 1, "activity_name": "Query", "category_name": "Network Activity",
    "category_uid": 4, "class_name": "DNS Activity", "class_uid": 4003,
    "metadata": {"product": {"name": "BIND", "vendor_name": "ISC"}, "version": "1.8.0",
                 "log_name": "queries", "uid": "u1", "profiles": ["datetime"]},
    "query": {"hostname": "www.example.test", "type": "A", "class": "IN", "opcode_id": 0,
              "opcode": "Query"},
    "answers": [{"rdata": "127.0.10.10"}],
    "rcode_id": 5, "rcode": "REFUSED", "severity_id": 1, "severity": "Informational",
    "src_endpoint": {"ip": "127.0.0.5", "port": 40000},
    "dst_endpoint": {"ip": "::1", "port": 53},
    "status_id": 2, "status": "Failure", "time": 1795787235000,
    "time_dt": "2026-11-27T13:47:15.000Z",
    "type_uid": 400301, "type_name": "DNS Activity: Query",
    "unmapped": {"zone": "example.test", "xfer": {"kind": "AXFR", "bytes": 12}, "x": [1, {}]},
}

API = {
    "activity_id": 3, "category_uid": 6, "class_uid": 6003, "severity_id": 1,
    "time": 1795787235000, "type_uid": 600303, "type_name": "API Activity: Update",
    "actor": {"user": {"name": "ddns-key"}}, "api": {"operation": "update"},
    "src_endpoint": {"ip": "127.0.0.7"}, "status_id": 1,
    "metadata": {"product": {"name": "BIND"}, "version": "1.8.0"},
    "resources": [{"name": "new.example.test", "type": "A"}],
}


def broken(base, path, value=None, delete=False):
    """A deep copy of base with the dotted path set to value (or deleted)."""
    ev = copy.deepcopy(base)
    parts = path.split(".")
    cur = ev
    for p in parts[:-1]:
        cur = cur[int(p)] if isinstance(cur, list) else cur.setdefault(p, {})
    if delete:
        del cur[parts[-1]]
    else:
        cur[parts[-1]] = value
    return ev


class GoodEvents(unittest.TestCase):
    def test_valid_dns_activity(self):
        self.assertEqual(SCHEMA.validate(DNS), [])

    def test_valid_api_activity(self):
        self.assertEqual(SCHEMA.validate(API), [])

    def test_unmapped_is_free_form(self):
        ev = broken(DNS, "unmapped.anything", {"deep": [1, "x", None]})
        self.assertEqual(SCHEMA.validate(ev), [])

    def test_every_class_compiles(self):
        self.assertIn(4003, SCHEMA.classes_by_uid)
        self.assertIn(6003, SCHEMA.classes_by_uid)
        self.assertIn(2004, SCHEMA.classes_by_uid)
        self.assertIn(2003, SCHEMA.classes_by_uid)
        for name in SCHEMA.raw_objects:
            SCHEMA.compiled_object(name)


class BadEvents(unittest.TestCase):
    def expect(self, ev, *fragments):
        errs = SCHEMA.validate(ev)
        for frag in fragments:
            self.assertTrue(any(frag in e for e in errs),
                            "no violation containing %r in %s" % (frag, errs))

    # wrong types
    def test_time_as_string(self):
        self.expect(broken(DNS, "time", "1795787235000"), "time: timestamp_t must be an integer")

    def test_time_in_seconds(self):
        self.expect(broken(DNS, "time", 1795787235), "time: 1795787235 looks like seconds")

    def test_port_as_string(self):
        self.expect(broken(DNS, "src_endpoint.port", "53"), "src_endpoint.port: port_t must be an integer")

    def test_port_out_of_range(self):
        self.expect(broken(DNS, "src_endpoint.port", 70000), "src_endpoint.port: 70000 out of port_t")

    def test_bad_ip(self):
        self.expect(broken(DNS, "src_endpoint.ip", "127.0.0.300"), "src_endpoint.ip: '127.0.0.300' is not")

    def test_ip_with_port_is_bad(self):
        self.expect(broken(DNS, "src_endpoint.ip", "127.0.0.1#53"), "src_endpoint.ip")

    def test_bool_is_not_an_integer(self):
        self.expect(broken(DNS, "severity_id", True), "severity_id: integer_t must be an integer")

    def test_string_as_number(self):
        self.expect(broken(DNS, "query.hostname", 12), "query.hostname: hostname_t must be a string")

    def test_array_expected(self):
        self.expect(broken(DNS, "answers", {"rdata": "x"}), "answers: must be an array")

    def test_array_not_expected(self):
        self.expect(broken(DNS, "query", [DNS["query"]]), "query: must be a single dns_query")

    def test_object_expected(self):
        self.expect(broken(DNS, "src_endpoint", "127.0.0.1"), "src_endpoint: must be a network_endpoint object")

    def test_datetime_twin(self):
        self.expect(broken(DNS, "time_dt", "yesterday"), "time_dt: 'yesterday' does not match datetime_t")

    # unknown attributes
    def test_unknown_top_level(self):
        self.expect(broken(DNS, "zone", "example.test"), "zone: unknown attribute")

    def test_unknown_nested(self):
        self.expect(broken(DNS, "query.zone", "example.test"), "query.zone: unknown attribute")

    def test_unknown_in_array_element(self):
        self.expect(broken(DNS, "answers.0.bogus", 1), "answers[0].bogus: unknown attribute")

    def test_attribute_of_another_class(self):
        # api belongs to API Activity, not DNS Activity (no cloud profile here)
        self.expect(broken(DNS, "resources", [{"name": "x"}]), "resources: unknown attribute")

    # required attributes
    def test_missing_severity_id(self):
        self.expect(broken(DNS, "severity_id", delete=True), "severity_id: required attribute missing")

    def test_missing_metadata_version(self):
        self.expect(broken(DNS, "metadata.version", delete=True), "metadata.version: required attribute missing")

    def test_missing_metadata_product(self):
        self.expect(broken(DNS, "metadata.product", delete=True), "metadata.product: required attribute missing")

    def test_missing_api_in_api_activity(self):
        self.expect(broken(API, "api", delete=True), "api: required attribute missing")

    def test_missing_api_operation(self):
        self.expect(broken(API, "api.operation", delete=True), "api.operation: required attribute missing")

    def test_profile_required_only_when_listed(self):
        ev = broken(DNS, "metadata.profiles", ["cloud"])
        self.expect(ev, "cloud: required attribute missing")

    def test_unknown_profile(self):
        self.expect(broken(DNS, "metadata.profiles", ["nope"]), "metadata.profiles: unknown profile")

    def test_endpoint_constraint(self):
        self.expect(broken(DNS, "src_endpoint", {"port": 53}), "src_endpoint: needs at least one of")

    # enums and class ids
    def test_bad_activity_id(self):
        self.expect(broken(DNS, "activity_id", 7), "activity_id: 7 is not one of the enum values")

    def test_bad_status_id(self):
        self.expect(broken(DNS, "status_id", 5), "status_id: 5 is not one of the enum values")

    def test_bad_rcode_id(self):
        self.expect(broken(DNS, "rcode_id", 12), "rcode_id: 12 is not one of the enum values")

    def test_bad_severity_id(self):
        self.expect(broken(DNS, "severity_id", 9), "severity_id: 9 is not one of the enum values")

    def test_bad_opcode_id(self):
        self.expect(broken(DNS, "query.opcode_id", 7), "query.opcode_id: 7 is not one of the enum values")

    def test_sibling_caption_mismatch(self):
        self.expect(broken(DNS, "rcode", "NXDOMAIN"), "rcode: 'NXDOMAIN' does not name rcode_id 5")

    def test_status_caption_mismatch(self):
        self.expect(broken(DNS, "status", "Success"), "status: 'Success' does not name status_id 2")

    def test_type_uid_mismatch(self):
        self.expect(broken(DNS, "type_uid", 400302), "type_uid: 400302, class dns_activity wants 400301")

    def test_type_name_mismatch(self):
        self.expect(broken(DNS, "type_name", "DNS Activity: Response"), "type_name")

    def test_category_mismatch(self):
        self.expect(broken(DNS, "category_uid", 6), "category_uid: 6, class dns_activity wants 4")

    def test_class_name_mismatch(self):
        self.expect(broken(DNS, "class_name", "DNS"), "class_name: 'DNS'")

    def test_unknown_class(self):
        self.expect(broken(DNS, "class_uid", 4999), "class_uid: 4999 is not an OCSF 1.8.0 class")

    def test_wrong_version(self):
        self.expect(broken(DNS, "metadata.version", "1.1.0"), "metadata.version: '1.1.0'")


class CommandLine(unittest.TestCase):
    def run_on(self, events):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            for ev in events:
                f.write(json.dumps(ev) + "\n")
            f.write("not json\n" if not events else "")
        try:
            return subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), f.name],
                                  capture_output=True, text=True, check=False)
        finally:
            os.unlink(f.name)

    def test_exit_0_when_valid(self):
        r = self.run_on([DNS, API])
        self.assertEqual(r.returncode, 0, r.stdout)
        self.assertIn("2 events checked", r.stdout)

    def test_exit_1_and_lists_violations(self):
        r = self.run_on([DNS, broken(API, "api", delete=True), broken(DNS, "foo", 1)])
        self.assertEqual(r.returncode, 1)
        self.assertIn(":2 [class:6003]: api: required attribute missing", r.stdout)
        self.assertIn(":3 [class:4003]: foo: unknown attribute", r.stdout)
        self.assertIn("2 with violations", r.stdout)

    def test_not_json(self):
        r = self.run_on([])
        self.assertEqual(r.returncode, 1)
        self.assertIn("not JSON", r.stdout)

    def test_no_events_fails(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write("\n\n")
        try:
            r = subprocess.run([sys.executable, os.path.join(HERE, "validate.py"), f.name],
                               capture_output=True, text=True, check=False)
        finally:
            os.unlink(f.name)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("nothing to validate", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=1)
