/*
 * cmd_export.c - `zonewarden export --sigma`: writes DET strategies as Sigma, so the
 * shipped content runs in other SIEMs.  Each stateless analytic becomes a Sigma rule,
 * each correlation analytic a Sigma correlation rule referencing its base rules by
 * name; parameters (defaults, overridden by --tuning) are expanded in place.  The
 * analytic's log sources become logsource.service and an explicit selection on
 * unmapped.source_format, so the rule is routed exactly as the DET analytic is.
 *
 * Works on the YAML tree (compiler/dc_yaml.h), not on the compiled IR: the output keeps
 * the author's selections, modifiers and condition text.  The compiler checks the
 * result; tests/integration/62-export-sigma.sh proves the round trip.
 */
#include "../common/zw_buf.h"
#include "../common/zw_hash.h"
#include "../common/zw_walk.h"
#include "../compiler/dc_yaml.h"
#include "cli.h"
#include "cli_out.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
    const dc_ynode *decl;   /* strategy parameters: Name: {type, default} */
    const dc_ynode *tuning; /* tuning parameters for this strategy (or global), may be NULL */
    const dc_ynode *tuning_global;
    int errors;
    const char *file;
} ex_ctx;

/* The file's bytes (malloc'ed, NUL-terminated), or NULL if it cannot be read. */
static char *slurp(const char *path, size_t *n)
{
    zw_buf b;
    zw_buf_init(&b);
    if (zw_buf_read_file(&b, path, NULL, 0)) {
        zw_buf_free(&b);
        return NULL;
    }
    *n = b.len;
    return b.p;
}

/* The value of parameter `name`: tuning override, else default.  NULL if unknown. */
static const dc_ynode *param(ex_ctx *x, const char *name, size_t n)
{
    char key[128];
    if (n >= sizeof key) {
        return NULL;
    }
    memcpy(key, name, n);
    key[n] = 0;
    const dc_ynode *d = dc_ymap_get(x->decl, key);
    if (!d) {
        return NULL;
    }
    const dc_ynode *t = x->tuning ? dc_ymap_get(x->tuning, key) : NULL;
    if (!t && x->tuning_global) {
        t = dc_ymap_get(x->tuning_global, key);
        if (t && t->kind == DC_Y_MAP) {
            t = NULL; /* that is another strategy's block */
        }
    }
    return t ? t : dc_ymap_get(d, "default");
}

static void indent(zw_buf *b, int lvl)
{
    for (int i = 0; i < lvl; i++) {
        zw_buf_puts(b, "  ");
    }
}

/* A scalar: typed plain scalars stay plain, everything else is a JSON-escaped
 * double-quoted YAML scalar (JSON escapes are valid YAML). */
static void scalar(zw_buf *b, const dc_ynode *n)
{
    const char *s = n->str ? n->str : "";
    int plain_ok = n->plain && n->len > 0;
    for (size_t i = 0; plain_ok && i < n->len; i++) {
        char c = s[i];
        plain_ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || (c >= 'a' && c <= 'z');
    }
    if (plain_ok && (strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "null") == 0 ||
                     (s[0] >= '0' && s[0] <= '9') || (s[0] == '-' && n->len > 1))) {
        zw_buf_append(b, s, n->len);
    } else {
        zw_json_str(b, s, n->len);
    }
}

/* A mapping key: plain when it is made of field-name characters, else quoted. */
static void key(zw_buf *b, const dc_ynode *n)
{
    const char *s = n->str ? n->str : "";
    int plain = n->len > 0 && s[0] != '-' && s[0] != '*';
    for (size_t i = 0; plain && i < n->len; i++) {
        char c = s[i];
        plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                c == '_' || c == '.' || c == '|' || c == '-' || c == '*';
    }
    if (plain) {
        zw_buf_append(b, s, n->len);
    } else {
        zw_json_str(b, s, n->len);
    }
}

