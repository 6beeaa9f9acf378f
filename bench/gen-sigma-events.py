#!/usr/bin/env python3
"""Generates a deterministic JSON-lines event set that exercises the fields the SigmaHQ
rules use (process creation, registry, network, DNS, file, cloud audit logs).

Every event carries "zw_seq" (its index) so match sets can be compared.  Half of the events are built from a rule's first positive selection (values shaped by
its modifiers: contains / startswith / endswith / wildcards / cidr / numbers), so they
match that rule or a near neighbour; the other half are benign events of the same
categories.  Usage: gen-sigma-events.py RULES_DIR COUNT > events.jsonl
"""
import json
import os
import random
import sys

import yaml

rng = random.Random(20261127)
BENIGN = {
    "process_creation": lambda: {
        "EventID": 1, "Channel": "Microsoft-Windows-Sysmon/Operational",
        "Image": rng.choice(["C:\\Windows\\System32\\svchost.exe", "C:\\Program Files\\App\\app.exe",
                             "/usr/bin/bash", "C:\\Windows\\explorer.exe"]),
        "CommandLine": rng.choice(["svchost.exe -k netsvcs", "app.exe --update", "bash -c ls",
                                   "explorer.exe"]) + " " + str(rng.randint(1, 99999)),
        "ParentImage": "C:\\Windows\\System32\\services.exe", "User": "CORP\\user%d" % rng.randint(1, 50),
        "IntegrityLevel": "Medium", "Hashes": "SHA256=%064x" % rng.getrandbits(256),
        "OriginalFileName": "svchost.exe", "CurrentDirectory": "C:\\Windows\\System32\\"},
    "registry_set": lambda: {
        "EventID": 13, "TargetObject": "HKLM\\SOFTWARE\\Vendor\\Key%d" % rng.randint(1, 999),
        "Details": "DWORD (0x%08x)" % rng.randint(0, 99), "Image": "C:\\Windows\\regedit.exe"},
    "network_connection": lambda: {
        "EventID": 3, "DestinationIp": "10.%d.%d.%d" % (rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)),
        "DestinationPort": rng.choice([443, 80, 53, 8443]), "Initiated": "true",
        "Image": "C:\\Program Files\\Browser\\browser.exe", "DestinationHostname": "example%d.test" % rng.randint(1, 99)},
    "dns_query": lambda: {
        "EventID": 22, "QueryName": "host%d.example.test" % rng.randint(1, 9999),
        "Image": "C:\\Windows\\System32\\svchost.exe", "QueryStatus": "0"},
    "file_event": lambda: {
        "EventID": 11, "TargetFilename": "C:\\Users\\u\\AppData\\Local\\Temp\\tmp%d.dat" % rng.randint(1, 99999),
        "Image": "C:\\Program Files\\App\\app.exe"},
    "cloudtrail": lambda: {
        "eventSource": rng.choice(["s3.amazonaws.com", "ec2.amazonaws.com", "iam.amazonaws.com"]),
        "eventName": rng.choice(["GetObject", "DescribeInstances", "ListUsers"]),
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/u%d" % rng.randint(1, 40)},
        "sourceIPAddress": "198.51.100.%d" % rng.randint(1, 254), "awsRegion": "eu-west-1"},
}


def concrete(s):
    """A Sigma string value -> a concrete string matching it."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in "*?\\":
            out.append(s[i + 1])
            i += 2
            continue
        out.append("x7" if c == "*" else ("Q" if c == "?" else c))
        i += 1
    return "".join(out)


def value_for(mods, v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and not mods:
        return v
    s = str(v)
    if "re" in mods or "base64" in mods or "base64offset" in mods or "expand" in mods:
        return None
    if "cidr" in mods:
        return s.split("/")[0].rstrip(":") + ("1" if s.split("/")[0].endswith(":") else "")
    if "exists" in mods:
        return "present" if v else None
    for m in ("lt", "lte", "gt", "gte"):
        if m in mods:
            return int(float(s)) + (1 if m.startswith("gt") else -1)
    c = concrete(s)
    if "contains" in mods:
        return "pre " + c + " post"
    if "startswith" in mods:
        return c + "\\tail.exe"
    if "endswith" in mods:
        return "C:\\Dir\\Sub" + c
    return c


def from_rule(det):
    sel = None
    for k, v in det.items():
        if k == "condition" or k.startswith("filter") or not isinstance(v, (dict, list)):
            continue
        sel = v
        break
    if isinstance(sel, list):
        sel = rng.choice(sel) if sel and all(isinstance(x, dict) for x in sel) else None
    if not isinstance(sel, dict):
        return None
    ev = {}
    for key, vals in sel.items():
        parts = key.split("|")
        field, mods = parts[0], parts[1:]
        if not field:
            return None
        vl = vals if isinstance(vals, list) else [vals]
        if not vl:
            continue
        if "all" in mods:
            strs = [value_for([m for m in mods if m != "all"], x) for x in vl]
            if any(s is None or not isinstance(s, str) for s in strs):
                continue
            ev[field] = " ".join(strs)
        else:
            x = value_for(mods, rng.choice(vl))
            if x is not None:
                ev[field] = x
    return ev or None


def main():
    root, count = sys.argv[1], int(sys.argv[2])
    rules = []
    for d, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".yml"):
                try:
                    with open(os.path.join(d, f)) as fh:
                        doc = yaml.safe_load(fh)
                except Exception:
                    continue
                if isinstance(doc, dict) and isinstance(doc.get("detection"), dict):
                    rules.append(doc)
    rules.sort(key=lambda r: str(r.get("id")))
    cats = list(BENIGN)
    for i in range(count):
        if i % 2 == 0 and rules:
            r = rng.choice(rules)
            ev = from_rule(r["detection"])
            if ev:
                cat = (r.get("logsource") or {}).get("category") or (r.get("logsource") or {}).get("service")
                base = BENIGN.get(cat, BENIGN["process_creation"])()
                base.update(ev)
                base["zw_seq"] = i
                print(json.dumps(base, ensure_ascii=False))
                continue
        ev = BENIGN[rng.choice(cats)]()
        ev["zw_seq"] = i
        print(json.dumps(ev, ensure_ascii=False))


main()
