/*
 * nz_parse_azure.c - Azure Activity Log records of Azure DNS (Microsoft.Network/
 * dnsZones) and Azure Private DNS (Microsoft.Network/privateDnsZones): zone and record
 * set write / delete / read / action, in any letter case, in the two shapes Azure
 * writes them:
 *
 *  - diagnostic-settings export (Event Hub, storage): {"records":[{time, resourceId,
 *    operationName, category, resultType, resultSignature, callerIpAddress,
 *    correlationId, identity{authorization, claims}, level, location, properties}]}
 *    or one such record alone;
 *  - Activity Log REST / portal export: {eventTimestamp, operationName{value},
 *    status{value}, subStatus{value}, caller, claims, httpRequest{clientIpAddress},
 *    resourceId, subscriptionId, correlationId, eventDataId, properties}.
 *
 * Keys are looked up case-insensitively.  The record set's values are read from
 * properties.requestbody when Azure logged it.  Records of other resource providers
 * and begin-request ("Started") records are this format's noise.
 */
#include "nz_prov.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A member that is a string, or an object {"value": string} (REST shape). */
static zw_str str_or_value(fjson_object *o, const char *key)
{
    fjson_object *v = nzp_ci(o, key);
    zw_str s = {NULL, 0};
    if (v && fjson_object_is_type(v, fjson_type_object)) {
        v = nzp_ci(v, "value");
    }
    if (v && fjson_object_is_type(v, fjson_type_string)) {
        s.p = fjson_object_get_string(v);
        s.n = (size_t)fjson_object_get_string_len(v);
    }
    return s;
}