/* Expands %Param% in a scalar: whole-value references take the parameter's node (a
 * list stays a list); embedded references are replaced by the scalar's text. */
static void value(ex_ctx *x, zw_buf *b, const dc_ynode *n, int lvl);

static void expanded_scalar(ex_ctx *x, zw_buf *b, const dc_ynode *n, int lvl)
{
    const char *s = n->str ? n->str : "";
    size_t len = n->len;
    if (len > 2 && s[0] == '%' && s[len - 1] == '%' && !memchr(s + 1, '%', len - 2)) {
        const dc_ynode *p = param(x, s + 1, len - 2);
        if (p) {
            value(x, b, p, lvl);
            return;
        }
    }
    if (!memchr(s, '%', len)) {
        scalar(b, n);
        return;
    }
    zw_buf out;
    zw_buf_init(&out);
    for (size_t i = 0; i < len; i++) {
        const char *end = s[i] == '%' ? memchr(s + i + 1, '%', len - i - 1) : NULL;
        const dc_ynode *p = end ? param(x, s + i + 1, (size_t)(end - s - i - 1)) : NULL;
        if (p && p->kind == DC_Y_SCALAR) {
            zw_buf_append(&out, p->str, p->len);
            i = (size_t)(end - s);
        } else if (p) {
            fprintf(stderr, "%s: parameter in '%s' is a list; cannot embed it in text\n", x->file,
                    s);
            x->errors++;
            i = (size_t)(end - s);
        } else {
            zw_buf_putc(&out, s[i]);
        }
    }
    dc_ynode tmp = *n;
    tmp.str = out.p ? out.p : (char *)"";
    tmp.len = out.len;
    tmp.plain = 0;
    scalar(b, &tmp);
    zw_buf_free(&out);
}

static void value(ex_ctx *x, zw_buf *b, const dc_ynode *n, int lvl)
{
    if (n->kind == DC_Y_SCALAR) {
        expanded_scalar(x, b, n, lvl);
    } else if (n->kind == DC_Y_SEQ) {
        int flat = 1;
        for (size_t i = 0; i < n->n; i++) {
            flat &= n->items[i]->kind == DC_Y_SCALAR;
        }
        if (flat) {
            zw_buf_putc(b, '[');
            for (size_t i = 0; i < n->n; i++) {
                if (i) {
                    zw_buf_puts(b, ", ");
                }
                expanded_scalar(x, b, n->items[i], lvl);
            }
            zw_buf_putc(b, ']');
            return;
        }
        for (size_t i = 0; i < n->n; i++) {
            zw_buf_putc(b, '\n');
            indent(b, lvl);
            zw_buf_puts(b, "- ");
            if (n->items[i]->kind == DC_Y_MAP) {
                /* first pair on the dash line, the rest indented under it */
                const dc_ynode *m = n->items[i];
                for (size_t j = 0; j < m->n; j++) {
                    if (j) {
                        zw_buf_putc(b, '\n');
                        indent(b, lvl + 1);
                    }
                    key(b, m->items[2 * j]);
                    zw_buf_puts(b, ": ");
                    value(x, b, m->items[2 * j + 1], lvl + 2);
                }
            } else {
                value(x, b, n->items[i], lvl + 1);
            }
        }
    } else {
        for (size_t i = 0; i < n->n; i++) {
            zw_buf_putc(b, '\n');
            indent(b, lvl);
            key(b, n->items[2 * i]);
            zw_buf_puts(b, ": ");
            value(x, b, n->items[2 * i + 1], lvl + 1);
        }
    }
}

