/*
 * cmd_summary.c - `zonewarden summary [FILE...]`: reads alerts (OCSF Detection Finding
 * JSON lines, as written by `run` and `detect`) and prints a table for people: one row
 * per analytic with severity, alert count, first and last seen, and the most frequent
 * subjects.  Not for machines: they read the JSON.
 */
#include "../common/zw_json.h"
#include "cli.h"
#include "cli_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ROWS 256
#define MAX_SUBJ 4

typedef struct {
    char uid[64], title[128];
    int sev;
    long alerts, events;
    int64_t first, last;
    char subj[MAX_SUBJ][96];
    long subj_n[MAX_SUBJ];
} row;

static void fmt_time(int64_t ms, char *out, size_t n)
{
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    if (ms <= 0 || !gmtime_r(&s, &tm)) {
        snprintf(out, n, "-");
        return;
    }
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* The subject of an alert: the correlation key if any, else zone / source address. */
static void subject(fjson_object *a, char *out, size_t n)
{
    const char *keys[] = {"finding_info.related_events_key", "unmapped.group_key",
                          "unmapped.correlation.key", "unmapped.key"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *v = zw_jstr(a, keys[i], NULL);
        if (v && *v) {
            snprintf(out, n, "%s", v);
            return;
        }
    }
    const char *zone = zw_jstr(a, "unmapped.zone", NULL);
    const char *src = zw_jstr(a, "unmapped.src_ip", NULL);
    fjson_object *obs = zw_jget(a, "observables");
    for (int i = 0; obs && i < fjson_object_array_length(obs) && (!zone || !src); i++) {
        fjson_object *o = fjson_object_array_get_idx(obs, i);
        const char *name = zw_jstr(o, "name", NULL), *val = zw_jstr(o, "value", NULL);
        if (!name || !val) {
            continue;
        }
        if (!zone && (strcmp(name, "unmapped.zone") == 0 || strcmp(name, "zone") == 0)) {
            zone = val;
        } else if (!src && strstr(name, "src_endpoint.ip")) {
            src = val;
        } else if (!src && strstr(name, "actor.user")) {
            src = val;
        }
    }
    if (!zone && !src) {
        /* no zone or peer among the matched values (provider and configuration alerts
         * match on the operation): name the provider and the operation instead */
        const char *prov = NULL, *op = NULL;
        for (int i = 0; obs && i < fjson_object_array_length(obs); i++) {
            fjson_object *o = fjson_object_array_get_idx(obs, i);
            const char *name = zw_jstr(o, "name", NULL), *val = zw_jstr(o, "value", NULL);
            if (name && val && strcmp(name, "cloud.provider") == 0) {
                prov = val;
            } else if (name && val && strcmp(name, "api.operation") == 0) {
                op = val;
            }
        }
        zone = prov;
        src = op;
    }
    snprintf(out, n, "%s%s%s", zone ? zone : "", zone && src ? " " : "", src ? src : "");
}

/* Copies title into out, cut at a word boundary with "..." when longer than w columns. */
static void fit_title(const char *title, char *out, size_t w)
{
    size_t n = strlen(title);
    if (n <= w) {
        snprintf(out, w + 1, "%s", title);
        return;
    }
    size_t cut = w - 3;
    while (cut > w / 2 && title[cut] != ' ') {
        cut--;
    }
    if (title[cut] != ' ') {
        cut = w - 3;
    }
    while (cut > 0 && title[cut - 1] == ' ') {
        cut--;
    }
    snprintf(out, w + 1, "%.*s...", (int)cut, title);
}

static int by_severity(const void *x, const void *y)
{
    const row *a = x, *b = y;
    if (a->sev != b->sev) {
        return b->sev - a->sev;
    }
    return a->alerts < b->alerts ? 1 : a->alerts > b->alerts ? -1 : strcmp(a->uid, b->uid);
}

static const char *sev_name(int s)
{
    static const char *n[] = {"unknown", "info", "low", "medium", "high", "critical", "fatal"};
    return s >= 0 && s <= 6 ? n[s] : "other";
}

static int read_alerts(FILE *f, const char *name, row *rows, int *nrows, long *bad)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        fjson_object *a = fjson_tokener_parse(line);
        int64_t cls = 0;
        if (!a || zw_jint(a, "class_uid", &cls) || cls != 2004) {
            if (len > 1) {
                /* the first few by position; then only the count (a whole file of events
                 * must not print a line per event) */
                if (*bad < 5) {
                    fprintf(stderr,
                            "zonewarden summary: %s:%ld: not a Detection Finding, skipped\n",
                            name, lineno);
                }
                (*bad)++;
            }
            fjson_object_put(a);
            continue;
        }
        const char *uid = zw_jstr(a, "finding_info.analytic.uid", NULL);
        const char *title = zw_jstr(a, "finding_info.title", NULL);
        int64_t sev = 0, t = 0, cnt = 1, first = 0, last = 0;
        zw_jint(a, "severity_id", &sev);
        zw_jint(a, "time", &t);
        /* contributing events over all merged firings (the message's "N events"); older
         * alerts without it: the related events, else the merge count */
        if (zw_jint(a, "unmapped.correlation.events_total", &cnt) &&
            zw_jint(a, "finding_info.related_events_count", &cnt)) {
            zw_jint(a, "count", &cnt);
        }
        first = zw_jint(a, "start_time", &first) ? t : first;
        last = zw_jint(a, "end_time", &last) ? t : last;
        uid = uid ? uid : "?";
        int i;
        for (i = 0; i < *nrows && strcmp(rows[i].uid, uid) != 0; i++) {
        }
        if (i == *nrows) {
            if (*nrows == MAX_ROWS) {
                fjson_object_put(a);
                continue;
            }
            memset(&rows[i], 0, sizeof rows[i]);
            snprintf(rows[i].uid, sizeof rows[i].uid, "%s", uid);
            snprintf(rows[i].title, sizeof rows[i].title, "%s", title ? title : "");
            rows[i].first = first;
            rows[i].last = last;
            (*nrows)++;
        }
        row *r = &rows[i];
        r->sev = (int)sev > r->sev ? (int)sev : r->sev;
        r->alerts++;
        r->events += cnt > 0 ? cnt : 1;
        r->first = first < r->first ? first : r->first;
        r->last = last > r->last ? last : r->last;
        char s[96];
        subject(a, s, sizeof s);
        for (int k = 0; *s && k < MAX_SUBJ; k++) {
            if (r->subj_n[k] == 0) {
                snprintf(r->subj[k], sizeof r->subj[k], "%s", s);
                r->subj_n[k] = 1;
                break;
            }
            if (strcmp(r->subj[k], s) == 0) {
                r->subj_n[k]++;
                break;
            }
        }
        fjson_object_put(a);
    }
    free(line);
    return 0;
}

