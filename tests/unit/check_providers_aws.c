/*
 * check_providers_aws.c - the AWS parsers: CloudTrail (Route 53, Route 53 Domains,
 * Resolver) over the public docs example (plain and gzip) and hand-made edge cases,
 * dead letters for bad input and truncated gzip, ECS output, and the Route 53 public
 * and Resolver query logs.
 */
#include "../../normalizer/nz_prov.h"
#include "prov_test.h"

#define CT "tests/data/providers/aws-cloudtrail/"

static void check_docs_example(zwt_collect *c)
{
    ck_assert_int_eq(fjson_object_array_length(c->events), 7);
    fjson_object *e = zwt_ev(c, 0);
    zwt_assert_str(e, "api.operation", "ListHostedZones");
    zwt_assert_int(e, "activity_id", 2);
    zwt_assert_str(e, "actor.user.uid", "arn:aws:iam::111122223333:user/smithj");
    zwt_assert_str(e, "actor.user.name", "smithj");
    zwt_assert_str(e, "actor.user.type", "IAMUser");
    zwt_assert_str(e, "actor.user.credential_uid", "AKIAIOSFODNN7EXAMPLE");
    zwt_assert_str(e, "actor.user.account.uid", "111122223333");
    zwt_assert_str(e, "cloud.account.uid", "444455556666");
    zwt_assert_str(e, "cloud.provider", "AWS");
    zwt_assert_str(e, "cloud.region", "us-east-1");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.92");
    zwt_assert_str(e, "http_request.user_agent", "Apache-HttpClient/4.3 (java 1.5)");
    zwt_assert_int(e, "time", 1421368908000LL);
    zwt_assert_str(e, "unmapped.source_format", "cloudtrail");

    e = zwt_ev(c, 1);
    zwt_assert_str(e, "api.operation", "CreateHealthCheck");
    zwt_assert_int(e, "activity_id", 1);
    zwt_assert_str(e, "unmapped.change.kind", "health_check");

    /* ChangeResourceRecordSets: two CREATE changes, one event each, same request */
    for (int i = 2; i <= 3; i++) {
        e = zwt_ev(c, i);
        zwt_assert_str(e, "api.operation", "ChangeResourceRecordSets");
        zwt_assert_str(e, "api.service.name", "route53.amazonaws.com");
        zwt_assert_str(e, "api.request.uid", "7081d4c6-9d18-11e4-b752-f9c6311f3510");
        zwt_assert_str(e, "metadata.correlation_uid", "883b14d9-2f84-4005-8bc5-c7bf0cebc116");
        zwt_assert_int(e, "class_uid", 6003);
        zwt_assert_int(e, "activity_id", 1);
        zwt_assert_int(e, "type_uid", 600301);
        zwt_assert_str(e, "status", "Success");
        zwt_assert_str(e, "unmapped.change.action", "CREATE");
        zwt_assert_str(e, "unmapped.change.kind", "record");
        zwt_assert_str(e, "unmapped.record.type", "A");
        zwt_assert_int(e, "unmapped.record.ttl", 300);
        ck_assert_int_eq(pt_list_len(e, "unmapped.record.values"), 4);
        pt_assert_list(e, "unmapped.record.values", 0, "192.0.1.1");
        pt_assert_list(e, "unmapped.record.values", 3, "192.0.1.4");
        ck_assert_str_eq(pt_res(e, "uid"), "Z1PA6795UKMFR9");
        ck_assert_str_eq(pt_res(e, "type"), "AWS::Route53::HostedZone");
        zwt_assert_int(e, "time", 1516063303000LL);
    }
    zwt_assert_str(zwt_ev(c, 2), "unmapped.record.name", "prod.example.com");
    zwt_assert_str(zwt_ev(c, 3), "unmapped.record.name", "test.example.com");
    ck_assert_str_ne(zw_jstr(zwt_ev(c, 2), "metadata.uid", NULL),
                     zw_jstr(zwt_ev(c, 3), "metadata.uid", NULL));

    e = zwt_ev(c, 4);
    zwt_assert_str(e, "api.operation", "DeleteHostedZone");
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.action", "DELETE");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    ck_assert_str_eq(pt_res(e, "uid"), "Z1PA6795UKMFR9");

    e = zwt_ev(c, 5);
    zwt_assert_str(e, "api.service.name", "route53domains.amazonaws.com");
    zwt_assert_str(e, "api.operation", "updateDomainContact");
    zwt_assert_int(e, "activity_id", 3);
    zwt_assert_str(e, "unmapped.zone", "example.com");
    zwt_assert_str(e, "unmapped.change.kind", "domain");
    zwt_assert_str(e, "actor.app_name", "test");
    zwt_assert_str(e, "cloud.region", "us-west-2");

    e = zwt_ev(c, 6);
    zwt_assert_str(e, "api.service.name", "route53resolver.amazonaws.com");
    zwt_assert_str(e, "api.operation", "CreateResolverEndpoint");
    zwt_assert_str(e, "unmapped.change.kind", "resolver_endpoint");
    ck_assert_str_eq(pt_res(e, "uid"), "rslvr-out-1f4031f1f5example");
    ck_assert_str_eq(pt_res(e, "name"), "OutboundEndpointDemo");
    zwt_assert_str(e, "actor.session.issuer", "arn:aws:iam::123456789012:role/Admin");
    zwt_assert_str(e, "src_endpoint.ip", "192.0.2.176");
    pt_all_required(c);
}

