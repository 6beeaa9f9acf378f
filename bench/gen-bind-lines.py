#!/usr/bin/env python3
"""gen-bind-lines.py - writes N synthetic BIND 9 log lines (print-time, print-category,
print-severity) in a realistic mix for the normalizer benchmark: about 86% queries
(IPv4 and IPv6 clients, flags such as +E(0)K, -E(0)TDC, -S, views), 10% xfer-out
AXFR/IXFR started/ended pairs (some TSIG-signed), 3% denied transfers (security) and 1%
NOTAUTH transfer requests.  The line shapes are copied from real BIND 9.18 logs
(tests/data/dns-servers/bind.log); the addresses are documentation / loopback ranges.
Deterministic for a given seed.  Usage: gen-bind-lines.py N [SEED] > FILE
"""
import random
import sys


def main():
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    zones = ["example.test", "corp.example", "shop.example.net", "mail.example.org",
             "10.in-addr.arpa", "internal.example", "api.example.com", "eu.example.com"]
    labels = ["www", "mail", "vpn", "api", "cdn", "autodiscover", "_dmarc", "ns1", "ns2",
              "intranet", "db01", "app", "login", "static", "_sip._tls", "selector1._domainkey"]
    qtypes = ["A"] * 10 + ["AAAA"] * 5 + ["MX", "TXT", "NS", "SOA", "CNAME", "SRV", "ANY", "PTR"]
    flags = ["+E(0)K", "-E(0)K", "-E(0)TK", "+", "-", "-E(0)DK", "+E(0)DK", "-E(0)TDC",
             "-S", "+E(0)TCK", "-ET"]
    servers = ["127.0.1.1", "192.0.2.53", "2001:db8::53"]
    views = ["", "", "", "", "view internal: ", "view external: "]
    keys = ["xfer-key", "secondary-tsig", "transfer.example.test"]

    def client():
        if rnd.random() < 0.25:
            return "2001:db8:%x::%x" % (rnd.randrange(1, 0xffff), rnd.randrange(1, 0xffff))
        # documentation (TEST-NET-1/2/3) and loopback ranges only
        return "%s.%d" % (rnd.choice(["192.0.2", "198.51.100", "203.0.113", "127.0.0"]),
                          rnd.randrange(1, 255))

    out = sys.stdout
    buf = []
    t = 1795787120000  # ms since the epoch: 2026-11-27 13:45:20 UTC
    mon = "27-Nov-2026"
    i = 0
    while i < n:
        t += rnd.randrange(0, 40)
        s, ms = divmod(t, 1000)
        ts = "%s %02d:%02d:%02d.%03d" % (mon, (s // 3600) % 24, (s // 60) % 60, s % 60, ms)
        ptr = "@0x7f%010x" % rnd.randrange(1 << 36)
        c = client()
        port = rnd.randrange(1024, 65535)
        zone = rnd.choice(zones)
        r = rnd.random()
        if r < 0.86:
            name = zone if rnd.random() < 0.2 else rnd.choice(labels) + "." + zone
            buf.append("%s queries: info: client %s %s#%d (%s): %squery: %s IN %s %s (%s)\n"
                       % (ts, ptr, c, port, name, rnd.choice(views), name, rnd.choice(qtypes),
                          rnd.choice(flags), rnd.choice(servers)))
            i += 1
        elif r < 0.96 and i + 1 < n:
            key = "/key " + rnd.choice(keys) if rnd.random() < 0.3 else ""
            serial = 2024010100 + rnd.randrange(100)
            who = "client %s %s#%d%s (%s)" % (ptr, c, port, key, zone)
            if rnd.random() < 0.6:
                buf.append("%s xfer-out: info: %s: transfer of '%s/IN': AXFR started (serial %d)\n"
                           % (ts, who, zone, serial))
                kind = "AXFR"
            else:
                buf.append("%s xfer-out: info: %s: transfer of '%s/IN': IXFR started "
                           "(serial %d -> %d)\n" % (ts, who, zone, serial - 1, serial))
                kind = "IXFR"
            msgs, recs = rnd.randrange(1, 40), rnd.randrange(5, 40000)
            nbytes = recs * rnd.randrange(30, 60)
            secs = rnd.randrange(1, 3000) / 1000.0
            buf.append("%s xfer-out: info: %s: transfer of '%s/IN': %s ended: %d messages, "
                       "%d records, %d bytes, %.3f secs (%d bytes/sec) (serial %d)\n"
                       % (ts, who, zone, kind, msgs, recs, nbytes, secs, int(nbytes / secs),
                          serial))
            i += 2
        elif r < 0.99:
            kind = "AXFR" if rnd.random() < 0.7 else "IXFR"
            buf.append("%s security: error: client %s %s#%d (%s): zone transfer '%s/%s/IN' "
                       "denied\n" % (ts, ptr, c, port, zone, zone, kind))
            i += 1
        else:
            bad = "nosuch%d.example" % rnd.randrange(1000)
            buf.append("%s xfer-out: info: client %s %s#%d (%s): bad zone transfer request: "
                       "'%s/IN': non-authoritative zone (NOTAUTH)\n" % (ts, ptr, c, port, bad, bad))
            i += 1
        if len(buf) >= 4096:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))


if __name__ == "__main__":
    main()