int cmd_summary(int argc, char **argv)
{
    static row rows[MAX_ROWS];
    int nrows = 0;
    long bad = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: zonewarden summary [ALERTS.jsonl...]\n"
                   "Prints a table of alerts per analytic: severity, alerts, events, first and\n"
                   "last seen, top subjects (stdin when no file is given; '-' = stdin).\n"
                   "\n"
                   "  -h, --help             this text\n");
            return CLI_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "zonewarden summary: unrecognized option '%s'\n", argv[i]);
            return CLI_USAGE;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "zonewarden summary: unknown option '%s'\nusage: zonewarden summary "
                            "[ALERTS.jsonl...]\n",
                    argv[i]);
            return CLI_USAGE;
        }
    }
    int use_stdin = argc < 2;
    for (int i = 1; i < argc; i++) {
        use_stdin |= strcmp(argv[i], "-") == 0;
    }
    if (use_stdin && cli_stdin_closed()) {
        fprintf(stderr, "zonewarden summary: cannot read stdin: standard input is closed\n");
        return CLI_IO;
    }
    if (argc < 2) {
        read_alerts(stdin, "-", rows, &nrows, &bad);
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            read_alerts(stdin, "-", rows, &nrows, &bad);
            continue;
        }
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            fprintf(stderr, "zonewarden summary: %s: %s\n", argv[i], strerror(errno));
            return CLI_IO;
        }
        read_alerts(f, argv[i], rows, &nrows, &bad);
        if (f != stdin) {
            fclose(f);
        }
    }
    qsort(rows, (size_t)nrows, sizeof rows[0], by_severity);
    long total = 0;
    int tw = 5; /* title column: the longest title, at most 64 columns */
    for (int i = 0; i < nrows; i++) {
        int l = (int)strlen(rows[i].title);
        tw = l > tw ? l : tw;
    }
    tw = tw > 64 ? 64 : tw;
    printf("%-9s %-11s %-*s %6s %6s  %-19s  %-19s  %s\n", "SEVERITY", "ANALYTIC", tw, "TITLE",
           "ALERTS", "EVENTS", "FIRST SEEN (UTC)", "LAST SEEN (UTC)", "TOP SUBJECTS");
    for (int i = 0; i < nrows; i++) {
        row *r = &rows[i];
        char f1[32], f2[32], subj[256] = "";
        size_t used = 0;
        fmt_time(r->first, f1, sizeof f1);
        fmt_time(r->last, f2, sizeof f2);
        for (int k = 0; k < MAX_SUBJ && r->subj_n[k]; k++) {
            int w = snprintf(subj + used, sizeof subj - used, "%s%s (%ld)", k ? ", " : "",
                             r->subj[k], r->subj_n[k]);
            if (w < 0 || (size_t)w >= sizeof subj - used) {
                break;
            }
            used += (size_t)w;
        }
        char title[72];
        fit_title(r->title, title, (size_t)tw);
        printf("%-9s %-11s %-*s %6ld %6ld  %-19s  %-19s  %s\n", sev_name(r->sev), r->uid, tw,
               title, r->alerts, r->events, f1, f2, subj);
        total += r->alerts;
    }
    printf("%ld alerts from %d analytics\n", total, nrows);
    if (bad) {
        fprintf(stderr, "zonewarden summary: %ld line(s) were not Detection Findings (alerts from "
                        "`zonewarden run` or `detect`), skipped\n", bad);
    }
    if (cli_out_close("summary", stdout, "stdout", 0)) {
        return CLI_IO;
    }
    return bad ? CLI_FAIL : CLI_OK;
}
