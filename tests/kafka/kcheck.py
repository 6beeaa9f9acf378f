#!/usr/bin/env python3
"""kcheck.py - helpers for the Kafka integration tests: split input files into per-partition
record files with a manifest of (topic, partition, offset), and verify the stage's output
and dead-letter topics (dumped with `kcat -C -J`) against that manifest.

  kcheck.py split FILE TOPIC NPARTS OUTDIR [--repeat N]
      non-blank lines of FILE, in contiguous runs per partition, into OUTDIR/TOPIC.pN;
      appends {"topic","partition","offset","line","text"} rows to OUTDIR/manifest.jsonl
  kcheck.py exact MANIFEST OUT.json DLQ.json FILE:TOPIC:EVENTS.jsonl:DEAD.jsonl...
      every input record yields exactly the events / dead letter that file mode gives
      for the same line (compared on fields that do not depend on position or stream
      state), with key = unmapped.zone and the documented headers
  kcheck.py cover MANIFEST OUT.json DLQ.json [--exactly-once]
      every input record has at least one output (exactly one and no duplicate with
      --exactly-once); each record must yield exactly one output in these inputs
  kcheck.py alerts MANIFEST OUT.json ALERTS.json FILE:EXPECTED_ALERTS.jsonl...
      each input record yields exactly as many alerts as `zonewarden run` gives for
      the same line in file mode (no loss, no duplicate), keyed by its event's zone
  kcheck.py committed BROKER GROUP TOPIC NPARTS
      the group's committed offset of each partition 0..NPARTS-1, space-separated (-1:
      none), read with the Kafka protocol's OffsetFetch (v1) from the broker: what a
      restarted member would resume from, for condition-based waits in the tests
Exits 1 with a message on the first class of failure found.
"""
import json
import os
import socket
import struct
import sys

SCHEMA = os.environ.get("ZW_SCHEMA", "ocsf/1.8.0")
PROJ = ["class_uid", "activity_id", "type_uid", "status_id", "time", "query", "src_endpoint",
        "dst_endpoint", "api", "rcode_id", "severity_id"]
UNMAPPED_PROJ = ["zone", "xfer", "record", "change", "source_format"]


def fail(msg):
    print("kcheck: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def headers(msg):
    h = msg.get("headers") or []
    return {h[i]: h[i + 1] for i in range(0, len(h) - 1, 2)}


def src(msg):
    h = headers(msg)
    return (h.get("zw-source-topic"), int(h.get("zw-source-partition", -1)),
            int(h.get("zw-source-offset", -1)))


def project(ev):
    p = {k: ev[k] for k in PROJ if k in ev}
    um = ev.get("unmapped", {})
    p["unmapped"] = {k: um[k] for k in UNMAPPED_PROJ if k in um}
    return json.dumps(p, sort_keys=True)


def split(args):
    path, topic, nparts, outdir = args[0], args[1], int(args[2]), args[3]
    repeat = int(args[5]) if len(args) > 5 and args[4] == "--repeat" else 1
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        lines = [(i + 1, l.rstrip("\n")) for i, l in enumerate(f)]
    lines = [(n, t) for n, t in lines if t.strip()] * repeat
    per = (len(lines) + nparts - 1) // nparts
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "manifest.jsonl"), "a") as man:
        for p in range(nparts):
            chunk = lines[p * per:(p + 1) * per]
            with open(os.path.join(outdir, "%s.p%d" % (topic, p)), "w",
                      encoding="utf-8", errors="surrogateescape") as out:
                for off, (n, t) in enumerate(chunk):
                    out.write(t + "\n")
                    man.write(json.dumps({"topic": topic, "partition": p, "offset": off,
                                          "line": n, "file": path}) + "\n")


