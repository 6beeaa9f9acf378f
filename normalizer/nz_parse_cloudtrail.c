/*
 * nz_parse_cloudtrail.c - AWS CloudTrail events of Route 53 (route53.amazonaws.com),
 * Route 53 Domains (route53domains) and Route 53 Resolver (route53resolver), as
 * delivered to S3 ({"Records":[...]}, plain or .gz, one document per file), one
 * event per line, or wrapped by EventBridge ({"detail-type":..., "detail":{...}}).
 *
 * Every event becomes OCSF API Activity; ChangeResourceRecordSets becomes one event
 * per change of its changeBatch, all sharing the request's uid.  Events of other AWS
 * services are counted as this format's noise (a CloudTrail trail carries every
 * service; zonewarden only maps DNS).  Not for Route 53 query logs: see
 * nz_parse_route53.c.  docs/EVENT.md ("Providers") documents the mapping.
 */
#include "nz_prov.h"

#include <stdio.h>
#include <string.h>

typedef enum { SVC_NONE, SVC_R53, SVC_DOMAINS, SVC_RESOLVER } ct_service;

static ct_service service_of(zw_str src)
{
    if (zw_str_eq(src, "route53.amazonaws.com")) {
        return SVC_R53;
    }
    if (zw_str_eq(src, "route53domains.amazonaws.com")) {
        return SVC_DOMAINS;
    }
    if (zw_str_eq(src, "route53resolver.amazonaws.com")) {
        return SVC_RESOLVER;
    }
    return SVC_NONE;
}

/* "/hostedzone/Z123" -> "Z123" */
static zw_str zone_id(zw_str s)
{
    static const char pfx[] = "/hostedzone/";
    if (s.n > sizeof pfx - 1 && memcmp(s.p, pfx, sizeof pfx - 1) == 0) {
        s.p += sizeof pfx - 1;
        s.n -= sizeof pfx - 1;
    }
    return s;
}

/* The identity: who, through which credentials and session. */
static int set_actor(zw_event *ev, fjson_object *e)
{
    fjson_object *ui = zw_jget(e, "userIdentity");
    if (!ui) {
        return 0;
    }
    zw_str type = nzp_str(ui, "type");
    zw_str arn = nzp_str(ui, "arn");
    nzp_ref_s(ev, ZW_F_ACTOR_USER_TYPE, type);
    nzp_ref_s(ev, ZW_F_ACTOR_USER_UID, arn);
    if (!nzp_ok(arn)) {
        nzp_ref(ev, ZW_F_ACTOR_USER_UID, ui, "principalId");
    }
    nzp_ref(ev, ZW_F_ACTOR_USER_ACCOUNT_UID, ui, "accountId");
    nzp_ref(ev, ZW_F_ACTOR_USER_CREDENTIAL_UID, ui, "accessKeyId");
    nzp_ref(ev, ZW_F_ACTOR_APP_NAME, ui, "invokedBy");
    if (!nzp_ref(ev, ZW_F_ACTOR_USER_NAME, ui, "userName")) {
        /* assumed role: arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION -> SESSION */
        if (nzp_ok(arn) && zw_memmem(arn.p, arn.n, ":assumed-role/", 14)) {
            const char *slash = memrchr(arn.p, '/', arn.n);
            if (slash && (size_t)(slash + 1 - arn.p) < arn.n) {
                zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, slash + 1,
                              arn.n - (size_t)(slash + 1 - arn.p));
            }
        } else if (zw_str_eq(type, "AWSService")) {
            nzp_ref(ev, ZW_F_ACTOR_USER_NAME, ui, "invokedBy");
        } else {
            nzp_ref(ev, ZW_F_ACTOR_USER_NAME, ui, "sessionContext.sessionIssuer.userName");
        }
    }
    nzp_ref(ev, ZW_F_ACTOR_SESSION_ISSUER, ui, "sessionContext.sessionIssuer.arn");
    if (zw_str_eq(type, "AssumedRole") || zw_str_eq(type, "FederatedUser")) {
        nzp_ref(ev, ZW_F_ACTOR_SESSION_UID, ui, "principalId");
        nzp_ref(ev, ZW_F_ACTOR_SESSION_CREDENTIAL_UID, ui, "accessKeyId");
    }
    if (!zw_ev_has(ev, ZW_F_ACTOR_USER_UID) && !zw_ev_has(ev, ZW_F_ACTOR_USER_NAME) &&
        !zw_ev_has(ev, ZW_F_ACTOR_APP_NAME) && nzp_ok(type)) {
        /* OCSF needs at least one actor attribute: the identity type is what we have */
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, type.p, type.n);
    }
    return 0;
}

