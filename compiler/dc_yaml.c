/*
 * dc_yaml.c - libyaml event stream to a dc_ynode tree with positions.  Nodes live in a
 * per-document arena; aliases point at the anchored node (shared, never copied).
 */
#include "dc_yaml.h"

#include "../common/zw_arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    char *name;
    dc_ynode *node;
} anchor;

typedef struct {
    yaml_parser_t p;
    zw_arena *a;
    anchor *anchors;
    size_t nanch, capanch;
    char *errstr;
    size_t errsz;
    int eline, ecol;
} ld;

static dc_ynode *node_new(ld *l, dc_ykind k, const yaml_mark_t *m)
{
    dc_ynode *n = zw_arena_alloc(l->a, sizeof *n);
    if (n) {
        memset(n, 0, sizeof *n);
        n->kind = k;
        n->line = (int)m->line + 1;
        n->col = (int)m->column + 1;
    }
    return n;
}

static int set_err(ld *l, const yaml_mark_t *m, const char *msg)
{
    l->eline = (int)m->line + 1;
    l->ecol = (int)m->column + 1;
    snprintf(l->errstr, l->errsz, "%d:%d: %s", l->eline, l->ecol, msg);
    return -1;
}

static int add_anchor(ld *l, const unsigned char *name, dc_ynode *node)
{
    if (!name) {
        return 0;
    }
    if (l->nanch == l->capanch) {
        size_t c = l->capanch ? l->capanch * 2 : 8;
        anchor *na = realloc(l->anchors, c * sizeof *na);
        if (!na) {
            return -1;
        }
        l->anchors = na;
        l->capanch = c;
    }
    l->anchors[l->nanch].name =
        zw_arena_strndup(l->a, (const char *)name, strlen((const char *)name));
    l->anchors[l->nanch++].node = node;
    return 0;
}

/* Parses one node whose first event is ev (consumed by the caller's yaml_event_delete). */
static dc_ynode *parse_node(ld *l, yaml_event_t *ev, int depth);

static dc_ynode *parse_children(ld *l, dc_ynode *n, yaml_event_type_t end, int depth)
{
    size_t cap = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&l->p, &ev)) {
            set_err(l, &l->p.problem_mark, l->p.problem ? l->p.problem : "YAML syntax error");
            return NULL;
        }
        if (ev.type == end) {
            yaml_event_delete(&ev);
            break;
        }
        dc_ynode *c = parse_node(l, &ev, depth + 1);
        yaml_event_delete(&ev);
        if (!c) {
            return NULL;
        }
        if (n->n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            dc_ynode **ni = zw_arena_alloc(l->a, nc * sizeof *ni);
            if (!ni) {
                return NULL;
            }
            if (n->n) {
                memcpy(ni, n->items, n->n * sizeof *ni);
            }
            n->items = ni;
            cap = nc;
        }
        n->items[n->n++] = c;
    }
    if (n->kind == DC_Y_MAP) {
        n->n /= 2;
    }
    return n;
}

static dc_ynode *parse_node(ld *l, yaml_event_t *ev, int depth)
{
    dc_ynode *n = NULL;
    if (depth > 200) {
        set_err(l, &ev->start_mark, "nesting too deep");
        return NULL;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        n = node_new(l, DC_Y_SCALAR, &ev->start_mark);
        if (!n) {
            return NULL;
        }
        n->len = ev->data.scalar.length;
        n->str = zw_arena_strndup(l->a, (const char *)ev->data.scalar.value, n->len);
        n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (!n->str || add_anchor(l, ev->data.scalar.anchor, n)) {
            return NULL;
        }
        return n;
    case YAML_SEQUENCE_START_EVENT:
        n = node_new(l, DC_Y_SEQ, &ev->start_mark);
        if (!n || add_anchor(l, ev->data.sequence_start.anchor, n)) {
            return NULL;
        }
        return parse_children(l, n, YAML_SEQUENCE_END_EVENT, depth);
    case YAML_MAPPING_START_EVENT:
        n = node_new(l, DC_Y_MAP, &ev->start_mark);
        if (!n || add_anchor(l, ev->data.mapping_start.anchor, n)) {
            return NULL;
        }
        return parse_children(l, n, YAML_MAPPING_END_EVENT, depth);
    case YAML_ALIAS_EVENT:
        for (size_t i = l->nanch; i-- > 0;) {
            if (strcmp(l->anchors[i].name, (const char *)ev->data.alias.anchor) == 0) {
                return l->anchors[i].node;
            }
        }
        set_err(l, &ev->start_mark, "unknown YAML alias");
        return NULL;
    default:
        set_err(l, &ev->start_mark, "unexpected YAML event");
        return NULL;
    }
}

