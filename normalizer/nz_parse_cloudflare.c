/*
 * nz_parse_cloudflare.c - Cloudflare audit logs in the shapes Cloudflare delivers:
 *
 *  - API (GET /accounts/{id}/audit_logs, also the older logpull exports): one entry
 *    {action{type,result,info}, actor{email,id,ip,type}, id, interface, metadata,
 *    newValue, newValueJson, oldValue, oldValueJson, owner{id}, resource{id,type},
 *    when} per line, or the API envelope {"result":[...],"success":...};
 *  - Logpush audit_logs: {ActionType, ActionResult, ActorEmail, ActorID, ActorIP,
 *    ActorType, ID, Interface, Metadata, NewValue, OldValue, OwnerID, ResourceID,
 *    ResourceType, When}, NewValue / OldValue objects or JSON text, When RFC 3339 or
 *    a Unix time (s, ms, us or ns).
 *
 * DNS record add / update / delete become record changes with old and new values; zone
 * add / delete / setting changes become zone changes; every other audit entry of the
 * account (tokens, logins, ...) is emitted as a generic API Activity.
 */
#include "nz_prov.h"

#include <stdio.h>
#include <string.h>

/* The entry, whichever shape it came in. */
typedef struct {
    zw_str action, info, email, actor_id, ip, actor_type, id, iface, owner, res_id, res_type;
    zw_str product, zone_id, zone_name; /* audit_logs_v2 only */
    fjson_object *result, *when, *metadata, *newv, *oldv;
} cf_entry;

#define CF_MAX_PARSED 4

typedef struct {
    fjson_object *parsed[CF_MAX_PARSED]; /* JSON text values parsed for this entry */
    int nparsed;
} cf_docs;

/* A value that is an object, or JSON text of an object; NULL otherwise. */
static fjson_object *as_object(fjson_object *v, cf_docs *d)
{
    if (!v) {
        return NULL;
    }
    if (fjson_object_is_type(v, fjson_type_object)) {
        return v;
    }
    if (fjson_object_is_type(v, fjson_type_string) && d->nparsed < CF_MAX_PARSED) {
        const char *s = fjson_object_get_string(v);
        if (s[0] != '{') {
            return NULL;
        }
        fjson_object *o = fjson_tokener_parse(s);
        if (!o) {
            return NULL;
        }
        d->parsed[d->nparsed++] = o;
        if (fjson_object_is_type(o, fjson_type_object)) {
            return o;
        }
    }
    return NULL;
}

static void docs_free(cf_docs *d)
{
    for (int i = 0; i < d->nparsed; i++) {
        fjson_object_put(d->parsed[i]);
    }
    d->nparsed = 0;
}

static int read_api(fjson_object *o, cf_entry *e, cf_docs *d)
{
    fjson_object *action = zw_jget(o, "action");
    fjson_object *actor = zw_jget(o, "actor");
    memset(e, 0, sizeof *e);
    e->action = nzp_str(action, "type");
    e->info = nzp_str(action, "info");
    e->result = zw_jget(action, "result");
    e->email = nzp_str(actor, "email");
    e->actor_id = nzp_str(actor, "id");
    e->ip = nzp_str(actor, "ip");
    e->actor_type = nzp_str(actor, "type");
    e->id = nzp_str(o, "id");
    e->iface = nzp_str(o, "interface");
    e->owner = nzp_str(o, "owner.id");
    e->res_id = nzp_str(o, "resource.id");
    e->res_type = nzp_str(o, "resource.type");
    e->when = zw_jget(o, "when");
    e->metadata = zw_jget(o, "metadata");
    e->newv = zw_jget(o, "newValueJson");
    if (!e->newv || !fjson_object_is_type(e->newv, fjson_type_object)) {
        e->newv = as_object(zw_jget(o, "newValue"), d);
    }
    e->oldv = zw_jget(o, "oldValueJson");
    if (!e->oldv || !fjson_object_is_type(e->oldv, fjson_type_object)) {
        e->oldv = as_object(zw_jget(o, "oldValue"), d);
    }
    return 0;
}