/* Request-wide slots, shared by every change of the request. */
static int set_common(zw_event *ev, fjson_object *e, zw_str source, zw_str name, char *err,
                      size_t errsz)
{
    int rc;
    if (nzp_time(ev, nzp_str(e, "eventTime"))) {
        return zw_errf(err, errsz, ZW_EINVAL, "eventTime missing or not a timestamp");
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "AWS", 3);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "CloudTrail", 10);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "CloudTrail", 10);
    nzp_ref(ev, ZW_F_META_PRODUCT_VERSION, e, "eventVersion");
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, name.p, name.n);
    zw_ev_set_ref(ev, ZW_F_META_EVENT_CODE, name.p, name.n);
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, source.p, source.n);
    nzp_ref(ev, ZW_F_API_VERSION, e, "apiVersion");
    if (!nzp_ref(ev, ZW_F_API_REQUEST_UID, e, "requestID")) {
        nzp_ref(ev, ZW_F_API_REQUEST_UID, e, "eventID");
    }
    nzp_ref(ev, ZW_F_META_CORRELATION_UID, e, "eventID");
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "AWS", 3);
    if (!nzp_ref(ev, ZW_F_CLOUD_ACCOUNT_UID, e, "recipientAccountId")) {
        nzp_ref(ev, ZW_F_CLOUD_ACCOUNT_UID, e, "userIdentity.accountId");
    }
    nzp_ref(ev, ZW_F_CLOUD_REGION, e, "awsRegion");
    nzp_ref(ev, ZW_F_HTTP_USER_AGENT, e, "userAgent");
    if ((rc = nzp_set_src(ev, nzp_str(e, "sourceIPAddress")))) {
        return rc;
    }
    if (!zw_ev_has(ev, ZW_F_SRC_IP) && !zw_ev_has(ev, ZW_F_SRC_HOSTNAME)) {
        /* OCSF requires src_endpoint; CloudTrail names the service for AWS-internal calls */
        zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, source.p, source.n);
    }
    if ((rc = set_actor(ev, e))) {
        return rc;
    }
    zw_str ecode = nzp_str(e, "errorCode");
    if (nzp_ok(ecode)) {
        zw_ev_set_ref(ev, ZW_F_API_RESPONSE_ERROR, ecode.p, ecode.n);
        nzp_ref(ev, ZW_F_API_RESPONSE_ERROR_MESSAGE, e, "errorMessage");
        zw_ev_set_ref(ev, ZW_F_STATUS_CODE, ecode.p, ecode.n);
        nzp_ref(ev, ZW_F_STATUS_DETAIL, e, "errorMessage");
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
    }
    return 0;
}