START_TEST(test_docs_example)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(
        zwt_normalize_file(&c, CT "route53-docs-example.json", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.records, 1);
    ck_assert_int_eq(st.dead, 0);
    check_docs_example(&c);
    zwt_free(&c);
}
END_TEST

START_TEST(test_docs_example_gzip_forced)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CT "route53-docs-example.json.gz", "cloudtrail",
                                        ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    check_docs_example(&c);
    zwt_free(&c);
}
END_TEST

START_TEST(test_edge_cases)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CT "edge-cases.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.records, 15);
    ck_assert_int_eq(st.noise, 1); /* the S3 PutObject */
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 20);
    pt_all_required(&c);

    /* the six-change batch of an assumed role */
    static const struct {
        const char *action, *name, *type;
        int activity;
    } batch[] = {
        {"CREATE", "api.example.com", "A", 1},
        {"UPSERT", "www.example.com", "CNAME", 3},
        {"DELETE", "old.example.com", "TXT", 4},
        {"UPSERT", "example.com", "A", 3},
        {"CREATE", "*.dev.example.com", "A", 1},
        {"UPSERT", "_acme-challenge.example.com", "TXT", 3},
    };
    for (int i = 0; i < 6; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_str(e, "unmapped.change.action", batch[i].action);
        zwt_assert_str(e, "unmapped.record.name", batch[i].name);
        zwt_assert_str(e, "unmapped.record.type", batch[i].type);
        zwt_assert_int(e, "activity_id", batch[i].activity);
        zwt_assert_str(e, "api.request.uid", "req-batch");
        zwt_assert_str(e, "metadata.correlation_uid", "evt-batch");
        zwt_assert_str(e, "actor.user.type", "AssumedRole");
        zwt_assert_str(e, "actor.user.name", "external-dns-7f9c");
        zwt_assert_str(e, "actor.user.uid",
                       "arn:aws:sts::111122223333:assumed-role/ExternalDNS/external-dns-7f9c");
        zwt_assert_str(e, "actor.session.issuer", "arn:aws:iam::111122223333:role/ExternalDNS");
        zwt_assert_str(e, "actor.session.uid", "AROAEXAMPLEROLEID:external-dns-7f9c");
        zwt_assert_str(e, "actor.user.credential_uid", "ASIAEXAMPLEKEY12345");
        ck_assert_str_eq(pt_res(e, "uid"), "Z0EXAMPLEZONE1");
    }
    fjson_object *e = zwt_ev(&c, 0);
    pt_assert_list(e, "unmapped.record.values", 0, "198.51.100.7");
    zwt_assert_int(e, "unmapped.record.ttl", 60);
    zwt_assert_absent(e, "unmapped.record.old_values");
    e = zwt_ev(&c, 2); /* DELETE: the deleted values are the old ones */
    pt_assert_list(e, "unmapped.record.old_values", 0, "\"v=spf1 -all\"");
    zwt_assert_int(e, "unmapped.record.old_ttl", 3600);
    zwt_assert_absent(e, "unmapped.record.values");
    zwt_assert_absent(e, "unmapped.record.ttl");
    e = zwt_ev(&c, 3); /* alias at the apex, mixed-case name */
    zwt_assert_str(e, "unmapped.record.alias_target",
                   "dualstack.my-lb-1234.us-east-1.elb.amazonaws.com");
    zwt_assert_absent(e, "unmapped.record.values");
    zwt_assert_absent(e, "unmapped.record.ttl");
    e = zwt_ev(&c, 4);
    zwt_assert_absent(e, "unmapped.record.alias_target");
    pt_assert_list(e, "unmapped.record.values", 0, "192.0.2.44");

    /* failed call: error code and message, still one event per attempted change */
    e = zwt_ev(&c, 6);
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_int(e, "status_id", 2);
    zwt_assert_str(e, "api.response.error", "InvalidChangeBatch");
    ck_assert_ptr_nonnull(strstr(zw_jstr(e, "api.response.error_message", NULL), "already exists"));
    zwt_assert_str(e, "unmapped.record.name", "api.example.com");
    zwt_assert_str(e, "actor.user.name", "alice");
    zwt_assert_absent(e, "actor.session");

    /* private hosted zone */
    e = zwt_ev(&c, 7);
    zwt_assert_str(e, "api.operation", "CreateHostedZone");
    zwt_assert_str(e, "unmapped.zone", "corp.internal");
    zwt_assert_str(e, "unmapped.dns.view", "private");
    zwt_assert_str(e, "unmapped.change.kind", "zone");
    ck_assert_str_eq(pt_res(e, "uid"), "Z0PRIVATEZONE");
    e = zwt_ev(&c, 8);
    zwt_assert_str(e, "api.operation", "AssociateVPCWithHostedZone");
    zwt_assert_str(e, "unmapped.change.target", "vpc-0ffee123");
    zwt_assert_str(e, "unmapped.dns.view", "private");
    zwt_assert_int(e, "activity_id", 3);

    /* internationalized names: octal-escaped UTF-8 decoded, punycode kept */
    zwt_assert_str(zwt_ev(&c, 9), "unmapped.record.name",
                   "b\xc3\xbc"
                   "cher.example.com");
    zwt_assert_str(zwt_ev(&c, 10), "unmapped.record.name", "xn--bcher-kva.example.com");
    zwt_assert_str(zwt_ev(&c, 10), "unmapped.record.type", "AAAA");

    /* Route 53 Domains */
    e = zwt_ev(&c, 11);
    zwt_assert_str(e, "api.operation", "DisableDomainTransferLock");
    zwt_assert_str(e, "unmapped.zone", "example.com");
    zwt_assert_str(e, "message", "domain transfer lock disabled");
    e = zwt_ev(&c, 12);
    zwt_assert_str(e, "message", "transfer to AWS account 999988887777");
    e = zwt_ev(&c, 13);
    zwt_assert_str(e, "api.operation", "UpdateDomainNameservers");
    zwt_assert_str(e, "unmapped.record.type", "NS");
    pt_assert_list(e, "unmapped.record.values", 0, "ns1.attacker.test");
    pt_assert_list(e, "unmapped.record.values", 1, "ns2.attacker.test");

    /* Resolver query logging */
    e = zwt_ev(&c, 14);
    zwt_assert_str(e, "unmapped.change.kind", "resolver_query_log");
    zwt_assert_str(e, "unmapped.change.target", "arn:aws:s3:::dns-logs-bucket");
    ck_assert_str_eq(pt_res(e, "uid"), "rqlc-0123456789abcdef");
    zwt_assert_int(e, "activity_id", 1);
    e = zwt_ev(&c, 15);
    zwt_assert_str(e, "unmapped.change.target", "vpc-0abc1234");
    zwt_assert_int(e, "activity_id", 3);
    e = zwt_ev(&c, 16);
    zwt_assert_int(e, "activity_id", 4);
    zwt_assert_str(e, "unmapped.change.action", "DELETE");

    /* unknown Route 53 operation: generic API Activity, not dropped */
    e = zwt_ev(&c, 17);
    zwt_assert_str(e, "api.operation", "FrobnicateHostedZoneWidgets");
    zwt_assert_int(e, "activity_id", 99);
    ck_assert_str_eq(pt_res(e, "uid"), "Z0EXAMPLEZONE1");

    e = zwt_ev(&c, 18);
    zwt_assert_str(e, "unmapped.change.kind", "tags");
    ck_assert_str_eq(pt_res(e, "uid"), "Z0EXAMPLEZONE1");

    /* EventBridge wrapper, an AWS service as caller */
    e = zwt_ev(&c, 19);
    zwt_assert_str(e, "api.operation", "DeleteHostedZone");
    zwt_assert_str(e, "src_endpoint.hostname", "cloudformation.amazonaws.com");
    zwt_assert_absent(e, "src_endpoint.ip");
    zwt_assert_str(e, "actor.user.type", "AWSService");
    zwt_assert_str(e, "actor.app_name", "cloudformation.amazonaws.com");
    ck_assert_str_eq(pt_res(e, "uid"), "Z0EXAMPLEZONE2");
    zwt_free(&c);
}
END_TEST

