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
#include "cli_num.h"

#include <ctype.h>
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
    fprintf(f, "usage: zonewarden exposure (--zone FILE | --axfr SERVER[:PORT] ZONE\n"
               "                            | --provider-export FILE) [options]\n"
               "Reviews what a zone discloses (providers, remote-access and admin names,\n"
               "wildcards, private addresses, takeover-prone CNAMEs), each finding approved /\n"
               "unknown / unapproved against the inventory; OCSF Compliance Findings as JSON\n"
               "lines on stdout.  Exit: 0 done, 1 --fail-on matched, 2 usage, 3 input error.\n"
               "\n"
               "One source:\n"
               "  --zone FILE              an RFC 1035 zone file\n"
               "  --axfr SERVER[:PORT] ZONE  transfer the zone from SERVER (port 53) and\n"
               "                           review it\n"
               "  --provider-export FILE   a managed-DNS listing (Route 53, Azure, GCP,\n"
               "                           Cloudflare; the format is detected)\n"
               "Options:\n"
               "  --origin ZONE            zone name (default: from the file name)\n"
               "  --inventory FILE         approved inventory (default none: every finding is\n"
               "                           unknown)\n"
               "  --fingerprints FILE      fingerprint table (default: schemas/fingerprints.json\n"
               "                           of the installation or source tree, or\n"
               "                           $ZONEWARDEN_FINGERPRINTS)\n"
               "  -o FILE                  write the JSON lines to FILE (default stdout)\n"
               "  --output ocsf|ecs        finding schema (default ocsf)\n"
               "  --table                  a terminal table on stdout instead of JSON (JSON then\n"
               "                           only with -o)\n"
               "  --html FILE              a self-contained HTML report\n"
               "  --source-ip IP           --axfr: bind the client socket to IP\n"
               "  --tsig KEYFILE           --axfr: sign the transfer with this TSIG key\n"
               "  --timeout MS             --axfr: deadline for the whole transfer, connect\n"
               "                           included (default 120000)\n"
               "  --max-records N          --axfr: stop after N records (default 1000000)\n"
               "  --max-bytes N            --axfr: stop after N bytes (default 268435456)\n"
               "  --baseline FILE          compare with a previous run's findings (JSON lines):\n"
               "                           each finding is marked unmapped.exposure.change\n"
               "                           added / unchanged; findings the zone no longer has\n"
               "                           come back as removed\n"
               "  --pdns FILE              passive DNS (Common Output Format JSON lines, .gz\n"
               "                           too): names the zone no longer has (kind stale) and\n"
               "                           what passive DNS still discloses\n"
               "  --resolve SERVER[:PORT]  ask this resolver whether each takeover-prone CNAME\n"
               "                           target still exists; NXDOMAIN raises the severity\n"
               "  --fail-on unapproved|unknown|added  exit 1 when such findings exist, or\n"
               "                           anything is new since --baseline (default: never)\n"
               "  --brokers HOST:PORT      send the findings to Kafka (key: zone) instead of\n"
               "                           stdout; needs --output-topic\n"
               "  --output-topic T         the Kafka topic for the findings\n"
               "  -X NAME=VALUE            a librdkafka producer property (repeatable)\n"
               "  -h, --help               this text\n");
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
    char found[PATH_MAX];
    if (cli_data_path("schemas/fingerprints.json", found, sizeof found) == 0) {
        return ex_fp_load(found, err, errn);
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

void cli_xfer_limits_init(cli_xfer_limits *l, int timeout_ms)
{
    l->timeout_ms = timeout_ms;
    l->max_records = EX_XFER_MAX_RECORDS;
    l->max_bytes = EX_XFER_MAX_BYTES;
}

/* --timeout, --max-records, --max-bytes, parsed strictly by cli_num (reported there). */
int cli_xfer_limit_opt(cli_xfer_limits *l, int c, const char *arg, const char *cmd)
{
    uint64_t x;
    if (c == 't') {
        /* axfr-check's whole check: at most 10 minutes; an exposure transfer: an hour */
        uint64_t tmax = strcmp(cmd, "axfr-check") == 0 ? 600000 : 3600000;
        if (cli_num_u64(cmd, "timeout", arg, 1, tmax, &x)) {
            return -1;
        }
        l->timeout_ms = (int)x;
    } else if (c == 'R') {
        if (cli_num_u64(cmd, "max-records", arg, 1, 1000000000ULL, &x)) {
            return -1;
        }
        l->max_records = (size_t)x;
    } else {
        if (cli_num_u64(cmd, "max-bytes", arg, 1024, (uint64_t)1 << 40, &x)) {
            return -1;
        }
        l->max_bytes = (size_t)x;
    }
    return 0;
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
        {"baseline", required_argument, NULL, 'b'},
        {"pdns", required_argument, NULL, 'D'},
        {"resolve", required_argument, NULL, 'V'},
        {"timeout", required_argument, NULL, 'x'},
        {"max-records", required_argument, NULL, 'R'},
        {"max-bytes", required_argument, NULL, 'Y'},
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
    const char *blpath = NULL, *pdnspath = NULL, *resolver = NULL;
    int table = 0, fail_on = -1, fail_added = 0, c, status = CLI_OK;
    ex_baseline *bl = NULL;
    ex_zone *pz = NULL;
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
    cli_xfer_limits lim;
    cli_xfer_limits_init(&lim, EX_AXFR_TIMEOUT_MS);

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
            } else if (strcmp(optarg, "added") == 0) {
                fail_added = 1;
            } else {
                fprintf(stderr,
                        "zonewarden exposure: --fail-on must be unapproved, unknown or added\n");
                return CLI_USAGE;
            }
            break;
        case 'b':
            blpath = optarg;
            break;
        case 'D':
            pdnspath = optarg;
            break;
        case 'V':
            resolver = optarg;
            break;
        case 'x':
        case 'R':
        case 'Y':
            if (cli_xfer_limit_opt(&lim, c == 'x' ? 't' : c, optarg, "exposure")) {
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

    if (fail_added && !blpath) {
        fprintf(stderr, "zonewarden exposure: --fail-on added needs --baseline FILE\n");
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
        req.timeout_ms = lim.timeout_ms;
        req.max_records = lim.max_records;
        req.max_bytes = lim.max_bytes;
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
    if (pdnspath) {
        rc = ex_pdns_read(pdnspath, z, &pz, err, sizeof err);
        for (size_t i = 0; pz && i < pz->ndiag; i++) {
            fprintf(stderr, "%s:%lld: %s\n", pz->source, (long long)pz->diag[i].line,
                    pz->diag[i].msg);
        }
        if (!pz || rc) {
            fprintf(stderr, "zonewarden exposure: %s\n", err);
            status = CLI_IO; /* the readable lines are still reviewed */
        }
        if (pz && ex_analyze_pdns(r, pz, fp, inv)) {
            fprintf(stderr, "zonewarden exposure: out of memory\n");
            status = CLI_IO;
            goto out;
        }
    }
    if (resolver) {
        char rhost[256];
        int rport;
        err[0] = '\0';
        if (cli_split_server(resolver, rhost, sizeof rhost, &rport) ||
            ex_resolve_targets(r, rhost, rport, 2000, err, sizeof err)) {
            fprintf(stderr, "zonewarden exposure: --resolve %s: %s\n", resolver,
                    err[0] ? err : "bad server");
            status = CLI_USAGE;
            goto out;
        }
    }
    if (blpath) {
        if (!(bl = ex_baseline_load(blpath, z->origin, err, sizeof err))) {
            fprintf(stderr, "zonewarden exposure: %s\n", err);
            status = CLI_IO;
            goto out;
        }
        if (ex_baseline_apply(bl, r)) {
            fprintf(stderr, "zonewarden exposure: out of memory\n");
            status = CLI_IO;
            goto out;
        }
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
            z->origin, z->kind, z->n, r->n - r->by_change[EX_CH_REMOVED], r->by_class[EX_C_APPROVED],
            r->by_class[EX_C_UNKNOWN], r->by_class[EX_C_UNAPPROVED]);
    if (pz) {
        fprintf(stderr, "exposure: %s: %zu passive DNS records the zone does not have\n",
                pz->source, pz->n);
    }
    if (bl) {
        fprintf(stderr, "exposure: since %s: %zu added, %zu removed, %zu unchanged\n", blpath,
                r->by_change[EX_CH_ADDED], r->by_change[EX_CH_REMOVED],
                r->by_change[EX_CH_UNCHANGED]);
    }
    if (status == CLI_OK && fail_added && r->by_change[EX_CH_ADDED]) {
        status = CLI_FAIL;
    }
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
    ex_baseline_destroy(bl);
    ex_zone_destroy(pz);
    ex_zone_destroy(z);
    ex_inv_destroy(inv);
    ex_fp_destroy(fp);
    zw_arena_destroy(ea);
    return status;
}
