/*
 * zw_walk.h - the one YAML directory walker, used by `compile DIR`, the field-map
 * folder and `export --sigma DIR`, so that every command sees the same rule files.
 *
 * A path that is a file is listed as itself (whatever its name).  A directory is
 * walked recursively, symbolic links followed, for *.yml / *.yaml files; hidden entries
 * (".name") are skipped.  Each directory and each file is visited once by its (device,
 * inode), so a symlink loop or two links to one file cannot list a file twice; depth
 * is bounded.  The list is sorted by path (bytes), so results do not depend on readdir
 * order.
 *
 * Ownership: the list owns its paths; zw_paths_free() frees them (NULL-safe fields).
 */
#ifndef ZW_WALK_H
#define ZW_WALK_H

#include <stddef.h>

typedef struct {
    char **v; /* malloc'd paths */
    size_t n, cap;
    size_t loops; /* directories or files skipped because already visited */
} zw_paths;

#define ZW_WALK_MAX_DEPTH 64

/* Appends the YAML files under path to out.  0; ZW_EIO when path or a directory under
 * it cannot be read, or the tree is deeper than ZW_WALK_MAX_DEPTH (errstr names the
 * path and the reason; the files found so far stay listed); ZW_ENOMEM. */
int zw_yaml_files(const char *path, zw_paths *out, char *errstr, size_t errstr_size);
void zw_paths_free(zw_paths *p);

#endif