/* Case-insensitive search of lit in s; returns the offset or -1. */
static long ci_find(zw_str s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= s.n; i++) {
        if (strncasecmp(s.p + i, lit, n) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Next '/'-separated segment at *off; advances *off past it. */
static zw_str segment(zw_str s, size_t *off)
{
    size_t i = *off;
    while (i < s.n && s.p[i] == '/') {
        i++;
    }
    size_t j = i;
    while (j < s.n && s.p[j] != '/') {
        j++;
    }
    *off = j;
    return zw_str_make(s.p + i, j - i);
}

typedef struct {
    int is_private;
    zw_str zone, rtype, rname; /* rtype/rname: record-set type and relative name */
    zw_str zone_id;            /* the resource id up to and including the zone */
    zw_str sub;                /* subscription id */
} az_res;

/* Splits /subscriptions/S/resourceGroups/G/providers/Microsoft.Network/dnszones/Z/T/N. */
static int parse_res(zw_str id, az_res *r)
{
    memset(r, 0, sizeof *r);
    long p = ci_find(id, "/providers/microsoft.network/");
    if (p < 0) {
        return -1;
    }
    long s = ci_find(id, "/subscriptions/");
    if (s >= 0) {
        size_t off = (size_t)s + 15;
        r->sub = segment(id, &off);
    }
    size_t off = (size_t)p + 29;
    zw_str kind = segment(id, &off);
    if (zw_str_ieq(kind, "privatednszones")) {
        r->is_private = 1;
    } else if (!zw_str_ieq(kind, "dnszones")) {
        return -1;
    }
    r->zone = segment(id, &off);
    if (!r->zone.n) {
        return -1;
    }
    r->zone_id = zw_str_make(id.p, off);
    r->rtype = segment(id, &off);
    r->rname = segment(id, &off);
    return 0;
}

/* Appends "a b c" built from the listed members of obj (numbers or strings). */
static int add_joined(zw_event *ev, zw_field f, fjson_object *obj, const char *const *keys)
{
    char buf[1024];
    size_t n = 0;
    for (size_t i = 0; keys[i]; i++) {
        fjson_object *v = nzp_ci(obj, keys[i]);
        const char *s = NULL;
        char num[24];
        if (v && fjson_object_is_type(v, fjson_type_string)) {
            s = fjson_object_get_string(v);
        } else if (v && fjson_object_is_type(v, fjson_type_int)) {
            snprintf(num, sizeof num, "%lld", (long long)fjson_object_get_int64(v));
            s = num;
        }
        if (!s) {
            continue;
        }
        size_t l = strlen(s);
        if (n + l + 2 > sizeof buf) {
            break;
        }
        if (n) {
            buf[n++] = ' ';
        }
        memcpy(buf + n, s, l);
        n += l;
    }
    return n ? zw_ev_list_add(ev, f, buf, n) : 0;
}

/* Record-set values from properties.requestbody (a JSON text), when logged. */
static int request_values(zw_event *ev, fjson_object *props)
{
    zw_str body = nzp_str_ci(props, "requestbody");
    int rc = 0;
    if (!nzp_ok(body) || body.p[0] != '{') {
        return 0;
    }
    fjson_object *doc = fjson_tokener_parse(body.p);
    if (!doc) {
        return 0; /* a cut or non-JSON body: values unknown, the event stands */
    }
    fjson_object *p = nzp_ci(doc, "properties");
    int64_t ttl;
    fjson_object *t = nzp_ci(p, "TTL");
    if (t && zw_jint(t, "", &ttl) == 0) {
        zw_ev_set_int(ev, ZW_F_U_RECORD_TTL, ttl);
    }
    static const struct {
        const char *key;
        const char *const fields[5];
    } arrays[] = {
        {"ARecords", {"ipv4Address", NULL}},
        {"AAAARecords", {"ipv6Address", NULL}},
        {"MXRecords", {"preference", "exchange", NULL}},
        {"NSRecords", {"nsdname", NULL}},
        {"PTRRecords", {"ptrdname", NULL}},
        {"SRVRecords", {"priority", "weight", "port", "target", NULL}},
        {"CAARecords", {"flags", "tag", "value", NULL}},
    };
    for (size_t k = 0; k < ZW_ARRAY_LEN(arrays) && !rc; k++) {
        fjson_object *a = nzp_ci(p, arrays[k].key);
        int n = a && fjson_object_is_type(a, fjson_type_array) ? fjson_object_array_length(a) : 0;
        for (int i = 0; i < n && !rc; i++) {
            rc = add_joined(ev, ZW_F_U_RECORD_VALUES, fjson_object_array_get_idx(a, i),
                            arrays[k].fields);
        }
    }
    fjson_object *txt = nzp_ci(p, "TXTRecords");
    int nt =
        txt && fjson_object_is_type(txt, fjson_type_array) ? fjson_object_array_length(txt) : 0;
    for (int i = 0; i < nt && !rc; i++) {
        fjson_object *vals = nzp_ci(fjson_object_array_get_idx(txt, i), "value");
        int nv = vals && fjson_object_is_type(vals, fjson_type_array)
                     ? fjson_object_array_length(vals)
                     : 0;
        for (int j = 0; j < nv && !rc; j++) {
            rc = nzp_list_scalar(ev, ZW_F_U_RECORD_VALUES, fjson_object_array_get_idx(vals, j));
        }
    }
    zw_str cname = nzp_str_ci(nzp_ci(p, "CNAMERecord"), "cname");
    if (!rc && nzp_ok(cname)) {
        rc = zw_ev_list_add(ev, ZW_F_U_RECORD_VALUES, cname.p, cname.n);
    }
    /* alias record set: points at an Azure resource */
    zw_str target = nzp_str_ci(nzp_ci(p, "targetResource"), "id");
    if (!rc && nzp_ok(target)) {
        rc = zw_ev_set_str(ev, ZW_F_U_RECORD_ALIAS_TARGET, target.p, target.n);
    }
    fjson_object_put(doc);
    return rc;
}

/* Error code / message from properties.statusMessage ({"error":{"code","message"}}). */
static int status_message(zw_event *ev, fjson_object *props)
{
    zw_str sm = nzp_str_ci(props, "statusMessage");
    int rc = 0;
    if (!nzp_ok(sm) || sm.p[0] != '{') {
        return 0;
    }
    fjson_object *doc = fjson_tokener_parse(sm.p);
    if (!doc) {
        return 0;
    }
    fjson_object *e = nzp_ci(doc, "error");
    zw_str code = nzp_str_ci(e, "code"), msg = nzp_str_ci(e, "message");
    if (nzp_ok(code)) {
        rc = zw_ev_set_str(ev, ZW_F_API_RESPONSE_ERROR, code.p, code.n);
    }
    if (!rc && nzp_ok(msg)) {
        rc = zw_ev_set_str(ev, ZW_F_API_RESPONSE_ERROR_MESSAGE, msg.p, msg.n);
    }
    fjson_object_put(doc);
    return rc;
}

static void set_actor(zw_event *ev, fjson_object *r)
{
    fjson_object *claims = zw_jget(nzp_ci(r, "identity"), "claims");
    if (!claims) {
        claims = nzp_ci(r, "claims");
    }
    zw_str upn = nzp_str_ci(claims, "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn");
    if (!nzp_ok(upn)) {
        upn = nzp_str_ci(claims, "upn");
    }
    zw_str oid =
        nzp_str_ci(claims, "http://schemas.microsoft.com/identity/claims/objectidentifier");
    if (!nzp_ok(oid)) {
        oid = nzp_str_ci(claims, "oid");
    }
    zw_str name = nzp_str_ci(claims, "name");
    zw_str appid = nzp_str_ci(claims, "appid");
    zw_str caller = nzp_str_ci(r, "caller");
    if (!nzp_ok(caller)) {
        caller = nzp_str_ci(nzp_ci(r, "properties"), "caller");
    }
    if (!nzp_ok(upn) && nzp_ok(caller) && memchr(caller.p, '@', caller.n)) {
        upn = caller;
    }
    nzp_ref_s(ev, ZW_F_ACTOR_USER_EMAIL, upn);
    if (nzp_ok(oid)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_UID, oid.p, oid.n);
    } else if (nzp_ok(caller)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_UID, caller.p, caller.n);
    } else if (nzp_ok(appid)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_UID, appid.p, appid.n);
    }
    if (nzp_ok(upn)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, upn.p, upn.n);
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_TYPE, "User", 4);
    } else if (nzp_ok(name)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, name.p, name.n);
    }
    if (!nzp_ok(upn) && nzp_ok(appid)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_TYPE, "ServicePrincipal", 16);
    }
    nzp_ref_s(ev, ZW_F_ACTOR_APP_NAME, appid);
    zw_str tid = nzp_str_ci(claims, "http://schemas.microsoft.com/identity/claims/tenantid");
    if (!nzp_ok(tid)) {
        tid = nzp_str_ci(r, "tenantId");
    }
    nzp_ref_s(ev, ZW_F_ACTOR_USER_DOMAIN, tid);
    if (!zw_ev_has(ev, ZW_F_ACTOR_USER_UID) && !zw_ev_has(ev, ZW_F_ACTOR_USER_NAME) &&
        !zw_ev_has(ev, ZW_F_ACTOR_APP_NAME)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, "unknown", 7);
    }
}

