/*
 * nz_parse_gcp.c - Google Cloud DNS logs, as exported from Cloud Logging (one
 * LogEntry JSON object per line):
 *
 *  - gcp-audit: Cloud Audit Logs (protoPayload AuditLog) of dns.googleapis.com:
 *    dns.changes.create with one event per record change (a deletion and an addition
 *    of the same name and type pair up as one UPDATE with old and new values),
 *    dns.resourceRecordSets.*, dns.managedZones.*, dns.policies.*, and any other
 *    dns.* method as a generic API Activity;
 *  - gcp-dns-query: Cloud DNS query logs (logName .../dns.googleapis.com%2Fdns_queries,
 *    jsonPayload with queryName, queryType, responseCode, rdata, sourceIP).
 *
 * Keys are read case-insensitively at the LogEntry level (exports by other tools write
 * insertid / logname) and "@type" may arrive as "at_sign_type".
 */
#include "nz_prov.h"

#include <stdio.h>
#include <string.h>

/* cloud.*: the project from the LogEntry's resource labels, else from fb at fb_path;
 * the region from the labels' location. */
static void set_cloud(zw_event *ev, fjson_object *o, fjson_object *fb, const char *fb_path)
{
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "GCP", 3);
    fjson_object *labels = zw_jget(nzp_ci(o, "resource"), "labels");
    zw_str project = nzp_str(labels, "project_id");
    if (!nzp_ok(project)) {
        project = nzp_str(fb, fb_path);
    }
    nzp_ref_s(ev, ZW_F_CLOUD_PROJECT_UID, project);
    nzp_ref_s(ev, ZW_F_CLOUD_ACCOUNT_UID, project);
    nzp_ref(ev, ZW_F_CLOUD_REGION, labels, "location");
}

/* LogEntry timestamp: RFC 3339, or "YYYY-MM-DD hh:mm:ss.mmm" (UTC) in some exports. */
static int entry_time(zw_event *ev, fjson_object *o)
{
    zw_str t = nzp_str_ci(o, "timestamp");
    if (!nzp_ok(t)) {
        t = nzp_str(o, "protoPayload.requestMetadata.requestAttributes.time");
    }
    if (!nzp_ok(t)) {
        t = nzp_str_ci(o, "receiveTimestamp");
    }
    return nzp_time(ev, t);
}

static int array_len(fjson_object *a)
{
    return a && fjson_object_is_type(a, fjson_type_array) ? fjson_object_array_length(a) : 0;
}

/* One ResourceRecordSet {name, type, ttl, rrdatas|rrdata} into the new or old slots. */
static int rrset(zw_event *ev, fjson_object *r, int old)
{
    int rc;
    int64_t ttl;
    if (!old) {
        zw_str name = nzp_str(r, "name"), type = nzp_str(r, "type");
        if (!nzp_ok(name) || !nzp_ok(type)) {
            return ZW_EINVAL;
        }
        if ((rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n)) ||
            (rc = nzp_set_upper(ev, ZW_F_U_RECORD_TYPE, type))) {
            return rc;
        }
        zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
    }
    if (zw_jint(r, "ttl", &ttl) == 0) {
        zw_ev_set_int(ev, old ? ZW_F_U_RECORD_OLD_TTL : ZW_F_U_RECORD_TTL, ttl);
    }
    fjson_object *rd = zw_jget(r, "rrdatas");
    if (!rd) {
        rd = zw_jget(r, "rrdata");
    }
    int n = array_len(rd);
    for (int i = 0; i < n; i++) {
        if ((rc = nzp_list_scalar(ev, old ? ZW_F_U_RECORD_OLD_VALUES : ZW_F_U_RECORD_VALUES,
                                  fjson_object_array_get_idx(rd, i)))) {
            return rc;
        }
    }
    return 0;
}

static int same_rrset(fjson_object *a, fjson_object *b)
{
    zw_str an = nzp_str(a, "name"), bn = nzp_str(b, "name");
    zw_str at = nzp_str(a, "type"), bt = nzp_str(b, "type");
    if (!an.p || !bn.p || !at.p || !bt.p || an.n != bn.n || at.n != bt.n) {
        return 0;
    }
    for (size_t i = 0; i < an.n; i++) {
        char x = an.p[i], y = bn.p[i];
        x = (char)(x >= 'A' && x <= 'Z' ? x + 32 : x);
        y = (char)(y >= 'A' && y <= 'Z' ? y + 32 : y);
        if (x != y) {
            return 0;
        }
    }
    return zw_str_ieq(at, bt.p) || memcmp(at.p, bt.p, at.n) == 0;
}

