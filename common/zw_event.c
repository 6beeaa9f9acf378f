/*
 * zw_event.c - slot setters, class/status/severity helpers, and the field table built
 * from zw_fields.def.  Not for serialisation (zw_writer.c) or parsing (normalizer/).
 */
#include "zw_event.h"

#include <string.h>

static const zw_field_info field_info[ZW_F__COUNT] = {
#define X(id, type, ocsf, ecs) {#id, ZW_T_##type, ocsf, ecs},
#include "zw_fields.def"
#undef X
};

const zw_field_info *zw_field_get(zw_field f)
{
    return &field_info[f];
}

int zw_field_by_path(const char *path, size_t n)
{
    for (int i = 0; i < ZW_F__COUNT; i++) {
        const char *o = field_info[i].ocsf;
        if (o && strlen(o) == n && memcmp(o, path, n) == 0) {
            return i;
        }
    }
    for (int i = 0; i < ZW_F__COUNT; i++) {
        const char *e = field_info[i].ecs;
        if (e && strlen(e) == n && memcmp(e, path, n) == 0) {
            return i;
        }
    }
    return -1;
}

void zw_event_init(zw_event *ev, zw_arena *arena)
{
    memset(ev->present, 0, sizeof ev->present);
    ev->arena = arena;
}

void zw_event_clear(zw_event *ev)
{
    memset(ev->present, 0, sizeof ev->present);
}

int zw_event_copy(zw_event *dst, const zw_event *src)
{
    memcpy(dst->present, src->present, sizeof dst->present);
    memcpy(dst->v, src->v, sizeof dst->v);
    if (!dst->arena) {
        dst->arena = src->arena;
    }
    for (int f = 0; f < ZW_F__COUNT; f++) {
        if (field_info[f].type != ZW_T_LIST || !zw_ev_has(src, (zw_field)f)) {
            continue;
        }
        dst->v[f].l.head = dst->v[f].l.tail = NULL;
        dst->v[f].l.n = 0;
        for (const zw_list *l = src->v[f].l.head; l; l = l->next) {
            if (zw_ev_list_add(dst, (zw_field)f, l->s.p, l->s.n)) {
                return ZW_ENOMEM;
            }
        }
    }
    return ZW_OK;
}

int zw_ev_set_str(zw_event *ev, zw_field f, const char *p, size_t n)
{
    char *d = zw_arena_strndup(ev->arena, p, n);
    if (!d) {
        return ZW_ENOMEM;
    }
    ev->v[f].s.p = d;
    ev->v[f].s.n = n;
    zw_ev_mark(ev, f);
    return ZW_OK;
}

int zw_ev_set_lower(zw_event *ev, zw_field f, const char *p, size_t n)
{
    char *d = zw_arena_strndup(ev->arena, p, n);
    if (!d) {
        return ZW_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (d[i] >= 'A' && d[i] <= 'Z') {
            d[i] = (char)(d[i] + 32);
        }
    }
    ev->v[f].s.p = d;
    ev->v[f].s.n = n;
    zw_ev_mark(ev, f);
    return ZW_OK;
}

int zw_ev_set_dname(zw_event *ev, zw_field f, const char *p, size_t n)
{
    if (n > 1 && p[n - 1] == '.') {
        n--;
    }
    return zw_ev_set_lower(ev, f, p, n);
}

void zw_ev_set_ref(zw_event *ev, zw_field f, const char *p, size_t n)
{
    ev->v[f].s.p = p;
    ev->v[f].s.n = n;
    zw_ev_mark(ev, f);
}

void zw_ev_set_int(zw_event *ev, zw_field f, int64_t v)
{
    ev->v[f].i = v;
    zw_ev_mark(ev, f);
}

int zw_ev_list_add_ref(zw_event *ev, zw_field f, const char *p, size_t n)
{
    zw_list *l = zw_arena_alloc(ev->arena, sizeof *l);
    if (!l) {
        return ZW_ENOMEM;
    }
    l->s.p = p;
    l->s.n = n;
    l->next = NULL;
    if (!zw_ev_has(ev, f)) {
        ev->v[f].l.head = ev->v[f].l.tail = NULL;
        ev->v[f].l.n = 0;
        zw_ev_mark(ev, f);
    }
    if (ev->v[f].l.tail) {
        ev->v[f].l.tail->next = l;
    } else {
        ev->v[f].l.head = l;
    }
    ev->v[f].l.tail = l;
    ev->v[f].l.n++;
    return ZW_OK;
}

int zw_ev_list_add(zw_event *ev, zw_field f, const char *p, size_t n)
{
    char *d = zw_arena_strndup(ev->arena, p, n);
    return d ? zw_ev_list_add_ref(ev, f, d, n) : ZW_ENOMEM;
}

typedef struct {
    int uid;
    int category_uid;
    const char *name;
    const char *category_name;
    const char *activities[8]; /* index = activity_id 1..7 */
} class_row;

static const class_row classes[] = {
    {4003, 4, "DNS Activity", "Network Activity",
     {NULL, "Query", "Response", NULL, NULL, NULL, "Traffic", NULL}},
    {6003, 6, "API Activity", "Application Activity",
     {NULL, "Create", "Read", "Update", "Delete", NULL, NULL, NULL}},
    {5019, 5, "Device Config State Change", "Discovery",
     {NULL, "Log", "Collect", NULL, NULL, NULL, NULL, NULL}},
    {2004, 2, "Detection Finding", "Findings",
     {NULL, "Create", "Update", "Close", NULL, NULL, NULL, NULL}},
    {2003, 2, "Compliance Finding", "Findings",
     {NULL, "Create", "Update", "Close", NULL, NULL, NULL, NULL}},
};

