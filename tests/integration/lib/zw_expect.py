#!/usr/bin/env python3
"""zw_expect.py - asserts that a JSON-lines file of zonewarden events holds the expected
events.  Used by the integration tests (real DNS servers, providers); it checks events,
it does not produce them.

Usage: zw_expect.py EVENTS.jsonl EXPECTATIONS [--dlq DLQ.jsonl]

EXPECTATIONS has one expectation per line ('#' starts a comment):

    label | cond cond ... [| count]

A cond is `path=value` (equal, numbers compared as text), `path!=value` (the path is
present and no value there equals value: an absent path does not satisfy it, use `!path`
for absence), `path~regex` (re.search on the text), `path?` (present) or `!path` (absent).  Paths are dotted
(`src_endpoint.ip`, `unmapped.xfer.kind`); a list element matches when any element does
(`answers.rdata=127.0.10.10`).  Values may be quoted with '' to hold spaces.  count is
`N` (exactly N matching events), `>=N` or `<=N`; the default is `>=1`.

Every expectation must hold: there is no list of tolerated failures (fix the parser).
--dlq FILE fails the run when the dead letter file is not empty (every line must become
an event or counted noise).

A file with no expectation at all fails (exit 1): an empty or all-comment file would
otherwise check nothing and pass.

Exit status: 0 when every expectation holds, 1 otherwise, 2 on usage errors.
"""
import json
import re
import shlex
import sys


def lookup(ev, path):
    """All values at a dotted path (lists fan out)."""
    cur = [ev]
    for part in path.split("."):
        nxt = []
        for c in cur:
            if isinstance(c, list):
                for e in c:
                    if isinstance(e, dict) and part in e:
                        nxt.append(e[part])
            elif isinstance(c, dict) and part in c:
                nxt.append(c[part])
        cur = nxt
    out = []
    for c in cur:
        if isinstance(c, list):
            out.extend(c)
        else:
            out.append(c)
    return out


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True)
    return str(v)


def parse_cond(tok):
    if tok.startswith("!") and "=" not in tok:
        return ("absent", tok[1:], None)
    if tok.endswith("?"):
        return ("present", tok[:-1], None)
    m = re.match(r"^([A-Za-z0-9_.\[\]]+)(!=|=|~)(.*)$", tok, re.S)
    if not m:
        raise ValueError("bad condition %r" % tok)
    op = {"=": "eq", "!=": "ne", "~": "re"}[m.group(2)]
    val = m.group(3)
    return (op, m.group(1), re.compile(val) if op == "re" else val)


def matches(ev, conds):
    for op, path, val in conds:
        vals = [text(v) for v in lookup(ev, path)]
        if op == "present" and not vals:
            return False
        if op == "absent" and vals:
            return False
        if op == "eq" and val not in vals:
            return False
        if op == "ne" and (not vals or val in vals):
            return False
        if op == "re" and not any(val.search(v) for v in vals):
            return False
    return True


def count_ok(n, spec):
    if spec.startswith(">="):
        return n >= int(spec[2:])
    if spec.startswith("<="):
        return n <= int(spec[2:])
    return n == int(spec)


def near_misses(events, conds, limit=3):
    """Events that fail the fewest conditions, with the failing ones: the diagnosis."""
    scored = []
    for ev in events:
        bad = [c for c in conds if not matches(ev, [c])]
        scored.append((len(bad), bad, ev))
    scored.sort(key=lambda t: t[0])
    out = []
    for nbad, bad, ev in scored[:limit]:
        if nbad == len(conds):
            break
        shown = {p: lookup(ev, p) for _, p, _ in bad}
        pos = ev.get("unmapped", {}).get("position", {})
        out.append("    near miss (line %s): %s" % (pos.get("line", "?"), json.dumps(shown)))
    return out


def main(argv):
    args = argv[1:]
    dlq = None
    pos = []
    i = 0
    while i < len(args):
        if args[i] == "--dlq":
            dlq = args[i + 1]
            i += 2
        else:
            pos.append(args[i])
            i += 1
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    events = []
    with open(pos[0], encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                events.append(json.loads(line))
            except ValueError as e:
                print("FAIL: %s:%d is not JSON: %s" % (pos[0], n, e))
                return 1
    failed = passed = 0
    with open(pos[1], encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.rstrip("\n").split("|")]
            if len(parts) not in (2, 3):
                print("%s:%d: want 'label | conds [| count]'" % (pos[1], lineno), file=sys.stderr)
                return 2
            label, conds_s = parts[0], parts[1]
            spec = parts[2] if len(parts) == 3 and parts[2] else ">=1"
            try:
                conds = [parse_cond(t) for t in shlex.split(conds_s)]
            except ValueError as e:
                print("%s:%d: %s" % (pos[1], lineno, e), file=sys.stderr)
                return 2
            n = sum(1 for ev in events if matches(ev, conds))
            ok = count_ok(n, spec)
            if ok:
                print("ok   %s (%d)" % (label, n))
                passed += 1
            else:
                print("FAIL %s: %d events match [%s], want %s" % (label, n, conds_s, spec))
                for m in near_misses(events, conds):
                    print(m)
                failed += 1
    if dlq:
        with open(dlq, encoding="utf-8") as f:
            dead = [ln for ln in f if ln.strip()]
        if dead:
            print("FAIL %s: %d dead-lettered lines (every line must be an event or noise):"
                  % (dlq, len(dead)))
            for ln in dead[:10]:
                d = json.loads(ln)
                print("    %s: %s | %s" % (d.get("reason"), d.get("formats_tried", d.get("tried")),
                                          (d.get("raw") or "")[:160]))
            failed += 1
        else:
            print("ok   %s is empty" % dlq)
            passed += 1
    nexp = passed + failed - (1 if dlq else 0)
    if nexp == 0:
        print("FAIL %s: no expectations (an empty file checks nothing)" % pos[1])
        failed += 1
    print("summary %s: passed=%d failed=%d" % (pos[0], passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
