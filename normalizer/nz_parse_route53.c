/*
 * nz_parse_route53.c - Amazon Route 53 query logs, as DNS Activity:
 *
 *  - public hosted-zone query logs (CloudWatch Logs, one space-separated line each):
 *    "1.0 2017-12-13T08:16:02.130Z Z123412341234 example.com A NOERROR UDP FRA6
 *     55.36.5.7 -" (version, time, hosted-zone id, name, type, rcode, protocol, edge
 *    location, resolver IP, EDNS client subnet or "-"), also with the ingestion-time
 *    prefix of a CloudWatch S3 export, or inside CloudWatch Logs subscription envelopes
 *    ({"messageType":"DATA_MESSAGE","logEvents":[{"message": line}]});
 *  - Resolver query logs (JSON, one object per line): version, account_id, region,
 *    vpc_id, query_timestamp, query_name, query_type, query_class, rcode, answers[],
 *    srcaddr, srcport, transport, srcids.
 *
 * Not for Route 53 API calls (CloudTrail: nz_parse_cloudtrail.c).
 */
#include "nz_prov.h"

#include <stdio.h>
#include <string.h>

/* Splits [p, p+n) on single spaces into at most max fields; returns the count. */
static size_t split_spaces(const char *p, size_t n, zw_str *f, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max + 1) {
        size_t j = i;
        while (j < n && p[j] != ' ') {
            j++;
        }
        if (j == i) {
            return 0; /* empty field: not this format */
        }
        if (k < max) {
            f[k] = zw_str_make(p + i, j - i);
        }
        k++;
        i = j + 1;
        if (j == n) {
            break;
        }
        if (i == n) {
            return 0; /* trailing space */
        }
    }
    return k;
}

static int set_rcode(zw_event *ev, zw_str rc)
{
    int id = zw_dns_rcode_id(rc.p, rc.n);
    if (id < 0) {
        return -1;
    }
    const char *name = zw_dns_rcode_name(id);
    zw_ev_set_int(ev, ZW_F_RCODE_ID, id);
    zw_ev_set_ref(ev, ZW_F_RCODE, name, strlen(name));
    return 0;
}

static int set_transport(zw_event *ev, zw_str t)
{
    if (zw_str_ieq(t, "UDP")) {
        zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, "udp", 3);
    } else if (zw_str_ieq(t, "TCP")) {
        zw_ev_set_ref(ev, ZW_F_CONN_PROTOCOL_NAME, "tcp", 3);
    } else if (nzp_ok(t)) {
        return zw_ev_set_lower(ev, ZW_F_CONN_PROTOCOL_NAME, t.p, t.n);
    }
    return 0;
}

/* One query-log line.  p may carry the CloudWatch export's ingestion-time prefix. */
static int public_line(const char *p, size_t n, zw_event *ev, nz_emitter *em, char *err,
                       size_t errsz)
{
    zw_str f[10];
    int rc;
    int64_t ms;
    size_t k;
    if (n > 4 && p[0] >= '0' && p[0] <= '9' && (k = zw_time_iso(p, n, NULL, &ms)) > 0 && k < n &&
        p[k] == ' ') {
        /* S3 export of a CloudWatch log group: "INGESTION-TIME 1.0 ..." */
        p += k + 1;
        n -= k + 1;
    }
    if (!zw_starts(p, n, "1.0 ") || split_spaces(p, n, f, 10) != 10) {
        return ZW_NOMATCH;
    }
    /* field 3: a hosted-zone id (upper-case letters and digits); field 7 UDP/TCP */
    for (size_t i = 0; i < f[2].n; i++) {
        char c = f[2].p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            return ZW_NOMATCH;
        }
    }
    if (!zw_str_eq(f[6], "UDP") && !zw_str_eq(f[6], "TCP")) {
        return ZW_NOMATCH;
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 6))) {
        return rc;
    }
    if (nzp_time(ev, f[1])) {
        return zw_errf(err, errsz, ZW_EINVAL, "bad timestamp");
    }
    if (set_rcode(ev, f[5])) {
        return zw_errf(err, errsz, ZW_EINVAL, "unknown response code '%.*s'", (int)f[5].n, f[5].p);
    }
    if (!nzp_is_ip(f[8].p, f[8].n)) {
        return zw_errf(err, errsz, ZW_EINVAL, "resolver address is not an IP");
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "AWS", 3);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Route 53", 8);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "route53_public_query_log", 24);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VERSION, f[0].p, f[0].n);
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "AWS", 3);
    /* DNS Activity has no resources[]: the hosted-zone id goes to unmapped.zone_id */
    zw_ev_set_ref(ev, ZW_F_U_ZONE_ID, f[2].p, f[2].n);
    if ((rc = nzp_set_dname(ev, ZW_F_QUERY_HOSTNAME, f[3].p, f[3].n)) ||
        (rc = nzp_set_upper(ev, ZW_F_QUERY_TYPE, f[4])) || (rc = set_transport(ev, f[6]))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_QUERY_CLASS, "IN", 2);
    zw_ev_set_ref(ev, ZW_F_SRC_IP, f[8].p, f[8].n);
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
    /* the edge location answered: it is the responding endpoint */
    zw_ev_set_ref(ev, ZW_F_DST_HOSTNAME, f[7].p, f[7].n);
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    return nz_emit(em, ev);
}