/* One change of a ChangeResourceRecordSets batch. */
static int r53_change(zw_event *ev, fjson_object *ch, char *err, size_t errsz)
{
    zw_str action = nzp_str_ci(ch, "action");
    fjson_object *rrs = nzp_ci(ch, "resourceRecordSet");
    int rc;
    if (!nzp_ok(action) || !rrs) {
        return zw_errf(err, errsz, ZW_EINVAL, "change without action or resourceRecordSet");
    }
    zw_str name = nzp_str_ci(rrs, "name");
    zw_str type = nzp_str_ci(rrs, "type");
    if (!nzp_ok(name) || !nzp_ok(type)) {
        return zw_errf(err, errsz, ZW_EINVAL, "resourceRecordSet without name or type");
    }
    char act[16];
    size_t an = action.n < sizeof act - 1 ? action.n : sizeof act - 1;
    for (size_t i = 0; i < an; i++) {
        act[i] = (char)(action.p[i] >= 'a' && action.p[i] <= 'z' ? action.p[i] - 32 : action.p[i]);
    }
    act[an] = 0;
    if (strcmp(act, "CREATE") != 0 && strcmp(act, "DELETE") != 0 && strcmp(act, "UPSERT") != 0) {
        return zw_errf(err, errsz, ZW_EINVAL, "unknown change action '%.*s'", (int)an, action.p);
    }
    int activity = nzp_action_activity(act);
    if ((rc = nzp_api_class(ev, activity))) {
        return rc;
    }
    if ((rc = zw_ev_set_str(ev, ZW_F_U_CHANGE_ACTION, act, an))) {
        return rc;
    }
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "record", 6);
    if ((rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n)) ||
        (rc = zw_ev_set_lower(ev, ZW_F_U_RECORD_TYPE, type.p, type.n))) {
        return rc;
    }
    /* upper-case record types, as DNS writes them */
    char *t = (char *)ev->v[ZW_F_U_RECORD_TYPE].s.p;
    for (size_t i = 0; i < type.n; i++) {
        t[i] = (char)(t[i] >= 'a' && t[i] <= 'z' ? t[i] - 32 : t[i]);
    }
    zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
    int del = activity == 4;
    zw_field vals = del ? ZW_F_U_RECORD_OLD_VALUES : ZW_F_U_RECORD_VALUES;
    int64_t ttl;
    fjson_object *tv = nzp_ci(rrs, "tTL");
    if (tv && zw_jint(tv, "", &ttl) == 0) {
        zw_ev_set_int(ev, del ? ZW_F_U_RECORD_OLD_TTL : ZW_F_U_RECORD_TTL, ttl);
    }
    fjson_object *rrs_list = nzp_ci(rrs, "resourceRecords");
    if (rrs_list && fjson_object_is_type(rrs_list, fjson_type_array)) {
        size_t n = (size_t)fjson_object_array_length(rrs_list);
        for (size_t i = 0; i < n; i++) {
            zw_str v = nzp_str_ci(fjson_object_array_get_idx(rrs_list, (int)i), "value");
            if (v.p && (rc = zw_ev_list_add(ev, vals, v.p, v.n))) {
                return rc;
            }
        }
    }
    fjson_object *alias = nzp_ci(rrs, "aliasTarget");
    if (alias) {
        zw_str dn = nzp_str_ci(alias, "dNSName");
        if (nzp_ok(dn) && (rc = nzp_set_dname(ev, ZW_F_U_RECORD_ALIAS_TARGET, dn.p, dn.n))) {
            return rc;
        }
    }
    return 0;
}

/* Sets the zone resource from a hosted-zone id (request or response). */
static void set_zone_res(zw_event *ev, zw_str id)
{
    if (!nzp_ok(id)) {
        return;
    }
    id = zone_id(id);
    zw_ev_set_ref(ev, ZW_F_RES_UID, id.p, id.n);
    zw_ev_set_ref(ev, ZW_F_RES_TYPE, "AWS::Route53::HostedZone", 24);
}