/* dns.changes.create: additions and deletions, paired by name and type. */
static int changes_create(zw_event *ev, nz_emitter *em, fjson_object *change, char *err,
                          size_t errsz)
{
    fjson_object *add = zw_jget(change, "additions");
    fjson_object *del = zw_jget(change, "deletions");
    int na = array_len(add), nd = array_len(del), rc, emitted = 0;
    unsigned char used[256] = {0};
    if (na + nd == 0) {
        return zw_errf(err, errsz, ZW_EINVAL, "dns.changes.create without additions or deletions");
    }
    if (nd > 256) {
        nd = 256; /* pairing table bound; the rest are emitted as plain deletions below */
    }
    for (int i = 0; i < na; i++) {
        fjson_object *a = fjson_object_array_get_idx(add, i);
        int pair = -1;
        for (int j = 0; j < nd && pair < 0; j++) {
            if (!used[j] && same_rrset(a, fjson_object_array_get_idx(del, j))) {
                pair = j;
            }
        }
        nzp_clear_change(ev);
        const char *act = pair >= 0 ? "UPDATE" : "CREATE";
        if ((rc = nzp_api_class(ev, nzp_action_activity(act)))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, act, strlen(act));
        if ((rc = rrset(ev, a, 0))) {
            return rc == ZW_EINVAL
                       ? zw_errf(err, errsz, rc, "additions[%d]: name or type missing", i)
                       : rc;
        }
        if (pair >= 0) {
            used[pair] = 1;
            if ((rc = rrset(ev, fjson_object_array_get_idx(del, pair), 1))) {
                return rc;
            }
        }
        emitted++;
        if ((rc = nz_emit(em, ev))) {
            return rc;
        }
    }
    int total_del = array_len(del);
    for (int j = 0; j < total_del; j++) {
        if (j < nd && used[j]) {
            continue;
        }
        fjson_object *d = fjson_object_array_get_idx(del, j);
        nzp_clear_change(ev);
        if ((rc = nzp_api_class(ev, 4))) {
            return rc;
        }
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, "DELETE", 6);
        /* name and type from the deleted set, its values are the old ones */
        zw_str name = nzp_str(d, "name"), type = nzp_str(d, "type");
        if (!nzp_ok(name) || !nzp_ok(type)) {
            return zw_errf(err, errsz, ZW_EINVAL, "deletions[%d]: name or type missing", j);
        }
        if ((rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n)) ||
            (rc = nzp_set_upper(ev, ZW_F_U_RECORD_TYPE, type)) || (rc = rrset(ev, d, 1))) {
            return rc;
        }
        zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
        emitted++;
        if ((rc = nz_emit(em, ev))) {
            return rc;
        }
    }
    return emitted ? ZW_OK : ZW_NOISE;
}

/* The method's last part: "dns.managedZones.delete" -> kind zone. */
static const char *method_kind(zw_str m)
{
    if (zw_memmem(m.p, m.n, ".managedZones.", 14)) {
        return "zone";
    }
    if (zw_memmem(m.p, m.n, ".resourceRecordSets.", 20) || zw_memmem(m.p, m.n, ".changes.", 9)) {
        return "record";
    }
    if (zw_memmem(m.p, m.n, ".policies.", 10)) {
        return "policy";
    }
    if (zw_memmem(m.p, m.n, ".responsePolicies", 17) ||
        zw_memmem(m.p, m.n, ".responsePolicyRules", 20)) {
        return "policy";
    }
    return "config";
}