/* A stable UUID for an analytic id (FNV-1a based, RFC 9562 version 8). */
static void uuid_for(const char *sid, const char *aid, char out[37])
{
    uint64_t h1 = ZW_FNV_SEED, h2 = 0x9e3779b97f4a7c15ull;
    const char *parts[] = {"zonewarden/", sid ? sid : "", "/", aid};
    for (size_t k = 0; k < 4; k++) {
        for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++) {
            h1 = zw_hash_add(h1, p, 1);
            h2 = (h2 ^ *p) * 0x100000001b3ull + 0x2545F4914F6CDD1Dull;
        }
    }
    snprintf(out, 37, "%08x-%04x-8%03x-%04x-%012llx", (unsigned)(h1 >> 32),
             (unsigned)(h1 >> 16) & 0xffff, (unsigned)h1 & 0xfff,
             (unsigned)(0x8000 | ((h2 >> 48) & 0x3fff)),
             (unsigned long long)(h2 & 0xffffffffffffull));
}

static void text_field(zw_buf *b, const char *key, const dc_ynode *n)
{
    const char *s = dc_ystr(n);
    if (s) {
        zw_buf_printf(b, "%s: ", key);
        zw_json_str(b, s, strlen(s));
        zw_buf_putc(b, '\n');
    }
}

static void common_head(zw_buf *b, const dc_ynode *an, const char *sid, const char *aid,
                        const dc_ynode *techs)
{
    char uuid[37];
    uuid_for(sid, aid, uuid);
    text_field(b, "title", dc_ymap_get(an, "name"));
    zw_buf_printf(b, "id: %s\nname: ", uuid);
    zw_json_str(b, aid, strlen(aid));
    zw_buf_puts(b, "\nstatus: experimental\n");
    text_field(b, "description", dc_ymap_get(an, "description"));
    zw_buf_printf(b, "author: zonewarden %s\n", sid ? sid : "");
    zw_buf_puts(b, "tags:\n  - attack.reconnaissance\n");
    for (size_t i = 0; techs && techs->kind == DC_Y_SEQ && i < techs->n; i++) {
        const char *t = dc_ystr(techs->items[i]);
        zw_buf_puts(b, "  - attack.");
        for (; t && *t; t++) {
            zw_buf_putc(b, (*t >= 'A' && *t <= 'Z') ? (char)(*t + 32) : *t);
        }
        zw_buf_putc(b, '\n');
    }
}

static void tail(zw_buf *b, const dc_ynode *an)
{
    const char *fp = dc_ystr(dc_ymap_get(an, "false_positives"));
    if (fp) {
        zw_buf_puts(b, "falsepositives:\n  - ");
        zw_json_str(b, fp, strlen(fp));
        zw_buf_putc(b, '\n');
    }
    const char *lvl = dc_ystr(dc_ymap_get(an, "severity"));
    zw_buf_printf(b, "level: %s\n", lvl ? lvl : "medium");
}

