#!/usr/bin/env python3
"""gen_provider_export.py OUT MB - writes a Route 53 `list-resource-record-sets` export of
about MB megabytes (pretty-printed, A / CNAME / TXT record sets) for the hostile suite."""
import json, sys
target = int(sys.argv[2]) * 1024 * 1024
out = open(sys.argv[1], "w")
out.write('{"ResourceRecordSets": [\n')
i = 0; size = 30; first = True
while size < target:
    if i % 3 == 0:
        rs = {"Name": "host%d.big.example." % i, "Type": "A", "TTL": 300,
              "ResourceRecords": [{"Value": "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)}]}
    elif i % 3 == 1:
        rs = {"Name": "www%d.big.example." % i, "Type": "CNAME", "TTL": 300,
              "ResourceRecords": [{"Value": "app%d.azurewebsites.net" % i}]}
    else:
        rs = {"Name": "txt%d.big.example." % i, "Type": "TXT", "TTL": 300,
              "ResourceRecords": [{"Value": "\"v=spf1 include:_spf.example.com ~all\""}]}
    s = ("" if first else ",\n") + json.dumps(rs, indent=2)
    out.write(s); size += len(s); first = False; i += 1
out.write('\n], "IsTruncated": false, "MaxItems": "300"}\n')
print(i)