/* Lines, or a CloudWatch Logs subscription envelope (as Firehose delivers it to S3):
 * {"messageType":"DATA_MESSAGE","logGroup":...,"logEvents":[{"message":"1.0 ..."}]}. */
static int parse_public(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err, size_t errsz)
{
    if (!rec->json) {
        return public_line(rec->p, rec->n, ev, em, err, errsz);
    }
    fjson_object *events = zw_jget(rec->json, "logEvents");
    zw_str mt = nzp_str(rec->json, "messageType");
    if (!events || !fjson_object_is_type(events, fjson_type_array) || !nzp_ok(mt)) {
        return ZW_NOMATCH;
    }
    if (zw_str_eq(mt, "CONTROL_MESSAGE")) {
        return ZW_NOISE; /* CloudWatch's reachability probe */
    }
    int n = fjson_object_array_length(events), emitted = 0, rc;
    nzp_batch b = {0};
    for (int i = 0; i < n; i++) {
        zw_str m = nzp_str(fjson_object_array_get_idx(events, i), "message");
        if (!m.p) {
            rc = zw_errf(err, errsz, ZW_EINVAL, "no message");
        } else {
            zw_event_clear(ev);
            rc = public_line(m.p, m.n, ev, em, err, errsz);
            if (rc == ZW_NOMATCH) {
                if (!emitted && !b.bad) {
                    return ZW_NOMATCH; /* another log group's envelope */
                }
                rc = zw_errf(err, errsz, ZW_EINVAL, "not a query-log line");
            }
        }
        if (rc == ZW_OK) {
            emitted++;
        } else if (!nzp_batch_bad(&b, i, rc, err)) {
            return rc;
        }
    }
    if ((rc = nzp_batch_end(&b, "logEvents", n, emitted, err, errsz))) {
        return rc;
    }
    return emitted ? ZW_OK : ZW_NOISE;
}

const nz_parser nz_parser_route53_query = {
    "route53-query",
    "Amazon Route 53 public hosted-zone query logs (v1.0 lines, CloudWatch export and subscription "
    "envelopes)",
    0,
    parse_public,
    NULL,
    NULL,
};