/* Route 53 (not ChangeResourceRecordSets): zones, VPC associations, tags, DNSSEC, ... */
static int r53_other(zw_event *ev, fjson_object *e, zw_str name)
{
    fjson_object *rq = zw_jget(e, "requestParameters");
    int rc;
    const char *kind = "config";
    if (zw_memmem(name.p, name.n, "HostedZone", 10) && !zw_memmem(name.p, name.n, "DNSSEC", 6)) {
        kind = "zone";
    } else if (zw_memmem(name.p, name.n, "DNSSEC", 6) ||
               zw_memmem(name.p, name.n, "KeySigningKey", 13)) {
        kind = "dnssec";
    } else if (zw_memmem(name.p, name.n, "QueryLoggingConfig", 18)) {
        kind = "query_log";
    } else if (zw_memmem(name.p, name.n, "HealthCheck", 11)) {
        kind = "health_check";
    } else if (zw_memmem(name.p, name.n, "Tags", 4)) {
        kind = "tags";
    }
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, kind, strlen(kind));
    zw_str id = nzp_str(rq, "hostedZoneId");
    if (!nzp_ok(id) && strcmp(kind, "zone") == 0) {
        id = nzp_str(rq, "id");
    }
    if (!nzp_ok(id) && zw_str_eq(name, "CreateHostedZone")) {
        id = nzp_str(e, "responseElements.hostedZone.id");
    }
    if (!nzp_ok(id) && zw_str_ieq(nzp_str(rq, "resourceType"), "hostedzone")) {
        id = nzp_str(rq, "resourceId");
    }
    set_zone_res(ev, id);
    if (zw_str_eq(name, "CreateHostedZone")) {
        zw_str zn = nzp_str(rq, "name");
        if (nzp_ok(zn)) {
            if ((rc = nzp_set_dname(ev, ZW_F_U_ZONE, zn.p, zn.n))) {
                return rc;
            }
            zw_ev_set_ref(ev, ZW_F_RES_NAME, ev->v[ZW_F_U_ZONE].s.p, ev->v[ZW_F_U_ZONE].s.n);
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, ev->v[ZW_F_U_ZONE].s.p, ev->v[ZW_F_U_ZONE].s.n);
        }
        fjson_object *pz = zw_jget(rq, "hostedZoneConfig.privateZone");
        int priv = (pz && fjson_object_get_boolean(pz)) || nzp_ci(rq, "vPC") != NULL;
        zw_ev_set_ref(ev, ZW_F_U_DNS_VIEW, priv ? "private" : "public", priv ? 7 : 6);
    } else if (zw_memmem(name.p, name.n, "VPC", 3)) {
        /* Associate / Disassociate / CreateVPCAssociationAuthorization: private zones */
        fjson_object *vpc = nzp_ci(rq, "vPC");
        zw_str vid = nzp_str_ci(vpc, "vPCId");
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, vid);
        zw_ev_set_ref(ev, ZW_F_U_DNS_VIEW, "private", 7);
    } else if (nzp_ok(id)) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, ev->v[ZW_F_RES_UID].s.p, ev->v[ZW_F_RES_UID].s.n);
    }
    return 0;
}

/* Route 53 Domains: registrar operations on a domain. */
static int domains_op(zw_event *ev, fjson_object *e, zw_str name)
{
    fjson_object *rq = zw_jget(e, "requestParameters");
    fjson_object *dn = zw_jget(rq, "domainName");
    zw_str d = {NULL, 0};
    int rc;
    if (dn && fjson_object_is_type(dn, fjson_type_string)) {
        d = nzp_str(rq, "domainName");
    } else if (dn) {
        d = nzp_str(dn, "name"); /* some events log {"name": ...} */
    }
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "domain", 6);
    if (nzp_ok(d)) {
        if ((rc = nzp_set_dname(ev, ZW_F_U_ZONE, d.p, d.n))) {
            return rc;
        }
        zw_str z = ev->v[ZW_F_U_ZONE].s;
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, z.p, z.n);
        zw_ev_set_ref(ev, ZW_F_RES_NAME, z.p, z.n);
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "AWS::Route53Domains::Domain", 27);
    }
    if (zw_str_eq(name, "UpdateDomainNameservers")) {
        fjson_object *ns = zw_jget(rq, "nameservers");
        if (nzp_ok(d)) {
            zw_str z = ev->v[ZW_F_U_ZONE].s;
            zw_ev_set_ref(ev, ZW_F_U_RECORD_NAME, z.p, z.n);
        }
        zw_ev_set_ref(ev, ZW_F_U_RECORD_TYPE, "NS", 2);
        size_t n = ns && fjson_object_is_type(ns, fjson_type_array)
                       ? (size_t)fjson_object_array_length(ns)
                       : 0;
        for (size_t i = 0; i < n; i++) {
            zw_str v = nzp_str(fjson_object_array_get_idx(ns, (int)i), "name");
            if (nzp_ok(v) && (rc = nzp_list_dname(ev, ZW_F_U_RECORD_VALUES, v.p, v.n))) {
                return rc;
            }
        }
    } else if (zw_str_eq(name, "TransferDomainToAnotherAwsAccount")) {
        zw_str acct = nzp_str(rq, "accountId");
        if (nzp_ok(acct)) {
            char msg[96];
            int k = snprintf(msg, sizeof msg, "transfer to AWS account %.*s",
                             (int)(acct.n > 40 ? 40 : acct.n), acct.p);
            if ((rc = zw_ev_set_str(ev, ZW_F_MESSAGE, msg, (size_t)k))) {
                return rc;
            }
        }
    } else if (zw_str_eq(name, "DisableDomainTransferLock")) {
        zw_ev_set_ref(ev, ZW_F_MESSAGE, "domain transfer lock disabled", 29);
    }
    return 0;
}