def exact(args):
    man = load_jsonl(args[0])
    outs = load_jsonl(args[1])
    dlq = load_jsonl(args[2])
    by_src_out, by_src_dlq = {}, {}
    for m in outs:
        h = headers(m)
        if h.get("zw-kind") != "event" or h.get("zw-schema") != SCHEMA:
            fail("output message with headers %s" % h)
        ev = json.loads(m["payload"])
        zone = ev.get("unmapped", {}).get("zone")
        if (m.get("key") or None) != zone:
            fail("key %r but unmapped.zone %r" % (m.get("key"), zone))
        if h.get("zw-source-format") != ev.get("unmapped", {}).get("source_format"):
            fail("zw-source-format %r vs event %r" % (h.get("zw-source-format"),
                                                      ev.get("unmapped", {}).get("source_format")))
        pos = ev.get("unmapped", {}).get("position", {})
        s = src(m)
        if (pos.get("topic"), pos.get("partition"), pos.get("offset")) != s:
            fail("event position %s but headers %s" % (pos, s))
        by_src_out.setdefault(s, []).append(project(ev))
    for m in dlq:
        h = headers(m)
        if h.get("zw-kind") != "dead-letter":
            fail("dlq message with headers %s" % h)
        d = json.loads(m["payload"])
        s = src(m)
        p = d.get("position", {})
        if (p.get("topic"), p.get("partition"), p.get("offset")) != s:
            fail("dead letter position %s but headers %s" % (p, s))
        by_src_dlq.setdefault(s, []).append(d)
    # file-mode expectations per (file, line)
    exp_ev, exp_dead, topic_of = {}, {}, {}
    for spec in args[3:]:
        fpath, topic, evpath, deadpath = spec.split(":")
        topic_of[topic] = fpath
        for ev in load_jsonl(evpath):
            ln = ev["unmapped"]["position"]["line"]
            exp_ev.setdefault((fpath, ln), []).append(project(ev))
        for d in load_jsonl(deadpath):
            exp_dead.setdefault((fpath, d["position"]["line"]), []).append(d)
    n_ev = n_dead = 0
    seen = set()
    for r in man:
        s = (r["topic"], r["partition"], r["offset"])
        seen.add(s)
        k = (r["file"], r["line"])
        want = sorted(exp_ev.get(k, []))
        got = sorted(by_src_out.get(s, []))
        if want != got:
            fail("record %s (%s:%d): want %d events %s, got %d %s" % (
                s, r["file"], r["line"], len(want), want[:2], len(got), got[:2]))
        wd = exp_dead.get(k, [])
        gd = by_src_dlq.get(s, [])
        if len(wd) != len(gd):
            fail("record %s (%s:%d): want %d dead letters, got %d" % (
                s, r["file"], r["line"], len(wd), len(gd)))
        for a, b in zip(wd, gd):
            # file framing can see what a message cannot (a JSON document left open at
            # the end of a file); the record is a dead letter either way
            framing = a["reason"].startswith("truncated JSON document")
            if a["raw"].rstrip("\n") != b["raw"] or (a["reason"] != b["reason"] and not framing):
                fail("record %s: dead letter %s vs file mode %s" % (s, b, a))
        n_ev += len(got)
        n_dead += len(gd)
    extra = [s for s in list(by_src_out) + list(by_src_dlq) if s not in seen]
    if extra:
        fail("outputs for records not in the manifest: %s" % extra[:5])
    print("kcheck: exact: %d records -> %d events, %d dead letters, all as expected"
          % (len(man), n_ev, n_dead))


def cover(args):
    man = load_jsonl(args[0])
    msgs = load_jsonl(args[1]) + load_jsonl(args[2])
    once = "--exactly-once" in args
    count = {}
    for m in msgs:
        s = src(m)
        count[s] = count.get(s, 0) + 1
    missing = [(r["topic"], r["partition"], r["offset"]) for r in man
               if (r["topic"], r["partition"], r["offset"]) not in count]
    if missing:
        fail("%d of %d input records have no output, e.g. %s" % (len(missing), len(man),
                                                                  missing[:5]))
    dups = sum(c - 1 for c in count.values())
    if once and dups:
        fail("%d duplicate outputs under exactly-once" % dups)
    print("kcheck: cover: %d records all have outputs (%d outputs, %d duplicates)"
          % (len(man), len(msgs), dups))


