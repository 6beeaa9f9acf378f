#!/usr/bin/env python3
"""mkdnstap.py - writes small dnstap files (Frame Streams + dnstap protobuf, encoded by
hand from the published field numbers) for zonewarden's tests: good streams and the bad
cases the reader must dead-letter (truncated frames, a wrong content type, an oversized
frame, garbage protobuf, a DNS name whose compression pointers loop).

usage: mkdnstap.py CASE OUT   (CASE: good, truncated, wrong-type, oversized, garbage,
                              ptr-loop, no-start, many-queries, pairs:N, all)
With CASE 'all', OUT is a directory that receives one file per case."""
import os
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(num, v):
    return varint(num << 3 | 0) + varint(v)


def field_bytes(num, b):
    return varint(num << 3 | 2) + varint(len(b)) + b


def field_fixed32(num, v):
    return varint(num << 3 | 5) + struct.pack("<I", v)


def dname(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns_msg(qid, name, qtype, qr=0, rcode=0, raw_question=None):
    flags = (0x8000 if qr else 0) | rcode
    hdr = struct.pack(">HHHHHH", qid, flags, 1, 0, 0, 0)
    q = raw_question if raw_question is not None else dname(name) + struct.pack(">HH", qtype, 1)
    return hdr + q


def dnstap(mtype, qaddr, qport, msg, t, resp=False, proto=2):
    fam = 1 if len(qaddr) == 4 else 2
    m = field_varint(1, mtype) + field_varint(2, fam) + field_varint(3, proto)
    m += field_bytes(4, qaddr) + field_bytes(5, bytes([127, 0, 1, 1]) if fam == 1 else bytes(15) + b"\1")
    m += field_varint(6, qport) + field_varint(7, 53)
    m += field_varint(8, t) + field_fixed32(9, 5000000)
    if resp:
        m += field_varint(12, t) + field_fixed32(13, 9000000) + field_bytes(14, msg)
    else:
        m += field_bytes(10, msg)
    d = field_bytes(1, b"ns1.test") + field_bytes(2, b"BIND 9.18.0") + field_bytes(14, m)
    return d + field_varint(15, 1)


def control(ctype, content_type=b"protobuf:dnstap.Dnstap"):
    body = struct.pack(">I", ctype)
    if content_type is not None:
        body += struct.pack(">II", 1, len(content_type)) + content_type
    return struct.pack(">II", 0, len(body)) + body


def data(frame):
    return struct.pack(">I", len(frame)) + frame


T = 1796000000


def good_frames():
    ip3, ip5 = bytes([127, 0, 0, 3]), bytes([127, 0, 0, 5])
    return [
        dnstap(1, ip5, 40000, dns_msg(1, "www.example.test", 1), T, proto=1),
        dnstap(2, ip5, 40000, dns_msg(1, "www.example.test", 1, qr=1), T, resp=True, proto=1),
        dnstap(1, ip3, 40001, dns_msg(2, "example.test", 252), T + 1),
        dnstap(2, ip3, 40001, dns_msg(2, "example.test", 252, qr=1, rcode=5), T + 1, resp=True),
        dnstap(1, bytes([127, 0, 0, 2]), 40002, dns_msg(3, "example.test", 252), T + 2),
    ]


def stream(frames, ctype=b"protobuf:dnstap.Dnstap", stop=True):
    out = control(2, ctype) + b"".join(data(f) for f in frames)
    return out + (control(3, None) if stop else b"")


def case(name):
    if name == "good":
        return stream(good_frames())
    if name == "truncated":
        s = stream(good_frames(), stop=False)
        return s[:-7]
    if name == "wrong-type":
        return stream(good_frames(), ctype=b"protobuf:other.Thing")
    if name == "oversized":
        f = good_frames()
        return control(2) + data(f[0]) + struct.pack(">I", 2 << 20) + b"\0" * (2 << 20) + data(f[1]) + control(3, None)
    if name == "garbage":
        f = good_frames()
        return stream([f[0], b"\xff\xff\xff\xff\x0f garbage", b"\x0a\x80\x80\x80\x80\x10", f[1]])
    if name == "ptr-loop":
        # question name: a pointer to itself (offset 12), and a two-pointer cycle
        self_loop = dns_msg(7, "", 1, raw_question=b"\xc0\x0c" + struct.pack(">HH", 1, 1))
        cycle = dns_msg(8, "", 1, raw_question=b"\x01a\xc0\x0c\x00\x00\x00\x00")
        ip = bytes([127, 0, 0, 9])
        return stream([dnstap(1, ip, 1, self_loop, T), dnstap(1, ip, 2, cycle, T),
                       good_frames()[0]])
    if name == "no-start":
        return struct.pack(">II", 0, 4) + struct.pack(">I", 3) + data(good_frames()[0])
    if name == "many-queries":
        ip = bytes([127, 0, 0, 7])
        return stream([dnstap(1, ip, 1000 + i % 60000, dns_msg(i & 0xFFFF, "q%d.example.test" % i, 1), T)
                       for i in range(5000)])
    if name.startswith("pairs:"):
        return pairs(int(name[6:]))
    raise SystemExit("unknown case " + name)


def pairs(n):
    """n frames: query/response pairs from 256 IPv4 and IPv6 clients, 1 in 20 a refused
    AXFR, written frame by frame (a benchmark input)."""
    out = [control(2)]
    names = ["www", "mail", "vpn", "intranet", "api", "cdn", "ns1", "ns2"]
    for i in range(n // 2):
        ip = bytes([10, 0, (i >> 8) & 0xFF, i & 0xFF]) if i % 4 else bytes(15) + bytes([i & 0xFF or 1])
        port, qid, t = 1024 + i % 60000, i & 0xFFFF, T + i // 1000
        if i % 20 == 0:
            q = dns_msg(qid, "example.test", 252)
            r = dns_msg(qid, "example.test", 252, qr=1, rcode=5)
            proto = 2
        else:
            nm = "%s.zone%d.example.test" % (names[i % 8], i % 97)
            q = dns_msg(qid, nm, 1 if i % 3 else 28)
            r = dns_msg(qid, nm, 1 if i % 3 else 28, qr=1)
            proto = 1
        out.append(data(dnstap(1, ip, port, q, t, proto=proto)))
        out.append(data(dnstap(2, ip, port, r, t, resp=True, proto=proto)))
    out.append(control(3, None))
    return b"".join(out)


CASES = ["good", "truncated", "wrong-type", "oversized", "garbage", "ptr-loop", "no-start",
         "many-queries"]

if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    which, out = sys.argv[1], sys.argv[2]
    if which == "all":
        os.makedirs(out, exist_ok=True)
        for c in CASES:
            with open(os.path.join(out, c + ".dnstap"), "wb") as f:
                f.write(case(c))
    else:
        with open(out, "wb") as f:
            f.write(case(which))