int zw_ev_set_class(zw_event *ev, int class_uid, int activity_id)
{
    for (size_t i = 0; i < ZW_ARRAY_LEN(classes); i++) {
        const class_row *c = &classes[i];
        if (c->uid != class_uid) {
            continue;
        }
        const char *an = NULL;
        if (activity_id == 0) {
            an = "Unknown";
        } else if (activity_id == 99) {
            an = "Other";
        } else if (activity_id > 0 && activity_id < 8) {
            an = c->activities[activity_id];
        }
        if (!an) {
            return ZW_EINVAL;
        }
        zw_ev_set_int(ev, ZW_F_CLASS_UID, class_uid);
        zw_ev_set_ref(ev, ZW_F_CLASS_NAME, c->name, strlen(c->name));
        zw_ev_set_int(ev, ZW_F_CATEGORY_UID, c->category_uid);
        zw_ev_set_ref(ev, ZW_F_CATEGORY_NAME, c->category_name, strlen(c->category_name));
        zw_ev_set_int(ev, ZW_F_ACTIVITY_ID, activity_id);
        zw_ev_set_ref(ev, ZW_F_ACTIVITY_NAME, an, strlen(an));
        zw_ev_set_int(ev, ZW_F_TYPE_UID, (int64_t)class_uid * 100 + activity_id);
        char tmp[96];
        size_t cn = strlen(c->name), aln = strlen(an);
        memcpy(tmp, c->name, cn);
        memcpy(tmp + cn, ": ", 2);
        memcpy(tmp + cn + 2, an, aln);
        return zw_ev_set_str(ev, ZW_F_TYPE_NAME, tmp, cn + 2 + aln);
    }
    return ZW_EINVAL;
}

void zw_ev_set_status(zw_event *ev, int status_id)
{
    const char *s = status_id == 1 ? "Success"
                    : status_id == 2 ? "Failure"
                    : status_id == 99 ? "Other"
                                      : "Unknown";
    zw_ev_set_int(ev, ZW_F_STATUS_ID, status_id);
    zw_ev_set_ref(ev, ZW_F_STATUS, s, strlen(s));
}

const char *zw_severity_name(int id)
{
    static const char *names[] = {"Unknown", "Informational", "Low", "Medium",
                                  "High",    "Critical",      "Fatal"};
    if (id >= 0 && id <= 6) {
        return names[id];
    }
    return "Other";
}

void zw_ev_set_severity(zw_event *ev, int id)
{
    const char *s = zw_severity_name(id);
    zw_ev_set_int(ev, ZW_F_SEVERITY_ID, id);
    zw_ev_set_ref(ev, ZW_F_SEVERITY, s, strlen(s));
}

/* OCSF rcode_id enum follows the IANA DNS RCODE registry (0-23); names are the OCSF
 * captions (16 is "BADSIG_VERS": BADVERS and BADSIG share the code). */
static const char *rcodes[] = {"NoError",   "FormError", "ServError", "NXDomain", "NotImp",
                               "Refused",   "YXDomain",  "YXRRSet",   "NXRRSet",  "NotAuth",
                               "NotZone",   "DSOTYPENI", NULL,        NULL,       NULL,
                               NULL,        "BADSIG_VERS", "BADKEY",    "BADTIME",  "BADMODE",
                               "BADNAME",   "BADALG",    "BADTRUNC",  "BADCOOKIE"};

int zw_dns_rcode_id(const char *p, size_t n)
{
    zw_str s = {p, n};
    for (size_t i = 0; i < ZW_ARRAY_LEN(rcodes); i++) {
        if (rcodes[i] && zw_str_ieq(s, rcodes[i])) {
            return (int)i;
        }
    }
    /* common spellings in server logs */
    if (zw_str_ieq(s, "FORMERR")) {
        return 1;
    }
    if (zw_str_ieq(s, "SERVFAIL")) {
        return 2;
    }
    if (zw_str_ieq(s, "NOTIMP") || zw_str_ieq(s, "NOTIMPL")) {
        return 4;
    }
    if (zw_str_ieq(s, "BADVERS") || zw_str_ieq(s, "BADSIG")) {
        return 16;
    }
    return -1;
}

const char *zw_dns_rcode_name(int id)
{
    if (id >= 0 && (size_t)id < ZW_ARRAY_LEN(rcodes)) {
        return rcodes[id];
    }
    return NULL;
}

/* OCSF dns_query.opcode_id: 0 Query, 1 Inverse Query, 2 Status, 3 Reserved, 4 Notify,
 * 5 Update, 6 DSO Message. */
static const char *opcodes[] = {"Query", "Inverse Query", "Status", "Reserved",
                                "Notify", "Update", "DSO Message"};

int zw_dns_opcode_id(const char *p, size_t n)
{
    zw_str s = {p, n};
    for (size_t i = 0; i < ZW_ARRAY_LEN(opcodes); i++) {
        if (zw_str_ieq(s, opcodes[i])) {
            return (int)i;
        }
    }
    if (zw_str_ieq(s, "IQUERY")) {
        return 1;
    }
    if (zw_str_ieq(s, "DSO")) {
        return 6;
    }
    return -1;
}

const char *zw_dns_opcode_name(int id)
{
    if (id >= 0 && (size_t)id < ZW_ARRAY_LEN(opcodes)) {
        return opcodes[id];
    }
    return NULL;
}
