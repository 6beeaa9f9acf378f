/*
 * nz_prov.c - the shared helpers of the provider parsers (see nz_prov.h).  Nothing
 * here knows a provider's field names; it only knows JSON, DNS names, IP addresses
 * and how API verbs map to OCSF API Activity activities.
 */
#include "nz_prov.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

zw_str nzp_str(fjson_object *o, const char *path)
{
    zw_str s = {NULL, 0};
    s.p = zw_jstr(o, path, &s.n);
    if (!s.p) {
        s.n = 0;
    }
    return s;
}

fjson_object *nzp_ci(fjson_object *o, const char *key)
{
    return zw_jget_ci(o, key);
}

zw_str nzp_str_ci(fjson_object *o, const char *key)
{
    zw_str s = {NULL, 0};
    fjson_object *v = zw_jget_ci(o, key);
    if (v && fjson_object_is_type(v, fjson_type_string)) {
        s.p = fjson_object_get_string(v);
        s.n = (size_t)fjson_object_get_string_len(v);
    }
    return s;
}

int nzp_ref(zw_event *ev, zw_field f, fjson_object *o, const char *path)
{
    zw_str s = nzp_str(o, path);
    if (!nzp_ok(s)) {
        return 0;
    }
    zw_ev_set_ref(ev, f, s.p, s.n);
    return 1;
}

int nzp_time(zw_event *ev, zw_str s)
{
    int64_t ms;
    zw_time_ctx utc = {0, 0};
    if (!nzp_ok(s)) {
        return -1;
    }
    size_t k = zw_time_iso(s.p, s.n, &utc, &ms);
    if (k == 0 || k != s.n) {
        return -1;
    }
    zw_ev_set_int(ev, ZW_F_TIME, ms);
    zw_ev_set_ref(ev, ZW_F_META_ORIGINAL_TIME, s.p, s.n);
    return 0;
}

int nzp_is_ip(const char *p, size_t n)
{
    char buf[64];
    unsigned char addr[16];
    if (n == 0 || n >= sizeof buf) {
        return 0;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    if (memchr(p, ':', n)) {
        return inet_pton(AF_INET6, buf, addr) == 1;
    }
    return inet_pton(AF_INET, buf, addr) == 1;
}

int nzp_set_src(zw_event *ev, zw_str s)
{
    if (!nzp_ok(s)) {
        return 0;
    }
    if (nzp_is_ip(s.p, s.n)) {
        zw_ev_set_ref(ev, ZW_F_SRC_IP, s.p, s.n);
        return 0;
    }
    return zw_ev_set_dname(ev, ZW_F_SRC_HOSTNAME, s.p, s.n);
}

int nzp_set_dname(zw_event *ev, zw_field f, const char *p, size_t n)
{
    if (!memchr(p, '\\', n)) {
        return zw_ev_set_dname(ev, f, p, n);
    }
    char *d = zw_arena_alloc(ev->arena, n + 1);
    size_t k = 0;
    if (!d) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\\' && i + 3 < n + 0 && p[i + 1] >= '0' && p[i + 1] <= '3' &&
            p[i + 2] >= '0' && p[i + 2] <= '7' && p[i + 3] >= '0' && p[i + 3] <= '7') {
            /* Route 53 writes characters outside a-z0-9-_ as \ooo (octal) */
            d[k++] = (char)(((p[i + 1] - '0') << 6) | ((p[i + 2] - '0') << 3) | (p[i + 3] - '0'));
            i += 3;
        } else if (p[i] == '\\' && i + 1 < n) {
            d[k++] = p[++i];
        } else {
            d[k++] = p[i];
        }
    }
    return zw_ev_set_dname(ev, f, d, k);
}

int nzp_list_dname(zw_event *ev, zw_field f, const char *p, size_t n)
{
    /* clean into a scratch slot, then append: the scratch is never left set */
    zw_value saved = ev->v[ZW_F_U_CHANGE_TARGET];
    int had = zw_ev_has(ev, ZW_F_U_CHANGE_TARGET);
    int rc = nzp_set_dname(ev, ZW_F_U_CHANGE_TARGET, p, n);
    if (!rc) {
        zw_str s = ev->v[ZW_F_U_CHANGE_TARGET].s;
        rc = zw_ev_list_add(ev, f, s.p, s.n);
    }
    ev->v[ZW_F_U_CHANGE_TARGET] = saved;
    if (!had) {
        zw_ev_unset(ev, ZW_F_U_CHANGE_TARGET);
    } else {
        zw_ev_mark(ev, ZW_F_U_CHANGE_TARGET);
    }
    return rc;
}

typedef struct {
    const char *verb;
    int activity;
} verb_row;

/* Longest verbs first where one is a prefix of another (Disassociate / Dis...). */
static const verb_row verbs[] = {
    {"create", 1},     {"register", 1}, {"add", 1},          {"insert", 1},    {"import", 1},
    {"delete", 4},     {"remove", 4},   {"disassociate", 3}, {"associate", 3}, {"change", 3},
    {"update", 3},     {"patch", 3},    {"put", 3},          {"write", 3},     {"enable", 3},
    {"disable", 3},    {"transfer", 3}, {"renew", 3},        {"set", 3},       {"tag", 3},
    {"untag", 3},      {"accept", 3},   {"reject", 3},       {"cancel", 3},    {"retrieve", 2},
    {"list", 2},       {"get", 2},      {"describe", 2},     {"read", 2},      {"check", 2},
    {"test", 2},       {"view", 2},     {"resend", 99},      {"retry", 99},    {"activate", 3},
    {"deactivate", 3}, {"modify", 3},   {"rotate", 3},       {"start", 3},     {"stop", 3},
    {"revoke", 4},     {"roll", 3},
};