/* Route 53 Resolver: query-log configurations, rules, endpoints, firewall. */
static int resolver_op(zw_event *ev, fjson_object *e, zw_str name)
{
    fjson_object *rq = zw_jget(e, "requestParameters");
    fjson_object *rs = zw_jget(e, "responseElements");
    const char *kind = "resolver";
    const char *idkey = NULL;
    if (zw_memmem(name.p, name.n, "QueryLogConfig", 14)) {
        kind = "resolver_query_log";
        idkey = "resolverQueryLogConfigId";
    } else if (zw_memmem(name.p, name.n, "ResolverRule", 12)) {
        kind = "resolver_rule";
        idkey = "resolverRuleId";
    } else if (zw_memmem(name.p, name.n, "ResolverEndpoint", 16)) {
        kind = "resolver_endpoint";
        idkey = "resolverEndpointId";
    } else if (zw_memmem(name.p, name.n, "Firewall", 8)) {
        kind = "resolver_firewall";
        idkey = "firewallRuleGroupId";
    }
    zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, kind, strlen(kind));
    zw_str id = idkey ? nzp_str(rq, idkey) : zw_str_make(NULL, 0);
    if (!nzp_ok(id) && rs && fjson_object_is_type(rs, fjson_type_object)) {
        /* Create* answers with {"resolverX": {"id": ...}} */
        struct fjson_object_iterator it = fjson_object_iter_begin(rs);
        struct fjson_object_iterator end = fjson_object_iter_end(rs);
        while (!fjson_object_iter_equal(&it, &end) && !nzp_ok(id)) {
            id = nzp_str(fjson_object_iter_peek_value(&it), "id");
            fjson_object_iter_next(&it);
        }
    }
    nzp_ref_s(ev, ZW_F_RES_UID, id);
    nzp_ref(ev, ZW_F_RES_NAME, rq, "name");
    if (nzp_ok(id)) {
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, kind, strlen(kind));
    }
    /* what the configuration points at: log destination, associated VPC, domain */
    if (!nzp_ref(ev, ZW_F_U_CHANGE_TARGET, rq, "destinationArn") &&
        !nzp_ref(ev, ZW_F_U_CHANGE_TARGET, rq, "resourceId") &&
        !nzp_ref(ev, ZW_F_U_CHANGE_TARGET, rq, "domainName")) {
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, id);
    }
    return 0;
}