def alerts(args):
    man = load_jsonl(args[0])
    outs = load_jsonl(args[1])
    got = load_jsonl(args[2])
    zones = {}
    for m in outs:
        zones.setdefault(src(m), set()).add(m.get("key"))
    exp = {}
    for spec in args[3:]:
        fpath, apath = spec.split(":")
        for a in load_jsonl(apath):
            data = a["evidences"][0]["data"]
            ln = data["line"] if "line" in data else int(data["position"].rsplit(":", 1)[1])
            exp[(fpath, ln)] = exp.get((fpath, ln), 0) + 1
    by = {}
    uids = set()
    for m in got:
        h = headers(m)
        if h.get("zw-kind") != "alert":
            fail("alert message with headers %s" % h)
        a = json.loads(m["payload"])
        if a.get("class_uid") != 2004:
            fail("alert is not a Detection Finding: %s" % m["payload"][:200])
        s = src(m)
        pos = a["evidences"][0]["data"]["position"]
        if pos != "%s/%d/%d" % s:
            fail("alert evidence position %s but headers %s" % (pos, s))
        if m.get("key") not in zones.get(s, {None}):
            fail("alert key %r is not the zone of its event %s" % (m.get("key"), zones.get(s)))
        uid = a["finding_info"]["uid"]
        if uid in uids:
            fail("duplicate alert %s for %s" % (uid, s))
        uids.add(uid)
        by[s] = by.get(s, 0) + 1
    total = 0
    for r in man:
        s = (r["topic"], r["partition"], r["offset"])
        want = exp.get((r["file"], r["line"]), 0)
        if by.get(s, 0) != want:
            fail("record %s (%s:%d): want %d alerts, got %d" % (s, r["file"], r["line"], want,
                                                                by.get(s, 0)))
        total += want
    if total != len(got):
        fail("%d alerts for %d expected" % (len(got), total))
    print("kcheck: alerts: %d records -> %d alerts, all as expected" % (len(man), total))


def _kstr(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def committed(args):
    """OffsetFetch v1 to the (single-node) broker, which is every group's coordinator."""
    if len(args) != 4:
        fail("usage: committed BROKER GROUP TOPIC NPARTS")
    broker, group, topic, nparts = args[0], args[1], args[2], int(args[3])
    host, port = broker.rsplit(":", 1)
    body = _kstr(group) + struct.pack(">i", 1) + _kstr(topic) + struct.pack(">i", nparts)
    body += b"".join(struct.pack(">i", p) for p in range(nparts))
    req = struct.pack(">hhi", 9, 1, 7) + _kstr("zw-kcheck") + body
    with socket.create_connection((host, int(port)), timeout=5) as sk:
        sk.sendall(struct.pack(">i", len(req)) + req)
        buf = b""
        while len(buf) < 4 or len(buf) < 4 + struct.unpack(">i", buf[:4])[0]:
            chunk = sk.recv(65536)
            if not chunk:
                fail("committed: connection closed")
            buf += chunk
    off = 8  # size, correlation id
    offs = {}
    (ntopics,) = struct.unpack_from(">i", buf, off)
    off += 4
    for _ in range(ntopics):
        (ln,) = struct.unpack_from(">h", buf, off)
        off += 2 + ln
        (nps,) = struct.unpack_from(">i", buf, off)
        off += 4
        for _ in range(nps):
            part, o, mlen = struct.unpack_from(">iqh", buf, off)
            off += 14 + max(mlen, 0)
            (err,) = struct.unpack_from(">h", buf, off)
            off += 2
            if err:
                fail("committed: error code %d for %s/%d" % (err, topic, part))
            offs[part] = o
    print(" ".join(str(offs.get(p, -1)) for p in range(nparts)))


if __name__ == "__main__":
    cmds = {"split": split, "exact": exact, "cover": cover, "alerts": alerts,
            "committed": committed}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](sys.argv[2:])