int nzp_verb_activity(const char *p, size_t n)
{
    /* GCP "dns.managedZones.delete" / Azure ".../A/write": the verb is the last part */
    for (size_t i = n; i > 0; i--) {
        if (p[i - 1] == '.' || p[i - 1] == '/') {
            p += i;
            n -= i;
            break;
        }
    }
    int best = 99;
    size_t best_len = 0;
    for (size_t i = 0; i < ZW_ARRAY_LEN(verbs); i++) {
        size_t l = strlen(verbs[i].verb);
        if (l > n || l <= best_len) {
            continue;
        }
        if (zw_str_ieq(zw_str_make(p, l), verbs[i].verb)) {
            /* a verb must end at a word boundary: CreateX, create_x, create */
            if (l == n || (p[l] >= 'A' && p[l] <= 'Z') || p[l] == '_' || p[l] == '-') {
                best = verbs[i].activity;
                best_len = l;
            }
        }
    }
    return best;
}

int nzp_action_activity(const char *action)
{
    if (strcmp(action, "CREATE") == 0) {
        return 1;
    }
    if (strcmp(action, "DELETE") == 0) {
        return 4;
    }
    return 3;
}

void nzp_set_action_from_activity(zw_event *ev, int activity)
{
    const char *a = activity == 1   ? "CREATE"
                    : activity == 3 ? "UPDATE"
                    : activity == 4 ? "DELETE"
                                    : NULL;
    if (a) {
        zw_ev_set_ref(ev, ZW_F_U_CHANGE_ACTION, a, strlen(a));
    }
}

int nzp_api_class(zw_event *ev, int activity)
{
    return zw_ev_set_class(ev, ZW_CLASS_API_ACTIVITY, activity);
}

void nzp_clear_change(zw_event *ev)
{
    static const zw_field f[] = {
        ZW_F_U_RECORD_NAME,
        ZW_F_U_RECORD_TYPE,
        ZW_F_U_RECORD_TTL,
        ZW_F_U_RECORD_VALUES,
        ZW_F_U_RECORD_OLD_VALUES,
        ZW_F_U_RECORD_OLD_TTL,
        ZW_F_U_RECORD_ALIAS_TARGET,
        ZW_F_U_CHANGE_ACTION,
        ZW_F_E_EVENT_CATEGORY,
        ZW_F_E_EVENT_TYPE,
        ZW_F_META_PROFILES,
        ZW_F_U_INV_ZONE_KNOWN,
        ZW_F_U_INV_ACTOR_APPROVED,
        ZW_F_U_INV_PEER_APPROVED_SCANNER,
        ZW_F_U_INV_PEER_APPROVED_SECONDARY,
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(f); i++) {
        zw_ev_unset(ev, f[i]);
    }
}

int nzp_list_int(zw_event *ev, zw_field f, int64_t v)
{
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", (long long)v);
    return zw_ev_list_add(ev, f, b, (size_t)n);
}

int nzp_list_scalar(zw_event *ev, zw_field f, fjson_object *v)
{
    if (!v) {
        return 0;
    }
    if (fjson_object_is_type(v, fjson_type_string)) {
        return zw_ev_list_add(ev, f, fjson_object_get_string(v),
                              (size_t)fjson_object_get_string_len(v));
    }
    if (fjson_object_is_type(v, fjson_type_int)) {
        return nzp_list_int(ev, f, fjson_object_get_int64(v));
    }
    if (fjson_object_is_type(v, fjson_type_boolean)) {
        return fjson_object_get_boolean(v) ? zw_ev_list_add(ev, f, "true", 4)
                                           : zw_ev_list_add(ev, f, "false", 5);
    }
    if (fjson_object_is_type(v, fjson_type_double)) {
        const char *s = fjson_object_to_json_string(v);
        return zw_ev_list_add(ev, f, s, strlen(s));
    }
    return 0;
}

int nzp_set_upper(zw_event *ev, zw_field f, zw_str t)
{
    int rc = zw_ev_set_str(ev, f, t.p, t.n);
    if (rc) {
        return rc;
    }
    char *d = (char *)ev->v[f].s.p;
    for (size_t i = 0; i < t.n; i++) {
        d[i] = (char)(d[i] >= 'a' && d[i] <= 'z' ? d[i] - 32 : d[i]);
    }
    return 0;
}

int nzp_batch_bad(nzp_batch *b, int i, int rc, const char *err)
{
    if (rc != ZW_EINVAL) {
        return 0;
    }
    if (!b->bad++) {
        b->first_bad = i;
        snprintf(b->first_err, sizeof b->first_err, "%s", err);
    }
    return 1;
}

int nzp_batch_end(const nzp_batch *b, const char *what, int n, int emitted, char *err, size_t errsz)
{
    if (!b->bad) {
        return 0;
    }
    return zw_errf(err, errsz, ZW_EINVAL,
                   "%d of %d %s rejected (%d events emitted); first: %s[%d]: %s", b->bad, n, what,
                   emitted, what, b->first_bad, b->first_err);
}