static int parse_audit(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err, size_t errsz)
{
    fjson_object *o = rec->json;
    int rc;
    if (!fjson_object_is_type(o, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    fjson_object *pp = nzp_ci(o, "protoPayload");
    if (!pp || !fjson_object_is_type(pp, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    zw_str svc = nzp_str(pp, "serviceName");
    zw_str method = nzp_str(pp, "methodName");
    if (!nzp_ok(svc)) {
        return ZW_NOMATCH;
    }
    if (!zw_str_eq(svc, "dns.googleapis.com")) {
        return ZW_NOISE; /* an audit log of another GCP service */
    }
    if (!nzp_ok(method)) {
        return zw_errf(err, errsz, ZW_EINVAL, "protoPayload.methodName missing");
    }
    if (entry_time(ev, o)) {
        return zw_errf(err, errsz, ZW_EINVAL, "timestamp missing or not a timestamp");
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "Google", 6);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Cloud Audit Logs", 16);
    zw_str logname = nzp_str_ci(o, "logName");
    nzp_ref_s(ev, ZW_F_META_LOG_NAME, logname);
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, method.p, method.n);
    zw_ev_set_ref(ev, ZW_F_META_EVENT_CODE, method.p, method.n);
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, svc.p, svc.n);
    zw_str insert = nzp_str_ci(o, "insertId");
    nzp_ref_s(ev, ZW_F_API_REQUEST_UID, insert);
    nzp_ref_s(ev, ZW_F_META_CORRELATION_UID, insert);
    nzp_ref(ev, ZW_F_META_CORRELATION_UID, pp, "response.operation.id");
    nzp_ref(ev, ZW_F_META_LOG_LEVEL, o, "severity");
    set_cloud(ev, o, pp, "request.project");

    /* actor: the principal; service accounts are e-mail addresses too */
    zw_str email = nzp_str(pp, "authenticationInfo.principalEmail");
    if (nzp_ok(email)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_EMAIL, email.p, email.n);
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_UID, email.p, email.n);
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, email.p, email.n);
        const char *type =
            zw_memmem(email.p, email.n, ".gserviceaccount.com", 20) ? "ServiceAccount" : "User";
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_TYPE, type, strlen(type));
    } else if (!nzp_ref(ev, ZW_F_ACTOR_USER_UID, pp, "authenticationInfo.principalSubject")) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, "unknown", 7);
    }
    fjson_object *deleg = zw_jget(pp, "authenticationInfo.serviceAccountDelegationInfo");
    if (array_len(deleg) > 0) {
        /* impersonation: the first principal in the chain started it */
        fjson_object *d0 = fjson_object_array_get_idx(deleg, 0);
        nzp_ref(ev, ZW_F_ACTOR_SESSION_ISSUER, d0, "firstPartyPrincipal.principalEmail");
    }
    nzp_ref(ev, ZW_F_ACTOR_USER_CREDENTIAL_UID, pp, "authenticationInfo.serviceAccountKeyName");
    zw_str ip = nzp_str(pp, "requestMetadata.callerIp");
    if (!nzp_ok(ip)) {
        ip = nzp_str(pp, "requestMetadata.callerIP");
    }
    if ((rc = nzp_set_src(ev, ip))) {
        return rc;
    }
    if (!zw_ev_has(ev, ZW_F_SRC_IP) && !zw_ev_has(ev, ZW_F_SRC_HOSTNAME)) {
        zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, svc.p, svc.n);
    }
    nzp_ref(ev, ZW_F_HTTP_USER_AGENT, pp, "requestMetadata.callerSuppliedUserAgent");

    int64_t code = 0;
    if (zw_jint(pp, "status.code", &code) == 0 && code != 0) {
        /* google.rpc.Code */
        static const char *const codes[] = {"OK",
                                            "CANCELLED",
                                            "UNKNOWN",
                                            "INVALID_ARGUMENT",
                                            "DEADLINE_EXCEEDED",
                                            "NOT_FOUND",
                                            "ALREADY_EXISTS",
                                            "PERMISSION_DENIED",
                                            "RESOURCE_EXHAUSTED",
                                            "FAILED_PRECONDITION",
                                            "ABORTED",
                                            "OUT_OF_RANGE",
                                            "UNIMPLEMENTED",
                                            "INTERNAL",
                                            "UNAVAILABLE",
                                            "DATA_LOSS",
                                            "UNAUTHENTICATED"};
        if (code > 0 && code < (int64_t)ZW_ARRAY_LEN(codes)) {
            zw_ev_set_ref(ev, ZW_F_API_RESPONSE_ERROR, codes[code], strlen(codes[code]));
        } else {
            char b[24];
            int k = snprintf(b, sizeof b, "%lld", (long long)code);
            if ((rc = zw_ev_set_str(ev, ZW_F_API_RESPONSE_ERROR, b, (size_t)k))) {
                return rc;
            }
        }
        zw_ev_set_int(ev, ZW_F_API_RESPONSE_CODE, code);
        nzp_ref(ev, ZW_F_API_RESPONSE_ERROR_MESSAGE, pp, "status.message");
        nzp_ref(ev, ZW_F_STATUS_DETAIL, pp, "status.message");
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    }

    /* the zone: managed-zone name as resource, DNS name when the log carries it */
    zw_str mz = nzp_str(zw_jget(nzp_ci(o, "resource"), "labels"), "zone_name");
    if (!nzp_ok(mz)) {
        mz = nzp_str(pp, "request.managedZone");
    }
    if (!nzp_ok(mz)) {
        mz = nzp_str(pp, "request.managedZone.name");
    }
    if (nzp_ok(mz)) {
        zw_ev_set_ref(ev, ZW_F_RES_UID, mz.p, mz.n);
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "dns_managed_zone", 16);
    }
    fjson_object *zone = zw_jget(pp, "response.managedZone");
    if (!zone || !fjson_object_is_type(zone, fjson_type_object)) {
        zone = zw_jget(pp, "request.managedZone");
    }
    if (!zone || !fjson_object_is_type(zone, fjson_type_object)) {
        zone = zw_jget(pp, "response.operation.zoneContext.oldValue");
    }
    if (zone && fjson_object_is_type(zone, fjson_type_object)) {
        zw_str dn = nzp_str(zone, "dnsName");
        if (nzp_ok(dn) && (rc = nzp_set_dname(ev, ZW_F_U_ZONE, dn.p, dn.n))) {
            return rc;
        }
        zw_str vis = nzp_str(zone, "visibility");
        if (nzp_ok(vis) && (rc = zw_ev_set_lower(ev, ZW_F_U_DNS_VIEW, vis.p, vis.n))) {
            return rc;
        }
        if (!nzp_ok(mz)) {
            zw_str zn = nzp_str(zone, "name");
            if (nzp_ok(zn)) {
                zw_ev_set_ref(ev, ZW_F_RES_UID, zn.p, zn.n);
                zw_ev_set_ref(ev, ZW_F_RES_TYPE, "dns_managed_zone", 16);
            }
        }
    }
    if (zw_ev_has(ev, ZW_F_U_ZONE)) {
        zw_str z = ev->v[ZW_F_U_ZONE].s;
        zw_ev_set_ref(ev, ZW_F_RES_NAME, z.p, z.n);
    }
    const char *kind = method_kind(method);
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, kind, strlen(kind));

    if (zw_str_eq(method, "dns.changes.create")) {
        fjson_object *change = zw_jget(pp, "request.change");
        if (!change) {
            change = zw_jget(pp, "response.change");
        }
        if (!change && zw_ev_int(ev, ZW_F_STATUS_ID) == ZW_STATUS_FAILURE) {
            /* a refused call may log no request body: still one event, with the error */
            if ((rc = nzp_api_class(ev, 3))) {
                return rc;
            }
            return nz_emit(em, ev);
        }
        return changes_create(ev, em, change, err, errsz);
    }
    int activity = nzp_verb_activity(method.p, method.n);
    if ((rc = nzp_api_class(ev, activity))) {
        return rc;
    }
    nzp_set_action_from_activity(ev, activity);
    if (strcmp(kind, "record") == 0) {
        /* resourceRecordSets.create / patch / delete: one record set */
        fjson_object *r = zw_jget(pp, "request.resourceRecordSet");
        if (!r) {
            r = zw_jget(pp, "response.resourceRecordSet");
        }
        if (!r) {
            r = zw_jget(pp, "request");
        }
        zw_str name = nzp_str(r, "name"), type = nzp_str(r, "type");
        if (nzp_ok(name) && nzp_ok(type)) {
            if (activity == 4) {
                if ((rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n)) ||
                    (rc = nzp_set_upper(ev, ZW_F_U_RECORD_TYPE, type)) || (rc = rrset(ev, r, 1))) {
                    return rc;
                }
                zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
                zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
            } else if ((rc = rrset(ev, r, 0))) {
                return rc;
            }
        }
    } else if (strcmp(kind, "zone") == 0 && zw_ev_has(ev, ZW_F_U_ZONE)) {
        zw_str z = ev->v[ZW_F_U_ZONE].s;
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, z.p, z.n);
    } else if (strcmp(kind, "zone") == 0 && zw_ev_has(ev, ZW_F_RES_UID)) {
        zw_str z = ev->v[ZW_F_RES_UID].s; /* the managed-zone name */
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, z.p, z.n);
    } else if (strcmp(kind, "policy") == 0) {
        zw_str pol = nzp_str(pp, "request.policy");
        if (!nzp_ok(pol)) {
            pol = nzp_str(pp, "request.policy.name");
        }
        if (!nzp_ok(pol)) {
            pol = nzp_str(pp, "resourceName");
        }
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, pol);
        if (nzp_ok(pol) && !zw_ev_has(ev, ZW_F_RES_UID)) {
            zw_ev_set_ref(ev, ZW_F_RES_UID, pol.p, pol.n);
            zw_ev_set_ref(ev, ZW_F_RES_TYPE, "dns_policy", 10);
        }
    }
    return nz_emit(em, ev);
}