static int read_logpush(fjson_object *o, cf_entry *e, cf_docs *d)
{
    memset(e, 0, sizeof *e);
    e->action = nzp_str(o, "ActionType");
    e->info = nzp_str(o, "ActionDescription");
    e->result = zw_jget(o, "ActionResult");
    e->email = nzp_str(o, "ActorEmail");
    e->actor_id = nzp_str(o, "ActorID");
    e->ip = nzp_str(o, "ActorIP");
    if (!nzp_ok(e->ip)) {
        e->ip = nzp_str(o, "ActorIPAddress"); /* audit_logs_v2 */
    }
    e->actor_type = nzp_str(o, "ActorType");
    e->id = nzp_str(o, "ID");
    if (!nzp_ok(e->id)) {
        e->id = nzp_str(o, "AuditLogID");
    }
    e->iface = nzp_str(o, "Interface");
    e->owner = nzp_str(o, "OwnerID");
    if (!nzp_ok(e->owner)) {
        e->owner = nzp_str(o, "AccountID");
    }
    e->res_id = nzp_str(o, "ResourceID");
    e->res_type = nzp_str(o, "ResourceType");
    e->when = zw_jget(o, "When");
    if (!e->when) {
        e->when = zw_jget(o, "ActionTimestamp");
    }
    e->metadata = as_object(zw_jget(o, "Metadata"), d);
    e->newv = as_object(zw_jget(o, "NewValue"), d);
    e->oldv = as_object(zw_jget(o, "OldValue"), d);
    /* audit_logs_v2: the product names the resource family, the response the new state */
    e->product = nzp_str(o, "ResourceProduct");
    e->zone_id = nzp_str(o, "ZoneID");
    e->zone_name = nzp_str(o, "ZoneName");
    if (!e->newv) {
        fjson_object *resp = as_object(zw_jget(o, "ResourceResponse"), d);
        fjson_object *res = resp ? zw_jget(resp, "result") : NULL;
        e->newv = res && fjson_object_is_type(res, fjson_type_object) ? res : resp;
    }
    return 0;
}

static int set_when(zw_event *ev, fjson_object *w)
{
    if (!w) {
        return -1;
    }
    if (fjson_object_is_type(w, fjson_type_string)) {
        return nzp_time(ev, nzp_str(w, ""));
    }
    if (fjson_object_is_type(w, fjson_type_int)) {
        int64_t v = fjson_object_get_int64(w);
        /* Logpush timestamp formats: unix (s), unixnano; ms and us by magnitude */
        if (v <= 0) {
            return -1;
        }
        int64_t ms = v > 100000000000000000LL ? v / 1000000
                     : v > 100000000000000LL  ? v / 1000
                     : v > 100000000000LL     ? v
                                              : v * 1000;
        zw_ev_set_int(ev, ZW_F_TIME, ms);
        return 0;
    }
    return -1;
}

static int is_dns_record(zw_str t)
{
    return zw_str_ieq(t, "DNS_record") || zw_str_ieq(t, "dns_record") ||
           zw_str_ieq(t, "dns.record") || zw_str_ieq(t, "dns_records");
}

/* Activity from a Cloudflare action type: the first '_'-separated part that is a verb. */
static int action_activity(zw_str a)
{
    if (zw_str_eq(a, "rec_add")) {
        return 1;
    }
    if (zw_str_eq(a, "rec_del")) {
        return 4;
    }
    if (zw_str_eq(a, "rec_set") || zw_str_eq(a, "rec_edit") || zw_str_eq(a, "rec_update")) {
        return 3;
    }
    size_t i = 0;
    while (i < a.n) {
        size_t j = i;
        while (j < a.n && a.p[j] != '_') {
            j++;
        }
        int act = nzp_verb_activity(a.p + i, j - i);
        if (act != 99) {
            return act;
        }
        i = j + 1;
    }
    return 99;
}

/* name / type / TTL / content of one record state into the new or old slots. */
static int record_state(zw_event *ev, fjson_object *r, int old)
{
    int rc;
    int64_t ttl;
    if (!r) {
        return 0;
    }
    if (!zw_ev_has(ev, ZW_F_U_RECORD_NAME)) {
        zw_str name = nzp_str(r, "name"), type = nzp_str(r, "type");
        if (nzp_ok(name) && (rc = nzp_set_dname(ev, ZW_F_U_RECORD_NAME, name.p, name.n))) {
            return rc;
        }
        if (nzp_ok(type) && (rc = nzp_set_upper(ev, ZW_F_U_RECORD_TYPE, type))) {
            return rc;
        }
    }
    if (zw_jint(r, "ttl", &ttl) == 0) {
        zw_ev_set_int(ev, old ? ZW_F_U_RECORD_OLD_TTL : ZW_F_U_RECORD_TTL, ttl);
    }
    zw_field f = old ? ZW_F_U_RECORD_OLD_VALUES : ZW_F_U_RECORD_VALUES;
    fjson_object *content = zw_jget(r, "content");
    int64_t prio;
    if (content && fjson_object_is_type(content, fjson_type_string) &&
        zw_jint(r, "priority", &prio) == 0) {
        /* MX / URI: the priority is a separate field; the record value carries both */
        char b[1100];
        int k = snprintf(b, sizeof b, "%lld %s", (long long)prio, fjson_object_get_string(content));
        return zw_ev_list_add(ev, f, b, (size_t)(k < (int)sizeof b ? k : (int)sizeof b - 1));
    }
    return nzp_list_scalar(ev, f, content);
}