START_TEST(test_ecs_output)
{
    zwt_collect c;
    ck_assert_int_eq(zwt_normalize_file(&c, CT "edge-cases.jsonl", NULL, ZW_OUT_ECS, 0, NULL), 0);
    fjson_object *e = zwt_ev(&c, 0); /* CREATE */
    pt_assert_list(e, "event.category", 0, "configuration");
    pt_assert_list(e, "event.type", 0, "change");
    pt_assert_list(e, "event.type", 1, "creation");
    zwt_assert_str(e, "event.outcome", "success");
    zwt_assert_str(e, "event.action", "ChangeResourceRecordSets");
    zwt_assert_str(e, "event.provider", "route53.amazonaws.com");
    zwt_assert_str(e, "cloud.provider", "AWS");
    zwt_assert_str(e, "cloud.account.id", "111122223333");
    zwt_assert_str(e, "cloud.region", "us-east-1");
    zwt_assert_str(e, "source.ip", "203.0.113.10");
    zwt_assert_str(e, "user.name", "external-dns-7f9c");
    zwt_assert_str(e, "zonewarden.record.name", "api.example.com");
    zwt_assert_str(e, "zonewarden.change.action", "CREATE");
    zwt_assert_str(e, "@timestamp", "2026-11-20T10:15:00.000Z");
    e = zwt_ev(&c, 2); /* DELETE */
    pt_assert_list(e, "event.type", 1, "deletion");
    e = zwt_ev(&c, 1); /* UPSERT: change only */
    ck_assert_int_eq(pt_list_len(e, "event.type"), 1);
    e = zwt_ev(&c, 6);
    zwt_assert_str(e, "event.outcome", "failure");
    zwt_assert_str(e, "error.code", "InvalidChangeBatch");
    zwt_free(&c);
}
END_TEST