/* One Resolver query-log object. */
static int resolver_obj(fjson_object *o, zw_event *ev, nz_emitter *em, char *err, size_t errsz)
{
    int rc;
    if (!o || !fjson_object_is_type(o, fjson_type_object) || !zw_jget(o, "query_timestamp") ||
        !zw_jget(o, "query_name") || !zw_jget(o, "srcaddr")) {
        return ZW_NOMATCH;
    }
    zw_str qn = nzp_str(o, "query_name");
    zw_str qt = nzp_str(o, "query_type");
    if (!nzp_ok(qn) || !nzp_ok(qt)) {
        return zw_errf(err, errsz, ZW_EINVAL, "query_name or query_type missing");
    }
    if (nzp_time(ev, nzp_str(o, "query_timestamp"))) {
        return zw_errf(err, errsz, ZW_EINVAL, "query_timestamp is not a timestamp");
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 6))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "AWS", 3);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Route 53 Resolver", 17);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "route53_resolver_query_log", 26);
    nzp_ref(ev, ZW_F_META_PRODUCT_VERSION, o, "version");
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "AWS", 3);
    nzp_ref(ev, ZW_F_CLOUD_ACCOUNT_UID, o, "account_id");
    nzp_ref(ev, ZW_F_CLOUD_REGION, o, "region");
    if ((rc = nzp_set_dname(ev, ZW_F_QUERY_HOSTNAME, qn.p, qn.n)) ||
        (rc = nzp_set_upper(ev, ZW_F_QUERY_TYPE, qt)) ||
        (rc = set_transport(ev, nzp_str(o, "transport")))) {
        return rc;
    }
    nzp_ref(ev, ZW_F_QUERY_CLASS, o, "query_class");
    /* the logging resolver received the query */
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
    zw_str rcode = nzp_str(o, "rcode");
    if (nzp_ok(rcode) && set_rcode(ev, rcode)) {
        return zw_errf(err, errsz, ZW_EINVAL, "unknown rcode '%.*s'",
                       (int)(rcode.n > 32 ? 32 : rcode.n), rcode.p);
    }
    zw_str src = nzp_str(o, "srcaddr");
    if (!nzp_is_ip(src.p, src.n)) {
        return zw_errf(err, errsz, ZW_EINVAL, "srcaddr is not an IP address");
    }
    zw_ev_set_ref(ev, ZW_F_SRC_IP, src.p, src.n);
    int64_t port;
    if (zw_jint(o, "srcport", &port) == 0 && port >= 0 && port <= 65535) {
        zw_ev_set_int(ev, ZW_F_SRC_PORT, port);
    }
    nzp_ref(ev, ZW_F_SRC_HOSTNAME, o, "srcids.instance");
    /* the VPC whose resolver answered: the closest thing to a view */
    nzp_ref(ev, ZW_F_U_DNS_VIEW, o, "vpc_id");
    fjson_object *ans = zw_jget(o, "answers");
    size_t n = ans && fjson_object_is_type(ans, fjson_type_array)
                   ? (size_t)fjson_object_array_length(ans)
                   : 0;
    for (size_t i = 0; i < n; i++) {
        zw_str rd = nzp_str_ci(fjson_object_array_get_idx(ans, (int)i), "Rdata");
        if (rd.p && (rc = zw_ev_list_add(ev, ZW_F_ANSWERS_RDATA, rd.p, rd.n))) {
            return rc;
        }
    }
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    return nz_emit(em, ev);
}

/* One object per line, or a CloudWatch Logs subscription envelope whose messages are
 * Resolver query-log objects as JSON text. */
static int parse_resolver(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err,
                          size_t errsz)
{
    fjson_object *events = zw_jget(rec->json, "logEvents");
    if (!events || !fjson_object_is_type(events, fjson_type_array) ||
        !zw_jget(rec->json, "messageType")) {
        return resolver_obj(rec->json, ev, em, err, errsz);
    }
    int n = fjson_object_array_length(events), emitted = 0, rc;
    nzp_batch b = {0};
    for (int i = 0; i < n; i++) {
        zw_str m = nzp_str(fjson_object_array_get_idx(events, i), "message");
        fjson_object *o = m.p && m.p[0] == '{' ? fjson_tokener_parse(m.p) : NULL;
        if (!o && !emitted && !b.bad) {
            return ZW_NOMATCH; /* not Resolver messages: another log group, or a probe */
        }
        zw_event_clear(ev);
        rc = o ? resolver_obj(o, ev, em, err, errsz)
               : zw_errf(err, errsz, ZW_EINVAL, "message is not JSON");
        fjson_object_put(o);
        if (rc == ZW_NOMATCH) {
            if (!emitted && !b.bad) {
                return ZW_NOMATCH;
            }
            rc = zw_errf(err, errsz, ZW_EINVAL, "message is not a Resolver query-log record");
        }
        if (rc == ZW_OK) {
            emitted++;
        } else if (!nzp_batch_bad(&b, i, rc, err)) {
            return rc;
        }
    }
    if ((rc = nzp_batch_end(&b, "logEvents", n, emitted, err, errsz))) {
        return rc;
    }
    return emitted ? ZW_OK : ZW_NOMATCH;
}

const nz_parser nz_parser_route53_resolver_query = {
    "route53-resolver-query",
    "Amazon Route 53 Resolver query logs (JSON lines, CloudWatch Logs subscription envelopes)",
    1,
    parse_resolver,
    NULL,
    NULL,
};
