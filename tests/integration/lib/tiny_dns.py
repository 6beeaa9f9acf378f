#!/usr/bin/env python3
"""tiny_dns.py - a minimal DNS responder for tests, on a loopback UDP port.

Usage: tiny_dns.py PORTFILE SECONDS NXNAME...

Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and for SECONDS answers
every A query: NXDOMAIN for the names given (case-insensitive, no trailing dot), else one
A record 192.0.2.1.  Anything that is not a one-question query is ignored.  It exits after
SECONDS (the test also stops it by PID).  Test harness only.
"""
import socket
import struct
import sys
import time


def qname(msg, off):
    labels = []
    while True:
        n = msg[off]
        if n == 0:
            return ".".join(labels).lower(), off + 1
        if n & 0xC0:
            raise ValueError("compressed question")
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n


def main(argv):
    portfile, seconds, nx = argv[1], float(argv[2]), {n.lower().rstrip(".") for n in argv[3:]}
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(portfile, "w") as f:
        f.write(str(s.getsockname()[1]))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        s.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            msg, peer = s.recvfrom(4096)
        except socket.timeout:
            break
        try:
            qid, flags, qd = struct.unpack(">HHH", msg[:6])
            if qd != 1 or flags & 0x8000:
                continue
            name, end = qname(msg, 12)
            question = msg[12:end + 4]
        except (ValueError, IndexError, struct.error):
            continue
        rcode = 3 if name in nx else 0
        an = 0 if rcode else 1
        hdr = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, an, 0, 0)
        answer = b""
        if an:
            answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, 1])
        s.sendto(hdr + question + answer, peer)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