static int export_analytic(ex_ctx *x, zw_buf *b, const dc_ynode *an, const char *sid,
                           const dc_ynode *techs)
{
    const char *aid = dc_ystr(dc_ymap_get(an, "id"));
    const dc_ynode *det = dc_ymap_get(an, "detection");
    const dc_ynode *cr = dc_ymap_get(an, "correlation");
    const dc_ynode *ls = dc_ymap_get(an, "log_sources");
    if (!aid || (!det && !cr)) {
        fprintf(stderr, "%s:%d:%d: analytic without id or detection/correlation, skipped\n",
                x->file, an->line, an->col);
        x->errors++;
        return -1;
    }
    zw_buf_puts(b, "---\n");
    common_head(b, an, sid, aid, techs);
    if (det) {
        zw_buf_puts(b, "logsource:\n  product: zonewarden\n");
        if (ls && ls->kind == DC_Y_SEQ && ls->n) {
            zw_buf_puts(b, "  service: ");
            const char *first = dc_ystr(dc_ymap_get(ls->items[0], "name"));
            zw_json_str(b, first ? first : "", first ? strlen(first) : 0);
            zw_buf_putc(b, '\n');
        }
        zw_buf_puts(b, "detection:");
        const char *cond = NULL;
        for (size_t i = 0; i < det->n; i++) {
            const char *k = dc_ystr(det->items[2 * i]);
            if (k && strcmp(k, "condition") == 0) {
                cond = dc_ystr(det->items[2 * i + 1]);
                continue;
            }
            zw_buf_puts(b, "\n  ");
            key(b, det->items[2 * i]);
            zw_buf_puts(b, ":");
            const dc_ynode *v = det->items[2 * i + 1];
            if (v->kind == DC_Y_MAP ||
                (v->kind == DC_Y_SEQ && v->n && v->items[0]->kind != DC_Y_SCALAR)) {
                value(x, b, v, 2);
            } else {
                zw_buf_putc(b, ' ');
                value(x, b, v, 2);
            }
        }
        if (!cond || strstr(cond, "them")) {
            fprintf(stderr, "%s:%d:%d: analytic %s: %s, skipped\n", x->file, det->line, det->col,
                    aid,
                    cond ? "'of them' conditions cannot carry the log-source selection"
                         : "no condition (or a condition list)");
            x->errors++;
            return -1;
        }
        if (ls && ls->kind == DC_Y_SEQ && ls->n) {
            zw_buf_puts(b, "\n  zw_logsource:\n    unmapped.source_format: [");
            for (size_t i = 0; i < ls->n; i++) {
                const char *nm = dc_ystr(dc_ymap_get(ls->items[i], "name"));
                zw_buf_puts(b, i ? ", " : "");
                zw_json_str(b, nm ? nm : "", nm ? strlen(nm) : 0);
            }
            zw_buf_puts(b, "]\n  condition: ");
            zw_buf_printf(b, "\"(%s) and zw_logsource\"\n", cond);
        } else {
            zw_buf_puts(b, "\n  condition: ");
            zw_json_str(b, cond, strlen(cond));
            zw_buf_putc(b, '\n');
        }
    } else {
        zw_buf_puts(b, "correlation:");
        const dc_ynode *cond = dc_ymap_get(cr, "condition");
        const dc_ynode *field = dc_ymap_get(cr, "field");
        for (size_t i = 0; i < cr->n; i++) {
            const char *k = dc_ystr(cr->items[2 * i]);
            if (!k || strcmp(k, "condition") == 0 || strcmp(k, "field") == 0) {
                continue;
            }
            zw_buf_puts(b, "\n  ");
            zw_buf_puts(b, strcmp(k, "group_by") == 0 ? "group-by" : k);
            zw_buf_puts(b, ": ");
            value(x, b, cr->items[2 * i + 1], 2);
        }
        if (cond || field) {
            zw_buf_puts(b, "\n  condition:");
            if (cond) {
                value(x, b, cond, 2);
            }
            if (field && !dc_ymap_get(cond, "field")) {
                zw_buf_puts(b, "\n    field: ");
                value(x, b, field, 2);
            }
        }
        zw_buf_putc(b, '\n');
    }
    tail(b, an);
    return 0;
}

static int export_file(const char *path, const dc_ydoc *tuning, zw_buf *b, int *nrules)
{
    size_t n;
    char *text = slurp(path, &n);
    char err[256];
    int rc = 0;
    if (!text) {
        fprintf(stderr, "zonewarden export: %s: cannot read\n", path);
        return -1;
    }
    dc_ydoc *docs = dc_yaml_load(text, n, err, sizeof err, NULL, NULL);
    if (!docs) {
        fprintf(stderr, "%s:%s\n", path, err);
        free(text);
        return -1;
    }
    for (dc_ydoc *d = docs; d; d = d->next) {
        const dc_ynode *st = dc_ymap_get(d->root, "strategy");
        const dc_ynode *ans = dc_ymap_get(d->root, "analytics");
        if (!st || !ans || ans->kind != DC_Y_SEQ) {
            continue; /* not a DET strategy (a Sigma rule is already Sigma) */
        }
        const char *sid = dc_ystr(dc_ymap_get(st, "id"));
        const dc_ynode *tp = tuning ? dc_ymap_get(tuning->root, "parameters") : NULL;
        ex_ctx x = {dc_ymap_get(d->root, "parameters"), sid ? dc_ymap_get(tp, sid) : NULL, tp, 0,
                    path};
        zw_buf_printf(b, "# exported by zonewarden from %s (%s)\n", path, sid ? sid : "?");
        for (size_t i = 0; i < ans->n; i++) {
            if (export_analytic(&x, b, ans->items[i], sid, dc_ymap_get(st, "techniques")) == 0) {
                (*nrules)++;
            }
        }
        if (x.errors) {
            rc = -1;
        }
    }
    dc_ydoc_free(docs);
    free(text);
    return rc;
}