START_TEST(test_bad_input)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c, CT "bad.jsonl", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 4);
    ck_assert_int_eq(fjson_object_array_length(c.dead), 4);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason",
                   "cloudtrail: eventTime missing or not a timestamp");
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 1), "reason",
                   "cloudtrail: changes[0]: unknown change action 'RENAME'");
    fjson_object *d = fjson_object_array_get_idx(c.dead, 2);
    ck_assert_ptr_nonnull(strstr(zw_jstr(d, "reason", NULL), "1 of 3 Records rejected"));
    ck_assert_ptr_nonnull(
        strstr(zw_jstr(d, "reason", NULL), "Records[1]: eventSource or eventName missing"));
    zwt_assert_int(d, "position.line", 3);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 3), "reason",
                   "truncated JSON document (unbalanced at end of input)");
    /* the two good records of the partly bad Records document were still emitted */
    ck_assert_int_eq(fjson_object_array_length(c.events), 2);
    zwt_assert_str(zwt_ev(&c, 0), "api.operation", "DeleteHostedZone");
    zwt_assert_str(zwt_ev(&c, 1), "api.operation", "ListHostedZones");
    zwt_free(&c);

    ck_assert_int_eq(zwt_normalize_file(&c, CT "truncated.json.gz", NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 2);
    d = fjson_object_array_get_idx(c.dead, 1);
    ck_assert_ptr_nonnull(strstr(zw_jstr(d, "reason", NULL), "gzip stream truncated"));
    zwt_free(&c);
}
END_TEST