void dc_ydoc_free(dc_ydoc *d)
{
    while (d) {
        dc_ydoc *nx = d->next;
        zw_arena_destroy(d->mem);
        free(d);
        d = nx;
    }
}

dc_ydoc *dc_yaml_load(const char *p, size_t n, char *errstr, size_t errstr_size, int *eline,
                      int *ecol)
{
    ld l;
    memset(&l, 0, sizeof l);
    l.errstr = errstr;
    l.errsz = errstr_size;
    dc_ydoc *head = NULL, **tail = &head;
    int ok = 0;
    if (!yaml_parser_initialize(&l.p)) {
        snprintf(errstr, errstr_size, "0:0: out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&l.p, (const unsigned char *)p, n);
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&l.p, &ev)) {
            set_err(&l, &l.p.problem_mark, l.p.problem ? l.p.problem : "YAML syntax error");
            goto out;
        }
        yaml_event_type_t t = ev.type;
        if (t == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (t != YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        yaml_event_delete(&ev);
        dc_ydoc *d = calloc(1, sizeof *d);
        if (!d || !(d->mem = zw_arena_new(0))) {
            free(d);
            snprintf(errstr, errstr_size, "0:0: out of memory");
            goto out;
        }
        *tail = d;
        tail = &d->next;
        l.a = d->mem;
        l.nanch = 0;
        if (!yaml_parser_parse(&l.p, &ev)) {
            set_err(&l, &l.p.problem_mark, l.p.problem ? l.p.problem : "YAML syntax error");
            goto out;
        }
        if (ev.type == YAML_DOCUMENT_END_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        d->root = parse_node(&l, &ev, 0);
        yaml_event_delete(&ev);
        if (!d->root) {
            goto out;
        }
        if (!yaml_parser_parse(&l.p, &ev)) {
            set_err(&l, &l.p.problem_mark, l.p.problem ? l.p.problem : "YAML syntax error");
            goto out;
        }
        yaml_event_delete(&ev);
    }
    ok = 1;
out:
    yaml_parser_delete(&l.p);
    free(l.anchors);
    if (!ok) {
        dc_ydoc_free(head);
        if (eline) {
            *eline = l.eline;
        }
        if (ecol) {
            *ecol = l.ecol;
        }
        return NULL;
    }
    return head;
}

dc_ynode *dc_ymap_get(const dc_ynode *m, const char *key)
{
    if (!m || m->kind != DC_Y_MAP) {
        return NULL;
    }
    for (size_t i = 0; i < m->n; i++) {
        dc_ynode *k = m->items[2 * i];
        if (k->kind == DC_Y_SCALAR && strcmp(k->str, key) == 0) {
            return m->items[2 * i + 1];
        }
    }
    return NULL;
}

const char *dc_ystr(const dc_ynode *n)
{
    return n && n->kind == DC_Y_SCALAR ? n->str : NULL;
}

int dc_yis_null(const dc_ynode *n)
{
    if (!n || n->kind != DC_Y_SCALAR || !n->plain) {
        return 0;
    }
    return n->len == 0 || strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
           strcmp(n->str, "NULL") == 0 || strcmp(n->str, "~") == 0;
}
