#!/usr/bin/env python3
"""dnsevil.py - a hostile DNS-over-TCP peer for the hostile suite (test harness only).

  dnsevil.py MODE PORTFILE [LIFETIME_S]

Listens on 127.0.0.1 (a free port, written to PORTFILE once listening) and answers every
query (SOA, AXFR, IXFR) the way MODE says, until LIFETIME_S (default 60) has passed:

  endless   an SOA, then A records in 100-record messages forever (no closing SOA)
  slow      a correct REFUSED answer, one byte per second
  wrong-id  a complete, correct zone transfer whose message id is not the query's
  wrong-q   a complete zone transfer with the query's id but another zone in the question

Never answers anything but loopback; the test stops it by PID.
"""
import os
import socket
import struct
import sys
import threading
import time

MODE = sys.argv[1]
PORTFILE = sys.argv[2]
LIFETIME = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
DEADLINE = time.monotonic() + LIFETIME


def name_wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_query(msg):
    qid = struct.unpack("!H", msg[:2])[0]
    i, labels = 12, []
    while i < len(msg) and msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype, qclass = struct.unpack("!HH", msg[i + 1:i + 5])
    return qid, ".".join(labels) + ".", qtype, qclass, msg[12:i + 5]


def soa_rr(zone, serial=2024010101):
    rdata = name_wire("ns1." + zone) + name_wire("admin." + zone) + struct.pack(
        "!IIIII", serial, 3600, 600, 86400, 300)
    return b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, 300, len(rdata)) + rdata


def a_rr(i):
    return b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + struct.pack("!I", 0x0a000000 + i)


def message(qid, question, rrs, rcode=0):
    flags = 0x8400 | rcode  # QR, AA
    return struct.pack("!HHHHHH", qid, flags, 1, len(rrs), 0, 0) + question + b"".join(rrs)


def framed(msg):
    return struct.pack("!H", len(msg)) + msg


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def serve(conn):
    conn.settimeout(max(1.0, DEADLINE - time.monotonic()))
    try:
        n = struct.unpack("!H", recv_exact(conn, 2))[0]
        qid, zone, qtype, qclass, question = parse_query(recv_exact(conn, n))
        if MODE == "endless":
            if qtype == 6:  # SOA query: a plain answer
                conn.sendall(framed(message(qid, question, [soa_rr(zone)])))
                return
            conn.sendall(framed(message(qid, question, [soa_rr(zone)])))
            i = 0
            while time.monotonic() < DEADLINE:
                conn.sendall(framed(message(qid, question, [a_rr(i + k) for k in range(100)])))
                i += 100
        elif MODE == "slow":
            data = framed(message(qid, question, [], rcode=5))
            for b in data:
                if time.monotonic() >= DEADLINE:
                    return
                conn.sendall(bytes([b]))
                time.sleep(1.0)
        elif MODE in ("wrong-id", "wrong-q"):
            if MODE == "wrong-id":
                qid ^= 0x5a5a
            else:
                question = name_wire("other.invalid.") + question[-4:]
            if qtype == 6:
                conn.sendall(framed(message(qid, question, [soa_rr(zone)])))
                return
            rrs = [soa_rr(zone)] + [a_rr(k) for k in range(5)] + [soa_rr(zone)]
            conn.sendall(framed(message(qid, question, rrs)))
    except (OSError, ConnectionError, ValueError, struct.error):
        pass
    finally:
        conn.close()


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.settimeout(0.5)
    tmp = PORTFILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(tmp, PORTFILE)
    while time.monotonic() < DEADLINE:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    s.close()


if __name__ == "__main__":
    main()