const nz_parser nz_parser_gcp_audit = {
    "gcp-audit", "GCP Cloud Audit Logs of Cloud DNS (dns.googleapis.com)", 1, parse_audit, NULL,
    NULL,
};

static int parse_query(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err, size_t errsz)
{
    fjson_object *o = rec->json;
    int rc;
    if (!fjson_object_is_type(o, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    fjson_object *jp = nzp_ci(o, "jsonPayload");
    zw_str logname = nzp_str_ci(o, "logName");
    zw_str rtype = nzp_str(nzp_ci(o, "resource"), "type");
    int is_dns =
        (logname.p && zw_memmem(logname.p, logname.n, "dns.googleapis.com%2Fdns_queries", 32)) ||
        zw_str_eq(rtype, "dns_query");
    if (!jp || !is_dns) {
        return ZW_NOMATCH;
    }
    zw_str qn = nzp_str(jp, "queryName"), qt = nzp_str(jp, "queryType");
    if (!nzp_ok(qn) || !nzp_ok(qt)) {
        return zw_errf(err, errsz, ZW_EINVAL, "jsonPayload.queryName or queryType missing");
    }
    if (entry_time(ev, o)) {
        return zw_errf(err, errsz, ZW_EINVAL, "timestamp missing or not a timestamp");
    }
    if ((rc = zw_ev_set_class(ev, ZW_CLASS_DNS_ACTIVITY, 6))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "Google", 6);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Cloud DNS", 9);
    nzp_ref_s(ev, ZW_F_META_LOG_NAME, logname);
    set_cloud(ev, o, jp, "vmProjectId");
    if ((rc = nzp_set_dname(ev, ZW_F_QUERY_HOSTNAME, qn.p, qn.n)) ||
        (rc = nzp_set_upper(ev, ZW_F_QUERY_TYPE, qt))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_QUERY_CLASS, "IN", 2);
    zw_str rcode = nzp_str(jp, "responseCode");
    if (nzp_ok(rcode)) {
        int id = zw_dns_rcode_id(rcode.p, rcode.n);
        if (id < 0) {
            return zw_errf(err, errsz, ZW_EINVAL, "unknown responseCode");
        }
        const char *name = zw_dns_rcode_name(id);
        zw_ev_set_int(ev, ZW_F_RCODE_ID, id);
        zw_ev_set_ref(ev, ZW_F_RCODE, name, strlen(name));
    }
    zw_str src = nzp_str(jp, "sourceIP");
    if (nzp_ok(src) && !nzp_is_ip(src.p, src.n)) {
        return zw_errf(err, errsz, ZW_EINVAL, "sourceIP is not an IP address");
    }
    nzp_ref_s(ev, ZW_F_SRC_IP, src);
    zw_str proto = nzp_str(jp, "protocol");
    if (nzp_ok(proto) && (rc = zw_ev_set_lower(ev, ZW_F_CONN_PROTOCOL_NAME, proto.p, proto.n))) {
        return rc;
    }
    /* Cloud DNS received the query from the VM / network */
    zw_ev_set_ref(ev, ZW_F_CONN_DIRECTION, "Inbound", 7);
    zw_ev_set_int(ev, ZW_F_CONN_DIRECTION_ID, 1);
    nzp_ref(ev, ZW_F_U_DNS_VIEW, jp, "sourceNetwork");
    nzp_ref(ev, ZW_F_DST_HOSTNAME, jp, "targetName");
    int64_t lat;
    if (zw_jint(jp, "serverLatency", &lat) == 0 && lat >= 0) {
        zw_ev_set_int(ev, ZW_F_DURATION, lat);
    }
    fjson_object *aa = zw_jget(jp, "authAnswer");
    if (aa && fjson_object_get_boolean(aa)) {
        zw_ev_set_ref(ev, ZW_F_U_DNS_FLAGS, "aa", 2);
    }
    /* rdata: answer lines "name\tttl\tclass\ttype\tdata", newline separated; the log
     * may cut the last one ("...") - only complete lines become answers */
    zw_str rd = nzp_str(jp, "rdata");
    size_t i = 0;
    while (rd.p && i < rd.n) {
        const char *nl = memchr(rd.p + i, '\n', rd.n - i);
        size_t end = nl ? (size_t)(nl - rd.p) : rd.n;
        const char *line = rd.p + i;
        size_t ln = end - i, tabs = 0, k = 0;
        for (; k < ln && tabs < 4; k++) {
            tabs += line[k] == '\t';
        }
        if (tabs == 4 && k < ln &&
            (rc = zw_ev_list_add(ev, ZW_F_ANSWERS_RDATA, line + k, ln - k))) {
            return rc;
        }
        i = end + 1;
    }
    zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    return nz_emit(em, ev);
}

const nz_parser nz_parser_gcp_dns_query = {
    "gcp-dns-query",
    "GCP Cloud DNS query logs (Cloud Logging dns_queries)",
    1,
    parse_query,
    NULL,
    NULL,
};
