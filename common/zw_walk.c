/*
 * zw_walk.c - the YAML directory walker (see zw_walk.h).  Visited directories and
 * files are kept as (device, inode) pairs in an open-addressing hash set, so a tree of
 * many thousands of files costs linear time.
 */
#include "zw_walk.h"

#include "zw_common.h"
#include "zw_grow.h"
#include "zw_hash.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    dev_t dev;
    ino_t ino;
    int used;
} vkey;

typedef struct {
    vkey *k;
    size_t cap, n;
} vset;

static size_t vslot(const vset *s, dev_t dev, ino_t ino)
{
    uint64_t key[2] = {(uint64_t)dev, (uint64_t)ino};
    size_t j = (size_t)zw_hash(key, sizeof key) & (s->cap - 1);
    while (s->k[j].used && !(s->k[j].dev == dev && s->k[j].ino == ino)) {
        j = (j + 1) & (s->cap - 1);
    }
    return j;
}

/* 1 if (dev, ino) was new (now recorded), 0 if seen before, ZW_ENOMEM. */
static int vset_add(vset *s, dev_t dev, ino_t ino)
{
    if ((s->n + 1) * 2 > s->cap) {
        vset ns = {calloc(s->cap ? s->cap * 2 : 64, sizeof(vkey)), s->cap ? s->cap * 2 : 64, 0};
        if (!ns.k) {
            return ZW_ENOMEM;
        }
        for (size_t i = 0; i < s->cap; i++) {
            if (s->k[i].used) {
                ns.k[vslot(&ns, s->k[i].dev, s->k[i].ino)] = s->k[i];
                ns.n++;
            }
        }
        free(s->k);
        *s = ns;
    }
    size_t j = vslot(s, dev, ino);
    if (s->k[j].used) {
        return 0;
    }
    s->k[j].dev = dev;
    s->k[j].ino = ino;
    s->k[j].used = 1;
    s->n++;
    return 1;
}

static int has_yaml_ext(const char *n)
{
    size_t l = strlen(n);
    return (l > 4 && strcmp(n + l - 4, ".yml") == 0) || (l > 5 && strcmp(n + l - 5, ".yaml") == 0);
}

static int push_path(zw_paths *out, const char *p)
{
    char *d = strdup(p);
    if (!d || zw_grow(&out->v, &out->cap, out->n + 1, sizeof *out->v, 16)) {
        free(d);
        return ZW_ENOMEM;
    }
    out->v[out->n++] = d;
    return 0;
}

typedef struct {
    zw_paths *out;
    vset seen;
    char *errstr;
    size_t errstr_size;
} walker;

static int walk_dir(walker *w, const char *dir, int depth);

/* One entry (file or directory) reached through the tree; top: named by the caller. */
static int walk_entry(walker *w, const char *path, const char *name, int depth, int top)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (!top && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode)) {
            return 0; /* a dangling symlink is no rule file */
        }
        return zw_errf(w->errstr, w->errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    if (!S_ISDIR(sb.st_mode) && !top && !has_yaml_ext(name)) {
        return 0;
    }
    int fresh = vset_add(&w->seen, sb.st_dev, sb.st_ino);
    if (fresh < 0) {
        return fresh;
    }
    if (!fresh) {
        w->out->loops++;
        return 0;
    }
    if (S_ISDIR(sb.st_mode)) {
        return walk_dir(w, path, depth + 1);
    }
    return push_path(w->out, path);
}

static int walk_dir(walker *w, const char *dir, int depth)
{
    if (depth > ZW_WALK_MAX_DEPTH) {
        return zw_errf(w->errstr, w->errstr_size, ZW_EIO, "%s: more than %d directory levels", dir,
                       ZW_WALK_MAX_DEPTH);
    }
    DIR *d = opendir(dir);
    if (!d) {
        return zw_errf(w->errstr, w->errstr_size, ZW_EIO, "%s: %s", dir, strerror(errno));
    }
    int rc = 0;
    size_t dl = strlen(dir);
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.') {
            continue;
        }
        size_t l = dl + strlen(e->d_name) + 2;
        char *p = malloc(l);
        if (!p) {
            rc = ZW_ENOMEM;
            break;
        }
        snprintf(p, l, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        rc = walk_entry(w, p, e->d_name, depth, 0);
        free(p);
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int zw_yaml_files(const char *path, zw_paths *out, char *errstr, size_t errstr_size)
{
    walker w = {out, {NULL, 0, 0}, errstr, errstr_size};
    size_t first = out->n;
    int rc = walk_entry(&w, path, path, 0, 1);
    free(w.seen.k);
    if (out->n - first > 1) {
        qsort(out->v + first, out->n - first, sizeof *out->v, cmp_str);
    }
    return rc;
}

void zw_paths_free(zw_paths *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i]);
    }
    free(p->v);
    memset(p, 0, sizeof *p);
}
