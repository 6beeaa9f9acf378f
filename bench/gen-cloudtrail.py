#!/usr/bin/env python3
"""gen-cloudtrail.py N [SEED] - N CloudTrail Route 53 events, one JSON object per line.

75% ChangeResourceRecordSets with 1-4 changes (CREATE / UPSERT / DELETE; A, AAAA,
CNAME, TXT, MX; some alias records, wildcards, _acme-challenge), 10% failed
ChangeResourceRecordSets, 15% other Route 53 / Route 53 Domains operations.  IAM users and
assumed roles, IPv4 and IPv6 callers.  Deterministic for a seed.
"""
import json
import random
import sys


def main():
    n = int(sys.argv[1])
    rnd = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    zones = [("Z%012d" % i, "zone%d.example" % i) for i in range(50)]
    users = [{"type": "IAMUser", "principalId": "AIDA%08d" % i, "arn": "arn:aws:iam::111122223333:user/u%d" % i,
              "accountId": "111122223333", "accessKeyId": "AKIA%016d" % i, "userName": "u%d" % i} for i in range(20)]
    roles = [{"type": "AssumedRole", "principalId": "AROA%08d:s%d" % (i, i),
              "arn": "arn:aws:sts::111122223333:assumed-role/Role%d/s%d" % (i, i), "accountId": "111122223333",
              "accessKeyId": "ASIA%016d" % i,
              "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROA%08d" % i,
                                                   "arn": "arn:aws:iam::111122223333:role/Role%d" % i,
                                                   "accountId": "111122223333", "userName": "Role%d" % i},
                                 "attributes": {"creationDate": "2026-11-20T00:00:00Z", "mfaAuthenticated": "false"}}}
             for i in range(10)]
    out = sys.stdout
    for k in range(n):
        zid, zname = rnd.choice(zones)
        ident = rnd.choice(users) if rnd.random() < 0.5 else rnd.choice(roles)
        ip = ("198.51.100.%d" % rnd.randrange(1, 255)) if rnd.random() < 0.8 else ("2001:db8::%x" % rnd.randrange(1, 65535))
        t = "2026-11-%02dT%02d:%02d:%02dZ" % (rnd.randrange(1, 28), rnd.randrange(24), rnd.randrange(60), rnd.randrange(60))
        ev = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": t, "eventSource": "route53.amazonaws.com",
              "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": "aws-sdk-go/1.44.%d" % rnd.randrange(300),
              "requestID": "%08x-0000-4000-8000-%012x" % (k, k), "eventID": "%08x-1111-4000-8000-%012x" % (k, k),
              "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
              "recipientAccountId": "111122223333", "eventCategory": "Management", "apiVersion": "2013-04-01"}
        r = rnd.random()
        if r < 0.85:
            changes = []
            for _ in range(rnd.randrange(1, 5)):
                typ = rnd.choice(["A", "A", "AAAA", "CNAME", "TXT", "MX"])
                label = rnd.choice(["www", "api", "mail", "\\052.dev", "_acme-challenge", "h%d" % rnd.randrange(1000)])
                rrs = {"name": "%s.%s." % (label, zname), "type": typ}
                if typ == "A" and rnd.random() < 0.1:
                    rrs["aliasTarget"] = {"hostedZoneId": "Z35SXDOTRQ7X7K", "dNSName": "lb-%d.elb.amazonaws.com." % rnd.randrange(99),
                                          "evaluateTargetHealth": False}
                else:
                    rrs["tTL"] = rnd.choice([60, 300, 3600])
                    vals = {"A": lambda: "203.0.113.%d" % rnd.randrange(256), "AAAA": lambda: "2001:db8::%x" % rnd.randrange(65535),
                            "CNAME": lambda: "target%d.example.net" % rnd.randrange(99), "TXT": lambda: "\"v=spf1 -all\"",
                            "MX": lambda: "10 mx%d.%s" % (rnd.randrange(3), zname)}[typ]
                    rrs["resourceRecords"] = [{"value": vals()} for _ in range(rnd.randrange(1, 3))]
                changes.append({"action": rnd.choice(["CREATE", "UPSERT", "UPSERT", "DELETE"]), "resourceRecordSet": rrs})
            ev["eventName"] = "ChangeResourceRecordSets"
            ev["requestParameters"] = {"hostedZoneId": zid, "changeBatch": {"changes": changes}}
            if r < 0.10:
                ev["errorCode"] = "InvalidChangeBatch"
                ev["errorMessage"] = "Tried to create resource record set but it already exists"
                ev["responseElements"] = None
            else:
                ev["responseElements"] = {"changeInfo": {"id": "/change/C%010d" % k, "status": "PENDING"}}
        elif r < 0.95:
            ev["eventName"] = rnd.choice(["ListResourceRecordSets", "GetHostedZone", "ChangeTagsForResource",
                                          "UpdateHostedZoneComment", "DeleteHostedZone"])
            ev["requestParameters"] = {"hostedZoneId": zid} if ev["eventName"] != "DeleteHostedZone" else {"id": zid}
            ev["responseElements"] = None
        else:
            ev["eventSource"] = "route53domains.amazonaws.com"
            ev["eventName"] = rnd.choice(["UpdateDomainNameservers", "DisableDomainTransferLock", "GetDomainDetail"])
            ev["requestParameters"] = {"domainName": zname}
            ev["responseElements"] = {"operationId": "op-%d" % k}
        out.write(json.dumps(ev, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