START_TEST(test_route53_public_query_log)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(&c,
                                        "tests/data/providers/aws-route53-query/test-route53.log",
                                        NULL, ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 5);
    pt_all_required(&c);
    static const struct {
        const char *name, *type, *rcode, *proto, *edge, *ip;
        int rcode_id;
        long long t;
    } want[] = {
        {"example.com", "A", "NoError", "udp", "FRA6", "55.36.5.7", 0, 1513152962130LL},
        {"example.com", "AAAA", "NoError", "tcp", "IAD12", "55.36.5.7", 0, 1513152950235LL},
        {"example.com", "ANY", "NoError", "udp", "FRA6", "2001:db8::1234", 0, 1513152963983LL},
        {"bad.example.com", "A", "NXDomain", "udp", "IAD12", "55.36.5.7", 3, 1513152950342LL},
        {"txt.example.com", "TXT", "NoError", "udp", "JFK5", "55.36.5.7", 0, 1513152965744LL},
    };
    for (int i = 0; i < 5; i++) {
        fjson_object *e = zwt_ev(&c, i);
        zwt_assert_int(e, "class_uid", 4003);
        zwt_assert_str(e, "query.hostname", want[i].name);
        zwt_assert_str(e, "query.type", want[i].type);
        zwt_assert_str(e, "rcode", want[i].rcode);
        zwt_assert_int(e, "rcode_id", want[i].rcode_id);
        zwt_assert_str(e, "connection_info.protocol_name", want[i].proto);
        zwt_assert_str(e, "dst_endpoint.hostname", want[i].edge);
        zwt_assert_str(e, "src_endpoint.ip", want[i].ip);
        zwt_assert_int(e, "time", want[i].t);
        zwt_assert_str(e, "cloud.provider", "AWS");
        zwt_assert_str(e, "unmapped.zone_id", "Z123412341234");
        zwt_assert_absent(e, "resources");
        zwt_assert_str(e, "connection_info.direction", "Inbound");
        zwt_assert_str(e, "unmapped.source_format", "route53-query");
    }
    zwt_free(&c);

    /* a look-alike line with a bad timestamp is rejected with a reason */
    static const char bad[] =
        "1.0 2017-13-13T08:16:02.130Z Z1 example.com A NOERROR UDP FRA6 55.36.5.7 -\n";
    ck_assert_int_eq(zwt_normalize_mem(&c, bad, sizeof bad - 1, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 1);
    zwt_assert_str(fjson_object_array_get_idx(c.dead, 0), "reason", "route53-query: bad timestamp");
    zwt_free(&c);
}
END_TEST

START_TEST(test_route53_resolver_query_log)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_file(
                         &c, "tests/data/providers/aws-route53-resolver-query/resolver-query.jsonl",
                         NULL, ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 3);
    pt_all_required(&c);
    fjson_object *e = zwt_ev(&c, 0);
    zwt_assert_str(e, "query.hostname", "db.corp.internal");
    zwt_assert_str(e, "query.type", "A");
    zwt_assert_str(e, "query.class", "IN");
    zwt_assert_str(fjson_object_array_get_idx(zw_jget(e, "answers"), 0), "rdata", "10.0.1.15");
    zwt_assert_str(e, "src_endpoint.ip", "10.0.0.23");
    zwt_assert_int(e, "src_endpoint.port", 53124);
    zwt_assert_str(e, "src_endpoint.hostname", "i-0123456789abcdef0");
    zwt_assert_str(e, "cloud.account.uid", "111122223333");
    zwt_assert_str(e, "cloud.region", "us-east-1");
    zwt_assert_str(e, "unmapped.dns.view", "vpc-0abc1234");
    zwt_assert_str(e, "unmapped.source_format", "route53-resolver-query");
    zwt_assert_int(e, "connection_info.direction_id", 1);
    e = zwt_ev(&c, 1);
    zwt_assert_str(e, "query.type", "AXFR");
    zwt_assert_str(e, "rcode", "Refused");
    zwt_assert_int(e, "rcode_id", 5);
    zwt_assert_str(e, "connection_info.protocol_name", "tcp");
    zwt_assert_absent(e, "answers");
    e = zwt_ev(&c, 2);
    zwt_assert_str(e, "src_endpoint.ip", "fd00::5");
    zwt_assert_int(e, "rcode_id", 3);
    zwt_free(&c);
}
END_TEST