/* One CloudTrail event.  *emitted counts events handed to the driver. */
static int ct_event(fjson_object *e, zw_event *ev, nz_emitter *em, char *err, size_t errsz,
                    int *emitted)
{
    int rc;
    if (!e || !fjson_object_is_type(e, fjson_type_object)) {
        return zw_errf(err, errsz, ZW_EINVAL, "record is not a JSON object");
    }
    zw_str source = nzp_str(e, "eventSource");
    zw_str name = nzp_str(e, "eventName");
    if (!nzp_ok(source) || !nzp_ok(name)) {
        return zw_errf(err, errsz, ZW_EINVAL, "eventSource or eventName missing");
    }
    ct_service svc = service_of(source);
    if (svc == SVC_NONE) {
        return ZW_NOISE;
    }
    for (size_t i = 0; i < name.n; i++) {
        char c = name.p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return zw_errf(err, errsz, ZW_EINVAL, "eventName is not an API operation name");
        }
    }
    zw_event_clear(ev);
    if ((rc = set_common(ev, e, source, name, err, errsz))) {
        return rc;
    }
    if (svc == SVC_R53 && zw_str_eq(name, "ChangeResourceRecordSets")) {
        fjson_object *rq = zw_jget(e, "requestParameters");
        set_zone_res(ev, nzp_str(rq, "hostedZoneId"));
        fjson_object *changes = zw_jget(rq, "changeBatch.changes");
        if (!changes || !fjson_object_is_type(changes, fjson_type_array) ||
            fjson_object_array_length(changes) == 0) {
            if (zw_ev_has(ev, ZW_F_API_RESPONSE_ERROR)) {
                /* a failed call may log no batch at all: still one event */
                if ((rc = nzp_api_class(ev, 3))) {
                    return rc;
                }
                zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "record", 6);
                (*emitted)++;
                return nz_emit(em, ev);
            }
            return zw_errf(err, errsz, ZW_EINVAL,
                           "ChangeResourceRecordSets without changeBatch.changes");
        }
        size_t n = (size_t)fjson_object_array_length(changes);
        for (size_t i = 0; i < n; i++) {
            nzp_clear_change(ev);
            if ((rc = r53_change(ev, fjson_object_array_get_idx(changes, (int)i), err, errsz))) {
                if (rc == ZW_EINVAL) {
                    char tmp[256];
                    snprintf(tmp, sizeof tmp, "%s", err);
                    zw_errf(err, errsz, ZW_EINVAL, "changes[%zu]: %s", i, tmp);
                }
                return rc;
            }
            (*emitted)++;
            if ((rc = nz_emit(em, ev))) {
                return rc;
            }
        }
        return ZW_OK;
    }
    int activity = nzp_verb_activity(name.p, name.n);
    if ((rc = nzp_api_class(ev, activity))) {
        return rc;
    }
    nzp_set_action_from_activity(ev, activity);
    switch (svc) {
    case SVC_R53:
        rc = r53_other(ev, e, name);
        break;
    case SVC_DOMAINS:
        rc = domains_op(ev, e, name);
        break;
    default:
        rc = resolver_op(ev, e, name);
        break;
    }
    if (rc) {
        return rc;
    }
    (*emitted)++;
    return nz_emit(em, ev);
}

static int parse_cloudtrail(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err,
                            size_t errsz)
{
    fjson_object *doc = rec->json;
    int emitted = 0, rc;
    if (!fjson_object_is_type(doc, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    fjson_object *records = zw_jget(doc, "Records");
    if (records) {
        if (!fjson_object_is_type(records, fjson_type_array)) {
            return ZW_NOMATCH;
        }
        int n = fjson_object_array_length(records);
        nzp_batch b = {0};
        for (int i = 0; i < n; i++) {
            rc = ct_event(fjson_object_array_get_idx(records, i), ev, em, err, errsz, &emitted);
            if (!nzp_batch_bad(&b, i, rc, err) && rc < 0) {
                return rc;
            }
        }
        /* the good records were emitted; the document is dead-lettered for the rest */
        if ((rc = nzp_batch_end(&b, "Records", n, emitted, err, errsz))) {
            return rc;
        }
        return emitted ? ZW_OK : ZW_NOISE;
    }
    fjson_object *e = doc;
    fjson_object *detail = zw_jget(doc, "detail");
    if (detail && nzp_ok(nzp_str(doc, "detail-type"))) {
        e = detail; /* EventBridge: "AWS API Call via CloudTrail" */
    }
    if (!zw_jget(e, "eventSource") || !zw_jget(e, "eventName") ||
        (!zw_jget(e, "eventTime") && !zw_jget(e, "userIdentity") && !zw_jget(e, "eventVersion"))) {
        return ZW_NOMATCH;
    }
    rc = ct_event(e, ev, em, err, errsz, &emitted);
    if (rc == ZW_OK && !emitted) {
        return ZW_NOISE;
    }
    return rc;
}

const nz_parser nz_parser_cloudtrail = {
    "cloudtrail",
    "AWS CloudTrail: Route 53, Route 53 Domains and Resolver API calls (Records files, lines, "
    "EventBridge)",
    1,
    parse_cloudtrail,
    NULL,
    NULL,
};