/* Every YAML file under path (the walker `compile` uses, so both see the same files). */
static int walk(const char *path, const dc_ydoc *tuning, zw_buf *b, int *nrules)
{
    zw_paths v = {0};
    char err[600];
    int rc = 0;
    if (zw_yaml_files(path, &v, err, sizeof err)) {
        fprintf(stderr, "zonewarden export: %s\n", err);
        rc = -1;
    } else if (v.n == 0) {
        fprintf(stderr, "zonewarden export: %s: no rule files (*.yml, *.yaml) there or below\n",
                path);
        rc = -1;
    }
    for (size_t i = 0; i < v.n; i++) {
        rc |= export_file(v.v[i], tuning, b, nrules);
    }
    zw_paths_free(&v);
    return rc;
}

static void export_usage(FILE *f)
{
    fprintf(f, "usage: zonewarden export --sigma [options] DET_PATH...\n"
               "Writes DET analytics as Sigma rules and Sigma correlation rules (one YAML\n"
               "stream), parameters expanded with their defaults or the tuning file.\n"
               "\n"
               "  --sigma                the target format (required; the only one)\n"
               "  -t, --tuning FILE      parameter values (default: the defaults in the\n"
               "                         detections)\n"
               "  -o, --output FILE      write to FILE (default stdout)\n"
               "  -h, --help             this text\n");
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"sigma", no_argument, NULL, 's'},
        {"tuning", required_argument, NULL, 't'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *tuning_path = NULL, *out_path = NULL;
    int sigma = 0, c, status = CLI_OK, nrules = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            sigma = 1;
            break;
        case 't':
            tuning_path = optarg;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'h':
            export_usage(stdout);
            return CLI_OK;
        default:
            export_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!sigma || optind >= argc) {
        export_usage(stderr);
        return CLI_USAGE;
    }
    dc_ydoc *tuning = NULL;
    char *ttext = NULL;
    if (tuning_path) {
        size_t n;
        char err[256];
        ttext = slurp(tuning_path, &n);
        tuning = ttext ? dc_yaml_load(ttext, n, err, sizeof err, NULL, NULL) : NULL;
        if (!tuning) {
            fprintf(stderr, "zonewarden export: %s: %s\n", tuning_path,
                    ttext ? err : "cannot read");
            free(ttext);
            return CLI_USAGE;
        }
    }
    zw_buf b;
    zw_buf_init(&b);
    for (int i = optind; i < argc; i++) {
        if (walk(argv[i], tuning, &b, &nrules)) {
            status = CLI_FAIL;
        }
    }
    FILE *out = cli_out_open("export", out_path);
    int werr = 0;
    errno = 0;
    if (out && fwrite(b.p ? b.p : "", 1, b.len, out) != b.len) {
        werr = errno ? errno : EIO;
    }
    if (!out || cli_out_close("export", out, out_path ? out_path : "stdout", werr)) {
        status = CLI_IO; /* reported with the path and the errno text */
    } else {
        fprintf(stderr, "zonewarden export: %d Sigma rules written%s\n", nrules,
                status == CLI_FAIL ? " (some analytics could not be exported, see above)" : "");
    }
    zw_buf_free(&b);
    dc_ydoc_free(tuning);
    free(ttext);
    return status;
}