/* One Activity Log record. */
static int az_record(fjson_object *r, zw_event *ev, nz_emitter *em, char *err, size_t errsz,
                     int *emitted)
{
    int rc;
    if (!r || !fjson_object_is_type(r, fjson_type_object)) {
        return zw_errf(err, errsz, ZW_EINVAL, "record is not a JSON object");
    }
    zw_str op = str_or_value(r, "operationName");
    if (!nzp_ok(op)) {
        return zw_errf(err, errsz, ZW_EINVAL, "operationName missing");
    }
    /* Microsoft.Network/dnsZones/..., Microsoft.Network/privateDnsZones/... */
    size_t off = 0;
    zw_str prov = segment(op, &off);
    zw_str kind = segment(op, &off);
    if (!zw_str_ieq(prov, "Microsoft.Network") ||
        (!zw_str_ieq(kind, "dnszones") && !zw_str_ieq(kind, "privatednszones"))) {
        return ZW_NOISE;
    }
    zw_str s1 = segment(op, &off), verb = s1, sub = {NULL, 0};
    for (zw_str nx = segment(op, &off); nx.n; nx = segment(op, &off)) {
        sub = s1; /* record type, virtualNetworkLinks, providers, ... */
        verb = nx;
    }
    if (!verb.n) {
        return zw_errf(err, errsz, ZW_EINVAL, "operationName has no operation");
    }

    zw_str result = nzp_str_ci(r, "resultType");
    if (!nzp_ok(result)) {
        result = str_or_value(r, "status");
    }
    if (zw_str_ieq(result, "Start") || zw_str_ieq(result, "Started")) {
        return ZW_NOISE; /* the begin half; the end record carries the outcome */
    }
    zw_event_clear(ev);
    zw_str t = nzp_str_ci(r, "time");
    if (!nzp_ok(t)) {
        t = nzp_str_ci(r, "eventTimestamp");
    }
    if (nzp_time(ev, t)) {
        return zw_errf(err, errsz, ZW_EINVAL, "time missing or not a timestamp");
    }
    zw_str rid = nzp_str_ci(r, "resourceId");
    az_res res;
    if (!nzp_ok(rid) || parse_res(rid, &res)) {
        return zw_errf(err, errsz, ZW_EINVAL, "resourceId is not an Azure DNS zone resource");
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "Microsoft", 9);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Azure Activity Log", 18);
    zw_str cat = str_or_value(r, "category");
    nzp_ref_s(ev, ZW_F_META_LOG_NAME, cat);
    nzp_ref_s(ev, ZW_F_META_LOG_LEVEL, str_or_value(r, "level"));
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, op.p, op.n);
    zw_ev_set_ref(ev, ZW_F_META_EVENT_CODE, op.p, op.n);
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, "Microsoft.Network", 17); /* canonical case */
    fjson_object *props = nzp_ci(r, "properties");
    zw_str corr = nzp_str_ci(r, "correlationId");
    nzp_ref_s(ev, ZW_F_META_CORRELATION_UID, corr);
    zw_str req = nzp_str_ci(props, "serviceRequestId");
    if (!nzp_ok(req)) {
        req = nzp_str_ci(r, "operationId");
    }
    if (!nzp_ok(req)) {
        req = nzp_str_ci(r, "eventDataId");
    }
    if (!nzp_ok(req)) {
        req = corr;
    }
    nzp_ref_s(ev, ZW_F_API_REQUEST_UID, req);
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "Azure", 5);
    zw_str subid = nzp_str_ci(r, "subscriptionId");
    nzp_ref_s(ev, ZW_F_CLOUD_ACCOUNT_UID, nzp_ok(subid) ? subid : res.sub);
    nzp_ref_s(ev, ZW_F_CLOUD_REGION, nzp_str_ci(r, "location"));
    set_actor(ev, r);
    zw_str ip = nzp_str_ci(r, "callerIpAddress");
    if (!nzp_ok(ip)) {
        ip = nzp_str_ci(nzp_ci(r, "httpRequest"), "clientIpAddress");
    }
    if ((rc = nzp_set_src(ev, ip))) {
        return rc;
    }
    if (!zw_ev_has(ev, ZW_F_SRC_IP) && !zw_ev_has(ev, ZW_F_SRC_HOSTNAME)) {
        zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, "management.azure.com", 20);
    }

    /* outcome */
    zw_str sc = nzp_str_ci(props, "statusCode");
    if (!nzp_ok(sc)) {
        sc = str_or_value(r, "subStatus");
    }
    if (zw_str_ieq(result, "Failure") || zw_str_ieq(result, "Failed")) {
        zw_ev_set_status(ev, ZW_STATUS_FAILURE);
        nzp_ref_s(ev, ZW_F_STATUS_CODE, sc);
        if ((rc = status_message(ev, props))) {
            return rc;
        }
        if (!zw_ev_has(ev, ZW_F_API_RESPONSE_ERROR)) {
            zw_str sig = nzp_str_ci(r, "resultSignature");
            nzp_ref_s(ev, ZW_F_API_RESPONSE_ERROR, nzp_ok(sc) ? sc : sig);
        }
    } else if (zw_str_ieq(result, "Success") || zw_str_ieq(result, "Succeeded")) {
        zw_ev_set_status(ev, ZW_STATUS_SUCCESS);
        nzp_ref_s(ev, ZW_F_STATUS_CODE, sc);
    } else {
        zw_ev_set_status(ev, ZW_STATUS_OTHER); /* Accept(ed): the outcome follows later */
        nzp_ref_s(ev, ZW_F_STATUS_DETAIL, result);
    }

    /* the zone, the record set */
    const char *rtype =
        res.is_private ? "Microsoft.Network/privateDnsZones" : "Microsoft.Network/dnszones";
    zw_ev_set_ref(ev, ZW_F_RES_UID, res.zone_id.p, res.zone_id.n);
    zw_ev_set_ref(ev, ZW_F_RES_TYPE, rtype, strlen(rtype));
    if ((rc = nzp_set_dname(ev, ZW_F_U_ZONE, res.zone.p, res.zone.n))) {
        return rc;
    }
    zw_str zone = ev->v[ZW_F_U_ZONE].s;
    zw_ev_set_ref(ev, ZW_F_RES_NAME, zone.p, zone.n);
    zw_ev_set_ref(ev, ZW_F_U_DNS_VIEW, res.is_private ? "private" : "public",
                  res.is_private ? 7 : 6);

    int activity = zw_str_ieq(verb, "write")    ? 3
                   : zw_str_ieq(verb, "delete") ? 4
                   : zw_str_ieq(verb, "read")   ? 2
                                                : 99;
    if ((rc = nzp_api_class(ev, activity))) {
        return rc;
    }
    int is_link = zw_str_ieq(sub, "virtualNetworkLinks");
    int is_record =
        sub.n && !is_link && !zw_str_ieq(sub, "providers") && res.rtype.n && res.rname.n;
    if (activity == 3 || activity == 4) {
        const char *a = activity == 4 ? "DELETE" : "UPSERT";
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, a, 6);
    }
    if (is_record) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "record", 6);
        if ((rc = nzp_set_upper(ev, ZW_F_U_RECORD_TYPE, res.rtype))) {
            return rc;
        }
        /* "@" is the apex; any other relative name is prefixed to the zone */
        if (zw_str_eq(res.rname, "@")) {
            zw_ev_set_ref(ev, ZW_F_U_RECORD_NAME, zone.p, zone.n);
        } else {
            char *full = zw_arena_alloc(ev->arena, res.rname.n + 1 + zone.n);
            if (!full) {
                return ZW_ENOMEM;
            }
            memcpy(full, res.rname.p, res.rname.n);
            full[res.rname.n] = '.';
            memcpy(full + res.rname.n + 1, zone.p, zone.n);
            if ((rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, full, res.rname.n + 1 + zone.n))) {
                return rc;
            }
        }
        zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
        if (activity == 3 && (rc = request_values(ev, props))) {
            return rc;
        }
    } else if (is_link) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "zone", 4);
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, res.rname.n ? res.rname : res.rtype);
    } else if (sub.n) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "config", 6);
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, zone.p, zone.n);
    } else {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "zone", 4);
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, zone.p, zone.n);
    }
    (*emitted)++;
    return nz_emit(em, ev);
}