static int cf_emit(fjson_object *o, int logpush, zw_event *ev, nz_emitter *em, char *err,
                   size_t errsz)
{
    cf_entry e;
    cf_docs d = {{NULL}, 0};
    int rc;
    if (logpush) {
        read_logpush(o, &e, &d);
    } else {
        read_api(o, &e, &d);
    }
    zw_event_clear(ev);
    if (!nzp_ok(e.action)) {
        rc = zw_errf(err, errsz, ZW_EINVAL, "action type missing");
        goto out;
    }
    if (set_when(ev, e.when)) {
        rc = zw_errf(err, errsz, ZW_EINVAL, "when missing or not a time");
        goto out;
    }
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "Cloudflare", 10);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "Cloudflare Audit Logs", 21);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, logpush ? "audit_logs" : "audit_logs_api",
                  logpush ? 10 : 14);
    zw_ev_set_ref(ev, ZW_F_API_OPERATION, e.action.p, e.action.n);
    zw_ev_set_ref(ev, ZW_F_META_EVENT_CODE, e.action.p, e.action.n);
    zw_ev_set_ref(ev, ZW_F_API_SERVICE_NAME, "cloudflare", 10);
    nzp_ref_s(ev, ZW_F_META_LOG_SOURCE, e.iface);
    nzp_ref_s(ev, ZW_F_API_REQUEST_UID, e.id);
    nzp_ref_s(ev, ZW_F_META_CORRELATION_UID, e.id);
    nzp_ref_s(ev, ZW_F_MESSAGE, e.info);
    zw_ev_set_ref(ev, ZW_F_CLOUD_PROVIDER, "Cloudflare", 10);
    nzp_ref_s(ev, ZW_F_CLOUD_ACCOUNT_UID, e.owner);
    nzp_ref_s(ev, ZW_F_ACTOR_USER_EMAIL, e.email);
    nzp_ref_s(ev, ZW_F_ACTOR_USER_NAME, nzp_ok(e.email) ? e.email : e.actor_id);
    nzp_ref_s(ev, ZW_F_ACTOR_USER_UID, e.actor_id);
    nzp_ref_s(ev, ZW_F_ACTOR_USER_TYPE, e.actor_type);
    if (!zw_ev_has(ev, ZW_F_ACTOR_USER_NAME) && !zw_ev_has(ev, ZW_F_ACTOR_USER_UID)) {
        zw_ev_set_ref(ev, ZW_F_ACTOR_USER_NAME, "unknown", 7);
    }
    if ((rc = nzp_set_src(ev, e.ip))) {
        goto out;
    }
    if (!zw_ev_has(ev, ZW_F_SRC_IP) && !zw_ev_has(ev, ZW_F_SRC_HOSTNAME)) {
        /* Cloudflare's own systems act without an address */
        zw_ev_set_ref(ev, ZW_F_SRC_HOSTNAME, "api.cloudflare.com", 18);
    }
    int ok = 1;
    if (e.result && fjson_object_is_type(e.result, fjson_type_boolean)) {
        ok = fjson_object_get_boolean(e.result);
    } else if (e.result && fjson_object_is_type(e.result, fjson_type_string)) {
        zw_str r = nzp_str(e.result, "");
        ok = zw_str_ieq(r, "success") || zw_str_ieq(r, "true");
    }
    zw_ev_set_status(ev, ok ? ZW_STATUS_SUCCESS : ZW_STATUS_FAILURE);

    /* the zone: id and name from the values, the metadata, or the zone resource */
    fjson_object *state = e.newv ? e.newv : e.oldv;
    zw_str zid = nzp_str(state, "zone_id");
    zw_str zname = nzp_str(state, "zone_name");
    if (!nzp_ok(zid)) {
        zid = nzp_str(e.metadata, "zone_id");
    }
    if (!nzp_ok(zname)) {
        zname = nzp_str(e.metadata, "zone_name");
    }
    int is_zone_res = zw_str_ieq(e.res_type, "zone");
    if (!nzp_ok(zid)) {
        zid = e.zone_id;
    }
    if (!nzp_ok(zname)) {
        zname = e.zone_name;
    }
    if (!nzp_ok(zid) && is_zone_res) {
        zid = e.res_id;
    }
    if (nzp_ok(zid)) {
        zw_ev_set_ref(ev, ZW_F_RES_UID, zid.p, zid.n);
        zw_ev_set_ref(ev, ZW_F_RES_TYPE, "zone", 4);
    }
    if (nzp_ok(zname)) {
        if ((rc = nzp_set_dname(ev, ZW_F_U_ZONE, zname.p, zname.n))) {
            goto out;
        }
        zw_ev_set_ref(ev, ZW_F_RES_NAME, ev->v[ZW_F_U_ZONE].s.p, ev->v[ZW_F_U_ZONE].s.n);
    }
    int activity = action_activity(e.action);
    if ((rc = nzp_api_class(ev, activity))) {
        goto out;
    }
    if (is_dns_record(e.res_type) || is_dns_record(e.product) ||
        zw_starts(e.action.p, e.action.n, "rec_")) {
        const char *act = activity == 1 ? "CREATE" : activity == 4 ? "DELETE" : "UPDATE";
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, act, strlen(act));
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "record", 6);
        if (activity != 4 && (rc = record_state(ev, e.newv, 0))) {
            goto out;
        }
        if (activity != 1 && (rc = record_state(ev, e.oldv, 1))) {
            goto out;
        }
        if (zw_ev_has(ev, ZW_F_U_RECORD_NAME)) {
            zw_str rn = ev->v[ZW_F_U_RECORD_NAME].s;
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, rn.p, rn.n);
        } else {
            nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, e.res_id); /* the record's id, at least */
        }
    } else if (zw_str_eq(e.action, "change_setting") ||
               zw_memmem(e.action.p, e.action.n, "settings", 8)) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "zone_setting", 12);
        nzp_set_action_from_activity(ev, activity == 99 ? 3 : activity);
        zw_str setting = nzp_str(e.metadata, "name");
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, setting);
        if ((rc = nzp_list_scalar(ev, ZW_F_U_RECORD_VALUES, zw_jget(e.metadata, "value")))) {
            goto out;
        }
    } else if (is_zone_res ||
               (nzp_ok(zname) && (zw_str_eq(e.action, "add") || zw_str_eq(e.action, "delete")))) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "zone", 4);
        nzp_set_action_from_activity(ev, activity);
        if (zw_ev_has(ev, ZW_F_U_ZONE)) {
            zw_ev_set_ref(ev, ZW_F_U_CHANGE_TARGET, ev->v[ZW_F_U_ZONE].s.p, ev->v[ZW_F_U_ZONE].s.n);
        }
    } else {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_KIND, "config", 6);
        nzp_set_action_from_activity(ev, activity);
        nzp_ref_s(ev, ZW_F_U_CHANGE_TARGET, e.res_type);
        if (!nzp_ok(zid) && nzp_ok(e.res_id)) {
            zw_ev_set_ref(ev, ZW_F_RES_UID, e.res_id.p, e.res_id.n);
            nzp_ref_s(ev, ZW_F_RES_TYPE, e.res_type);
        }
    }
    rc = nz_emit(em, ev);
