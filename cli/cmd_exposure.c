/*
 * cmd_exposure.c - `zonewarden exposure`: read a zone (zone file, live AXFR, provider
 * listing), find what it discloses, classify against the approved inventory, and write
 * OCSF Compliance Findings as JSON lines, a terminal table and/or an HTML report.
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../exposure/ex.h"
#include "cli.h"
#include "cli_out.h"
#include "cli_exposure.h"
#include "cli_kafka_out.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: zonewarden exposure (--zone FILE [--origin ZONE] | --axfr SERVER[:PORT] ZONE\n"
            "                            | --provider-export FILE [--origin ZONE])\n"
            "                           [--inventory approved.yml] [--fingerprints FILE]\n"
            "                           [-o FILE] [--output ocsf|ecs] [--table] [--html FILE]\n"
            "                           [--source-ip IP] [--tsig KEYFILE]\n"
            "                           [--fail-on unapproved|unknown]\n"
            "                           [--brokers HOST:PORT --output-topic T [-X prop=value]...]\n"
            "Findings go to stdout as JSON lines (or to -o FILE); --table prints a table instead\n"
            "of JSON on stdout; --brokers sends them to a Kafka topic (key: zone).\nExit: 0 done, "
            "1 --fail-on matched, 2 usage, 3 input error.\n");
}

int64_t cli_now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

ex_fp *cli_load_fingerprints(const char *path, char *err, size_t errn)
{
    if (path) {
        return ex_fp_load(path, err, errn);
    }
    const char *env = getenv("ZONEWARDEN_FINGERPRINTS");
    if (env && *env) {
        return ex_fp_load(env, err, errn);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char cand[3][PATH_MAX + 64];
    int nc = 0;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
        }
        snprintf(cand[nc++], sizeof cand[0], "%s/../share/zonewarden/schemas/fingerprints.json",
                 exe);
        snprintf(cand[nc++], sizeof cand[0], "%s/../../schemas/fingerprints.json", exe);
    }
    snprintf(cand[nc++], sizeof cand[0], "schemas/fingerprints.json");
    for (int i = 0; i < nc; i++) {
        if (access(cand[i], R_OK) == 0) {
            return ex_fp_load(cand[i], err, errn);
        }
    }
    snprintf(
        err, errn,
        "fingerprints.json not found (give --fingerprints FILE or set ZONEWARDEN_FINGERPRINTS)");
    return NULL;
}

int cli_out_kind_opt(const char *arg, const char *cmd, zw_out_kind *kind)
{
    int k = zw_out_kind_parse(arg);
    if (k < 0) {
        fprintf(stderr, "zonewarden %s: --output must be ocsf or ecs\n", cmd);
        return -1;
    }
    *kind = (zw_out_kind)k;
    return 0;
}

/* A port: 1..65535, decimal digits only ("53abc", "" and "-1" are refused). */
static int port_strict(const char *s, int *port)
{
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 5 || s[n]) {
        return -1;
    }
    *port = atoi(s);
    return 0;
}

/* "HOST", "HOST:PORT", "[V6]:PORT", "V6" -> host copy and port; -1 on a bad port. */
int cli_split_server(const char *s, char *host, size_t hn, int *port)
{
    *port = 53;
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || (size_t)(e - s - 1) >= hn) {
            return -1;
        }
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = '\0';
        if (e[1] == ':' && port_strict(e + 2, port)) {
            return -1;
        }
        if (e[1] && e[1] != ':') {
            return -1;
        }
    } else {
        const char *c = strchr(s, ':');
        if (c && !strchr(c + 1, ':')) {
            if ((size_t)(c - s) >= hn) {
                return -1;
            }
            memcpy(host, s, (size_t)(c - s));
            host[c - s] = '\0';
            if (port_strict(c + 1, port)) {
                return -1;
            }
        } else {
            snprintf(host, hn, "%s", s);
        }
    }
    return *port > 0 && *port < 65536 && host[0] ? 0 : -1;
}