static int parse_azure(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err, size_t errsz)
{
    fjson_object *doc = rec->json;
    int emitted = 0, rc;
    if (!fjson_object_is_type(doc, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    fjson_object *records = nzp_ci(doc, "records");
    if (records) {
        if (!fjson_object_is_type(records, fjson_type_array)) {
            return ZW_NOMATCH;
        }
        int n = fjson_object_array_length(records);
        fjson_object *first = n ? fjson_object_array_get_idx(records, 0) : NULL;
        if (!first || !nzp_ci(first, "operationName") || !nzp_ci(first, "resourceId")) {
            return ZW_NOMATCH;
        }
        nzp_batch b = {0};
        for (int i = 0; i < n; i++) {
            rc = az_record(fjson_object_array_get_idx(records, i), ev, em, err, errsz, &emitted);
            if (!nzp_batch_bad(&b, i, rc, err) && rc < 0) {
                return rc;
            }
        }
        if ((rc = nzp_batch_end(&b, "records", n, emitted, err, errsz))) {
            return rc;
        }
        return emitted ? ZW_OK : ZW_NOISE;
    }
    if (!nzp_ci(doc, "operationName") || !nzp_ci(doc, "resourceId") ||
        (!nzp_ci(doc, "time") && !nzp_ci(doc, "eventTimestamp"))) {
        return ZW_NOMATCH;
    }
    rc = az_record(doc, ev, em, err, errsz, &emitted);
    if (rc == ZW_OK && !emitted) {
        return ZW_NOISE;
    }
    return rc;
}

const nz_parser nz_parser_azure_activity = {
    "azure-activity",
    "Azure Activity Log: Azure DNS and Private DNS zone and record-set operations",
    1,
    parse_azure,
    NULL,
    NULL,
};