out:
    docs_free(&d);
    return rc;
}

static int parse_cloudflare(const nz_record *rec, zw_event *ev, nz_emitter *em, char *err,
                            size_t errsz)
{
    fjson_object *o = rec->json;
    if (!fjson_object_is_type(o, fjson_type_object)) {
        return ZW_NOMATCH;
    }
    fjson_object *result = zw_jget(o, "result");
    if (result && zw_jget(o, "success") && fjson_object_is_type(result, fjson_type_array)) {
        /* API envelope: a page of audit entries */
        int n = fjson_object_array_length(result), emitted = 0, rc;
        for (int i = 0; i < n; i++) {
            fjson_object *e = fjson_object_array_get_idx(result, i);
            if (!zw_jget(e, "action.type") || !zw_jget(e, "when")) {
                if (emitted) {
                    return zw_errf(err, errsz, ZW_EINVAL, "result[%d] is not an audit log entry",
                                   i);
                }
                return ZW_NOMATCH;
            }
            if ((rc = cf_emit(e, 0, ev, em, err, errsz))) {
                if (rc == ZW_EINVAL) {
                    char tmp[256];
                    snprintf(tmp, sizeof tmp, "%s", err);
                    zw_errf(err, errsz, ZW_EINVAL, "result[%d]: %s", i, tmp);
                }
                return rc;
            }
            emitted++;
        }
        return emitted ? ZW_OK : ZW_NOISE; /* an empty page */
    }
    fjson_object *action = zw_jget(o, "action");
    if (action && fjson_object_is_type(action, fjson_type_object) && zw_jget(o, "actor") &&
        (zw_jget(o, "when") || zw_jget(o, "resource"))) {
        return cf_emit(o, 0, ev, em, err, errsz);
    }
    if (zw_jget(o, "ActionType") && (zw_jget(o, "When") || zw_jget(o, "ActionTimestamp"))) {
        return cf_emit(o, 1, ev, em, err, errsz);
    }
    return ZW_NOMATCH;
}

const nz_parser nz_parser_cloudflare_audit = {
    "cloudflare-audit",
    "Cloudflare audit logs (API entries and envelopes, Logpush audit_logs)",
    1,
    parse_cloudflare,
    NULL,
    NULL,
};