START_TEST(test_route53_cloudwatch_shapes)
{
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/providers/aws-route53-query/cloudwatch-envelope.jsonl",
                           NULL, ZW_OUT_OCSF, 0, &st),
        0);
    ck_assert_int_eq(st.noise, 1); /* the CONTROL_MESSAGE probe */
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 5);
    pt_all_required(&c);
    zwt_assert_str(zwt_ev(&c, 3), "query.hostname", "bad.example.com");
    zwt_assert_int(zwt_ev(&c, 3), "rcode_id", 3);
    zwt_assert_str(zwt_ev(&c, 2), "src_endpoint.ip", "2001:db8::1234");
    zwt_assert_str(zwt_ev(&c, 0), "unmapped.zone_id", "Z123412341234");
    zwt_free(&c);

    /* S3 export: ingestion time first; the event time is the line's own */
    ck_assert_int_eq(
        zwt_normalize_file(&c, "tests/data/providers/aws-route53-query/cloudwatch-export.log", NULL,
                           ZW_OUT_OCSF, 0, &st),
        0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 2);
    zwt_assert_int(zwt_ev(&c, 0), "time", 1513152962130LL);
    zwt_assert_str(zwt_ev(&c, 1), "query.type", "AAAA");
    zwt_assert_str(zwt_ev(&c, 1), "connection_info.protocol_name", "tcp");
    zwt_free(&c);

    /* Resolver query logs through a CloudWatch subscription: messages are JSON text */
    ck_assert_int_eq(zwt_normalize_file(
                         &c,
                         "tests/data/providers/aws-route53-resolver-query/cloudwatch-envelope.json",
                         NULL, ZW_OUT_OCSF, 0, &st),
                     0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 3);
    pt_all_required(&c);
    zwt_assert_str(zwt_ev(&c, 1), "query.type", "AXFR");
    zwt_assert_str(zwt_ev(&c, 1), "src_endpoint.ip", "10.0.0.99");
    zwt_assert_str(zwt_ev(&c, 1), "unmapped.source_format", "route53-resolver-query");
    zwt_free(&c);
}
END_TEST

/* AccessDenied: CloudTrail logs no request parameters; still one event, with the error */
START_TEST(test_access_denied_without_parameters)
{
    static const char in[] =
        "{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":"
        "\"arn:aws:iam::111122223333:user/eve\",\"userName\":\"eve\"},\"eventTime\":"
        "\"2026-11-20T10:00:00Z\",\"eventSource\":\"route53.amazonaws.com\",\"eventName\":"
        "\"ChangeResourceRecordSets\",\"sourceIPAddress\":\"203.0.113.99\",\"errorCode\":"
        "\"AccessDenied\",\"errorMessage\":\"User is not authorized\",\"requestParameters\":null,"
        "\"responseElements\":null,\"requestID\":\"r1\",\"eventID\":\"e1\"}\n";
    zwt_collect c;
    nz_stats st;
    ck_assert_int_eq(zwt_normalize_mem(&c, in, sizeof in - 1, NULL, ZW_OUT_OCSF, 0, &st), 0);
    ck_assert_int_eq(st.dead, 0);
    ck_assert_int_eq(fjson_object_array_length(c.events), 1);
    fjson_object *e = zwt_ev(&c, 0);
    pt_ocsf_required(e);
    zwt_assert_str(e, "api.response.error", "AccessDenied");
    zwt_assert_str(e, "status", "Failure");
    zwt_assert_str(e, "unmapped.change.kind", "record");
    zwt_assert_str(e, "actor.user.name", "eve");
    zwt_assert_absent(e, "unmapped.record");
    zwt_free(&c);
}
END_TEST

/* Route 53 octal escapes are decoded only after a backslash: digits elsewhere in a name
 * that also has an escape stay as they are (a make-mutate survivor decoded "123" in
 * "a123" as octal). */
START_TEST(test_route53_octal_escape_only_after_backslash)
{
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"\\052.a123.Example.COM.", "*.a123.example.com"},
        {"b\\100c.x0377.test", "b@c.x0377.test"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zw_arena *a = zw_arena_new(0);
        zw_event ev;
        zw_event_init(&ev, a);
        ck_assert_int_eq(nzp_set_dname(&ev, ZW_F_QUERY_HOSTNAME, cases[i].in, strlen(cases[i].in)),
                         0);
        zw_str got = zw_ev_str(&ev, ZW_F_QUERY_HOSTNAME);
        ck_assert_msg(got.n == strlen(cases[i].want) && memcmp(got.p, cases[i].want, got.n) == 0,
                      "%s -> '%.*s', want '%s'", cases[i].in, (int)got.n, got.p, cases[i].want);
        zw_arena_destroy(a);
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("providers_aws");
    TCase *tc = tcase_create("aws");
    tcase_add_test(tc, test_docs_example);
    tcase_add_test(tc, test_docs_example_gzip_forced);
    tcase_add_test(tc, test_edge_cases);
    tcase_add_test(tc, test_ecs_output);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_route53_public_query_log);
    tcase_add_test(tc, test_route53_resolver_query_log);
    tcase_add_test(tc, test_route53_cloudwatch_shapes);
    tcase_add_test(tc, test_access_denied_without_parameters);
    tcase_add_test(tc, test_route53_octal_escape_only_after_backslash);
    suite_add_tcase(s, tc);
    return s;
}

ZWT_MAIN(suite)
