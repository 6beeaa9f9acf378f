/*
 * zw_event.h - the canonical event: a typed struct of slots, one per row of
 * zw_fields.def, with a presence bitmap.  No JSON DOM: the writers in zw_writer.c
 * serialise it straight to OCSF or ECS JSON, and the engine reads slots by id.
 *
 * Ownership: an event does not own memory.  String values either point into the
 * event's arena (zw_ev_set_str and friends copy) or are borrowed views whose owner
 * keeps them alive until the event is written (zw_ev_set_ref).  The arena belongs to
 * whoever created the event (the normalizer driver, one per worker).
 */
#ifndef ZW_EVENT_H
#define ZW_EVENT_H

#include "zw_arena.h"
#include "zw_common.h"

#include <stdint.h>

typedef enum {
    ZW_T_STR,
    ZW_T_INT,
    ZW_T_BOOL,
    ZW_T_IP,   /* textual IPv4 / IPv6 address */
    ZW_T_TIME, /* milliseconds since the Unix epoch, UTC */
    ZW_T_LIST, /* list of strings */
} zw_ftype;

typedef enum {
#define X(id, type, ocsf, ecs) ZW_F_##id,
#include "zw_fields.def"
#undef X
    ZW_F__COUNT
} zw_field;

typedef struct {
    const char *name; /* "SRC_IP" */
    zw_ftype type;
    const char *ocsf; /* "src_endpoint.ip" */
    const char *ecs;  /* "source.ip" or NULL */
} zw_field_info;

typedef struct zw_list {
    zw_str s;
    struct zw_list *next;
} zw_list;

typedef union {
    zw_str s;
    int64_t i;
    struct {
        zw_list *head, *tail;
        size_t n;
    } l;
} zw_value;

#define ZW_PRESENT_WORDS ((ZW_F__COUNT + 63) / 64)

typedef struct zw_event {
    uint64_t present[ZW_PRESENT_WORDS];
    zw_value v[ZW_F__COUNT];
    zw_arena *arena; /* borrowed */
} zw_event;

/* Field metadata; f must be < ZW_F__COUNT. */
const zw_field_info *zw_field_get(zw_field f);
/* Slot id for an OCSF path ("src_endpoint.ip") or, failing that, an ECS path; -1 if none. */
int zw_field_by_path(const char *path, size_t n);

void zw_event_init(zw_event *ev, zw_arena *arena);
/* Forget every value (the arena is not reset: the owner does that). */
void zw_event_clear(zw_event *ev);
/* Shallow copy of values (views stay shared); lists are copied node by node. */
int zw_event_copy(zw_event *dst, const zw_event *src);

static inline int zw_ev_has(const zw_event *ev, zw_field f)
{
    return (int)((ev->present[f >> 6] >> (f & 63)) & 1u);
}
static inline void zw_ev_mark(zw_event *ev, zw_field f)
{
    ev->present[f >> 6] |= (uint64_t)1 << (f & 63);
}
static inline void zw_ev_unset(zw_event *ev, zw_field f)
{
    ev->present[f >> 6] &= ~((uint64_t)1 << (f & 63));
}

/* Copies [p, p+n) into the arena.  ZW_ENOMEM on failure. */
int zw_ev_set_str(zw_event *ev, zw_field f, const char *p, size_t n);
static inline int zw_ev_set_cstr(zw_event *ev, zw_field f, const char *s)
{
    return zw_ev_set_str(ev, f, s, strlen(s));
}
/* Lower-cases ASCII while copying (DNS names, enum-like values). */
int zw_ev_set_lower(zw_event *ev, zw_field f, const char *p, size_t n);
/* A DNS name: lower-cased, trailing dot removed (the root stays "."). */
int zw_ev_set_dname(zw_event *ev, zw_field f, const char *p, size_t n);
/* Borrows [p, p+n): the caller keeps it alive until the event is written. */
void zw_ev_set_ref(zw_event *ev, zw_field f, const char *p, size_t n);
void zw_ev_set_int(zw_event *ev, zw_field f, int64_t v);
static inline void zw_ev_set_bool(zw_event *ev, zw_field f, int v)
{
    zw_ev_set_int(ev, f, v ? 1 : 0);
}
/* Appends a copy of [p, p+n) to a LIST slot. */
int zw_ev_list_add(zw_event *ev, zw_field f, const char *p, size_t n);
/* Appends [p, p+n) itself (borrowed, like zw_ev_set_ref): for constants. */
int zw_ev_list_add_ref(zw_event *ev, zw_field f, const char *p, size_t n);

/* Value accessors: an absent STR gives {NULL, 0}, an absent INT gives 0. */
static inline zw_str zw_ev_str(const zw_event *ev, zw_field f)
{
    if (!zw_ev_has(ev, f)) {
        zw_str e = {NULL, 0};
        return e;
    }
    return ev->v[f].s;
}
static inline int64_t zw_ev_int(const zw_event *ev, zw_field f)
{
    return zw_ev_has(ev, f) ? ev->v[f].i : 0;
}

/* OCSF class helpers.  Sets class_uid, class_name, category_uid, category_name,
 * activity_id, activity_name, type_uid, type_name.  ZW_EINVAL for an unknown class. */
int zw_ev_set_class(zw_event *ev, int class_uid, int activity_id);

enum { ZW_STATUS_UNKNOWN = 0, ZW_STATUS_SUCCESS = 1, ZW_STATUS_FAILURE = 2, ZW_STATUS_OTHER = 99 };
/* Sets status_id and status. */
void zw_ev_set_status(zw_event *ev, int status_id);

enum {
    ZW_SEV_UNKNOWN = 0,
    ZW_SEV_INFO = 1,
    ZW_SEV_LOW = 2,
    ZW_SEV_MEDIUM = 3,
    ZW_SEV_HIGH = 4,
    ZW_SEV_CRITICAL = 5,
    ZW_SEV_FATAL = 6
};
/* Sets severity_id and severity. */
void zw_ev_set_severity(zw_event *ev, int severity_id);
const char *zw_severity_name(int severity_id);

/* DNS helpers shared by parsers: RCODE name -> id (-1 unknown), id -> name (NULL unknown). */
int zw_dns_rcode_id(const char *p, size_t n);
const char *zw_dns_rcode_name(int id);
/* Opcode name (QUERY, NOTIFY, UPDATE, ...) -> OCSF opcode_id (-1 unknown); id -> name. */
int zw_dns_opcode_id(const char *p, size_t n);
const char *zw_dns_opcode_name(int id);

/* OCSF class uids used by zonewarden. */
enum {
    ZW_CLASS_DNS_ACTIVITY = 4003,
    ZW_CLASS_API_ACTIVITY = 6003,
    ZW_CLASS_DEVICE_CONFIG_STATE_CHANGE = 5019,
    ZW_CLASS_DETECTION_FINDING = 2004,
    ZW_CLASS_COMPLIANCE_FINDING = 2003,
};

#define ZW_OCSF_VERSION "1.8.0"

#endif