int cmd_exposure(int argc, char **argv)
{
    static const struct option opts[] = {
        {"zone", required_argument, NULL, 'z'},
        {"axfr", required_argument, NULL, 'a'},
        {"provider-export", required_argument, NULL, 'p'},
        {"origin", required_argument, NULL, 'O'},
        {"inventory", required_argument, NULL, 'i'},
        {"fingerprints", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'k'},
        {"table", no_argument, NULL, 't'},
        {"html", required_argument, NULL, 'H'},
        {"source-ip", required_argument, NULL, 's'},
        {"tsig", required_argument, NULL, 'T'},
        {"fail-on", required_argument, NULL, 'f'},
        {"brokers", required_argument, NULL, 'B'},
        {"output-topic", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_kout_opts kopt;
    memset(&kopt, 0, sizeof kopt);
    cli_kout ko;
    memset(&ko, 0, sizeof ko);
    const char *zonefile = NULL, *axfr = NULL, *export = NULL, *origin = NULL, *invpath = NULL;
    const char *fppath = NULL, *outpath = NULL, *htmlpath = NULL, *srcip = NULL, *tsigpath = NULL;
    int table = 0, fail_on = -1, c, status = CLI_OK;
    zw_out_kind kind = ZW_OUT_OCSF;
    char err[512];
    ex_fp *fp = NULL;
    ex_inv *inv = NULL;
    ex_zone *z = NULL;
    ex_report *r = NULL;
    FILE *out = NULL;
    zw_arena *ea = NULL;
    zw_buf b;
    zw_buf_init(&b);

#ifdef __GLIBC__
    /* ldns allocates and frees 64 KiB rdata buffers for every record it parses; with the
     * default trim threshold glibc gives the heap top back to the kernel each time (brk
     * churn was 85% of the run time on a 200,000-record zone: 11.4 s -> 1.7 s). */
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:hX:", opts, NULL)) != -1) {
        int kc = cli_kout_opt(&kopt, c, optarg, "exposure");
        if (kc < 0) {
            return CLI_USAGE;
        }
        if (kc) {
            continue;
        }
        switch (c) {
        case 'z':
            zonefile = optarg;
            break;
        case 'a':
            axfr = optarg;
            break;
        case 'p':
            export = optarg;
            break;
        case 'O':
            origin = optarg;
            break;
        case 'i':
            invpath = optarg;
            break;
        case 'F':
            fppath = optarg;
            break;
        case 'k':
            if (cli_out_kind_opt(optarg, "exposure", &kind)) {
                return CLI_USAGE;
            }
            break;
        case 'o':
            outpath = optarg;
            break;
        case 't':
            table = 1;
            break;
        case 'H':
            htmlpath = optarg;
            break;
        case 's':
            srcip = optarg;
            break;
        case 'T':
            tsigpath = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "unapproved") == 0) {
                fail_on = EX_C_UNAPPROVED;
            } else if (strcmp(optarg, "unknown") == 0) {
                fail_on = EX_C_UNKNOWN;
            } else {
                fprintf(stderr, "zonewarden exposure: --fail-on must be unapproved or unknown\n");
                return CLI_USAGE;
            }
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
    int nsrc = (zonefile != NULL) + (axfr != NULL) + (export != NULL);
    if (nsrc != 1 || (axfr && optind >= argc) || (!axfr && optind < argc)) {
        fprintf(stderr, "zonewarden exposure: give exactly one of --zone FILE, --axfr SERVER ZONE, "
                        "--provider-export FILE\n");
        usage(stderr);
        return CLI_USAGE;
    }

    if (!kopt.brokers != !kopt.topic) {
        fprintf(stderr, "zonewarden exposure: --brokers and --output-topic go together\n");
        return CLI_USAGE;
    }
    if (!(fp = cli_load_fingerprints(fppath, err, sizeof err))) {
        fprintf(stderr, "zonewarden exposure: %s\n", err);
        status = CLI_IO;
        goto out;
    }
    if (invpath && !(inv = ex_inv_load(invpath, err, sizeof err))) {
        fprintf(stderr, "zonewarden exposure: %s\n", err);
        status = CLI_IO;
        goto out;
    }
    int rc;
    if (zonefile) {
        rc = ex_zone_read_file(zonefile, origin, &z, err, sizeof err);
    } else if (export) {
        rc = ex_zone_read_export(export, origin, &z, err, sizeof err);
    } else {
        char host[256];
        ex_xfer_req req = {0};
        ex_tsig key;
        ea = zw_arena_new(0);
        if (cli_split_server(axfr, host, sizeof host, &req.port)) {
            fprintf(stderr, "zonewarden exposure: bad server '%s'\n", axfr);
            status = CLI_USAGE;
            goto out;
        }
        if (tsigpath) {
            if (!ea || ex_tsig_load(tsigpath, ea, &key, err, sizeof err)) {
                fprintf(stderr, "zonewarden exposure: %s\n", err);
                status = CLI_IO;
                goto out;
            }
            req.tsig = &key;
        }
        req.server = host;
        req.source_ip = srcip;
        req.zone = argv[optind];
        rc = ex_zone_read_axfr(&req, &z, err, sizeof err);
    }
    if (!z) {
        fprintf(stderr, "zonewarden exposure: %s\n", err);
        status = CLI_IO;
        goto out;
    }
    for (size_t i = 0; i < z->ndiag; i++) {
        fprintf(stderr, "%s:%lld: %s\n", z->source, (long long)z->diag[i].line, z->diag[i].msg);
    }
    if (rc) {
        fprintf(stderr, "zonewarden exposure: %s\n", err);
        status = CLI_IO; /* findings for the readable records are still written */
    }
    if (!(r = ex_analyze(z, fp, inv))) {
        fprintf(stderr, "zonewarden exposure: out of memory\n");
        status = CLI_IO;
        goto out;
    }
    int64_t now = cli_now_ms();
    int json_to_stdout = !outpath && !table && !kopt.brokers;
    if (kopt.brokers &&
        cli_kout_open(&ko, kopt.brokers, kopt.topic, kopt.props, kopt.nprops, err, sizeof err)) {
        fprintf(stderr, "zonewarden exposure: %s\n", err);
        status = CLI_USAGE;
        goto out;
    }
    if (outpath && !(out = cli_out_open("exposure", outpath))) {
        status = CLI_IO;
        goto out;
    }
    if (!outpath && (json_to_stdout || table) && cli_stdout_closed()) {
        status = cli_write_error("exposure", "stdout", EBADF);
        goto out;
    }
    int werr = 0;
    FILE *jf = outpath ? out : json_to_stdout ? stdout : NULL;
    if (jf || kopt.brokers) {
        zw_arena *a = zw_arena_new(0);
        zw_event ev;
        for (size_t i = 0; a && i < r->n; i++) {
            zw_arena_reset(a);
            zw_event_init(&ev, a);
            zw_buf_clear(&b);
            if (ex_finding_event(r, i, now, &ev) || zw_event_finalize(&ev) ||
                zw_write_event(&b, &ev, kind)) {
                fprintf(stderr, "zonewarden exposure: out of memory\n");
                status = CLI_IO;
                break;
            }
            /* key = zone, as the pipeline stage keys its output */
            if (kopt.brokers && cli_kout_send(&ko, z->origin, strlen(z->origin), b.p, b.len)) {
                fprintf(stderr, "zonewarden exposure: kafka: %s\n", ko.err);
                status = CLI_IO;
                break;
            }
            errno = 0;
            if (jf && (zw_buf_putc(&b, '\n') || fwrite(b.p, 1, b.len, jf) != b.len)) {
                werr = errno ? errno : EIO; /* reported once, with the path, below */
                break;
            }
        }
        zw_arena_destroy(a);
    }
    if (table) {
        zw_buf_clear(&b);
        errno = 0;
        if (ex_report_table(r, &b) == 0 && fwrite(b.p, 1, b.len, stdout) != b.len) {
            werr = werr ? werr : errno ? errno : EIO;
        }
    }
    if ((jf || table) && cli_out_close("exposure", out ? out : stdout, outpath ? outpath : "stdout",
                                       werr)) {
        status = CLI_IO;
    }
    out = NULL;
    if (htmlpath) {
        zw_buf_clear(&b);
        FILE *h = cli_out_open("exposure", htmlpath);
        int herr = 0;
        errno = 0;
        if (h && (ex_report_html(r, now, &b) || fwrite(b.p, 1, b.len, h) != b.len)) {
            herr = errno ? errno : EIO;
        }
        if (!h || cli_out_close("exposure", h, htmlpath, herr)) {
            status = CLI_IO;
        }
    }
    fprintf(stderr,
            "exposure: %s (%s, %zu records): %zu findings: %zu approved, %zu unknown, %zu "
            "unapproved\n",
            z->origin, z->kind, z->n, r->n, r->by_class[EX_C_APPROVED], r->by_class[EX_C_UNKNOWN],
            r->by_class[EX_C_UNAPPROVED]);
    if (status == CLI_OK && fail_on >= 0) {
        size_t hits = r->by_class[EX_C_UNAPPROVED] +
                      (fail_on == EX_C_UNKNOWN ? r->by_class[EX_C_UNKNOWN] : 0);
        if (hits) {
            status = CLI_FAIL;
        }
    }
out:
    if (ko.rk) {
        size_t produced = ko.produced;
        if (cli_kout_close(&ko, 30000, err, sizeof err)) {
            fprintf(stderr, "zonewarden exposure: %s\n", err);
            status = CLI_IO;
        } else {
            fprintf(stderr, "exposure: %zu findings delivered to %s\n", produced, kopt.topic);
        }
    }
    if (out && fclose(out)) {
        status = CLI_IO;
    }
    zw_buf_free(&b);
    ex_report_destroy(r);
    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
    zw_arena_destroy(ea);
    return status;
}
