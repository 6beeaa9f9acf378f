/*
 * cmd_axfr_check.c - `zonewarden axfr-check`: attempts AXFR and IXFR of a zone without
 * credentials (and, with --tsig, AXFR with the key), writes one OCSF Compliance Finding
 * per attempt as JSON lines, prints a one-line verdict, and exits 0 pass, 1 fail,
 * 3 error (no verdict possible).
 */
#include "../common/zw_buf.h"
#include "../common/zw_writer.h"
#include "../exposure/ex.h"
#include "cli.h"
#include "cli_num.h"
#include "cli_exposure.h"
#include "cli_kafka_out.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: zonewarden axfr-check --server HOST[:PORT] --zone ZONE [options]\n"
               "Attempts AXFR and IXFR (serial one below the current SOA) without credentials\n"
               "and, with --tsig, AXFR with the key.  One Compliance Finding per attempt on\n"
               "stdout (or -o FILE); a one-line verdict on stderr.  Exit: 0 pass (refused),\n"
               "1 fail (zone data returned), 2 usage, 3 error (no verdict: network failure, key\n"
               "rejected).\n"
               "\n"
               "  --server HOST[:PORT]   the server to test (default port 53; an address is\n"
               "                         best)\n"
               "  --zone ZONE            the zone to ask for\n"
               "  --source-ip IP         bind the client socket to IP (test from a secondary's\n"
               "                         address)\n"
               "  --tsig KEYFILE         also try AXFR signed with this key (BIND key file, or\n"
               "                         algorithm:name:secret)\n"
               "  --timeout MS           deadline for the whole check, connect and every read\n"
               "                         included (1..600000, default 5000)\n"
               "  --max-records N        stop a transfer after N records (default 1000000)\n"
               "  --max-bytes N          stop a transfer after N bytes (default 268435456)\n"
               "  --no-ixfr              skip the IXFR attempt\n"
               "  -o FILE                write the findings to FILE (default stdout)\n"
               "  --output ocsf|ecs      finding schema (default ocsf)\n"
               "  --brokers HOST:PORT    send the findings to Kafka instead; needs\n"
               "                         --output-topic\n"
               "  --output-topic T       the Kafka topic for the findings\n"
               "  -X NAME=VALUE          a librdkafka producer property (repeatable)\n"
               "  -h, --help             this text\n");
}

/* Sets req's timeout to what is left before deadline; 0 when nothing is left. */
static int remaining(ex_xfer_req *req, int64_t deadline)
{
    int64_t left = deadline - cli_now_ms();
    req->timeout_ms = left > 0 ? (int)left : 0;
    return left > 0;
}

int cmd_axfr_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"server", required_argument, NULL, 's'},
        {"zone", required_argument, NULL, 'z'},
        {"source-ip", required_argument, NULL, 'b'},
        {"tsig", required_argument, NULL, 'k'},
        {"timeout", required_argument, NULL, 't'},
        {"max-records", required_argument, NULL, 'R'},
        {"max-bytes", required_argument, NULL, 'Y'},
        {"output", required_argument, NULL, 'O'},
        {"no-ixfr", no_argument, NULL, 'n'},
        {"brokers", required_argument, NULL, 'B'},
        {"output-topic", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *server = NULL, *zone = NULL, *srcip = NULL, *tsigpath = NULL, *outpath = NULL;
    int no_ixfr = 0, c, status;
    cli_xfer_limits lim;
    cli_xfer_limits_init(&lim, 5000);
    zw_out_kind kind = ZW_OUT_OCSF;
    char err[512], host[256], server_text[300];
    ex_tsig key;
    ex_attempt at[3];
    int nat = 0;
    zw_arena *a = NULL, *keys = NULL;
    FILE *out = stdout;
    zw_buf b;

    optind = 1;
    cli_kout_opts kopt;
    memset(&kopt, 0, sizeof kopt);
    cli_kout ko;
    memset(&ko, 0, sizeof ko);
    while ((c = getopt_long(argc, argv, "o:hX:", opts, NULL)) != -1) {
        int kc = cli_kout_opt(&kopt, c, optarg, "axfr-check");
        if (kc < 0) {
            return CLI_USAGE;
        }
        if (kc) {
            continue;
        }
        switch (c) {
        case 's':
            server = optarg;
            break;
        case 'z':
            zone = optarg;
            break;
        case 'b':
            srcip = optarg;
            break;
        case 'k':
            tsigpath = optarg;
            break;
        case 't':
        case 'R':
        case 'Y':
            if (cli_xfer_limit_opt(&lim, c, optarg, "axfr-check")) {
                return CLI_USAGE;
            }
            break;
        case 'O':
            if (cli_out_kind_opt(optarg, "axfr-check", &kind)) {
                return CLI_USAGE;
            }
            break;
        case 'o':
            outpath = optarg;
            break;
        case 'n':
            no_ixfr = 1;
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!server || !zone || optind < argc || !kopt.brokers != !kopt.topic) {
        usage(stderr);
        return CLI_USAGE;
    }
    ex_xfer_req base;
    memset(&base, 0, sizeof base);
    if (cli_split_server(server, host, sizeof host, &base.port)) {
        fprintf(stderr, "zonewarden axfr-check: bad --server '%s'\n", server);
        return CLI_USAGE;
    }
    base.server = host;
    base.zone = zone;
    base.source_ip = srcip;
    base.timeout_ms = lim.timeout_ms;
    base.max_records = lim.max_records;
    base.max_bytes = lim.max_bytes;
    /* --timeout bounds the whole check: each exchange gets what is left of it */
    int64_t deadline = cli_now_ms() + lim.timeout_ms;
    snprintf(server_text, sizeof server_text, "%s%s%s:%d", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", base.port);
    zw_buf_init(&b);
    a = zw_arena_new(0);
    keys = zw_arena_new(0);
    if (!a || !keys) {
        zw_arena_destroy(a);
        zw_arena_destroy(keys);
        fprintf(stderr, "zonewarden axfr-check: out of memory\n");
        return CLI_IO;
    }
    if (tsigpath && ex_tsig_load(tsigpath, keys, &key, err, sizeof err)) {
        fprintf(stderr, "zonewarden axfr-check: %s\n", err);
        status = CLI_USAGE;
        goto out;
    }

    /* the IXFR claims a serial one below the current one, so a server with a journal
     * (or an AXFR-style fallback) has something to send */
    uint32_t serial = 0;
    int soa_rcode = -1;
    if (!no_ixfr && remaining(&base, deadline) &&
        ex_soa_serial(&base, &serial, &soa_rcode, err, sizeof err) == ZW_OK) {
        serial = serial - 1;
    } else {
        serial = 0;
    }

    memset(at, 0, sizeof at);
    at[nat].label = "AXFR";
    at[nat].req = base;
    nat++;
    if (!no_ixfr) {
        at[nat].label = "IXFR";
        at[nat].req = base;
        at[nat].req.ixfr = 1;
        at[nat].req.ixfr_serial = serial;
        nat++;
    }
    if (tsigpath) {
        at[nat].label = "AXFR+TSIG";
        at[nat].req = base;
        at[nat].req.tsig = &key;
        at[nat].authorized = 1;
        nat++;
    }
    int any_fail = 0, any_error = 0;
    for (int i = 0; i < nat; i++) {
        if (!remaining(&at[i].req, deadline)) {
            /* no time left: an error verdict that says so, never a pass */
            memset(&at[i].res, 0, sizeof at[i].res);
            at[i].res.rcode = -1;
            snprintf(at[i].res.error, sizeof at[i].res.error,
                     "not attempted: --timeout %d ms used up", lim.timeout_ms);
            at[i].status = ZW_EIO;
        } else {
            at[i].status = ex_xfer(&at[i].req, &at[i].res, NULL, NULL);
        }
        ex_attempt_judge(&at[i]);
        any_fail |= at[i].verdict == EX_V_FAIL;
        any_error |= at[i].verdict == EX_V_ERROR;
    }
    status = any_fail ? CLI_FAIL : any_error ? 3 : CLI_OK;

    if (kopt.brokers &&
        cli_kout_open(&ko, kopt.brokers, kopt.topic, kopt.props, kopt.nprops, err, sizeof err)) {
        fprintf(stderr, "zonewarden axfr-check: %s\n", err);
        status = 3;
        goto out;
    }
    if (outpath && !(out = fopen(outpath, "w"))) {
        perror(outpath);
        status = 3;
        goto out;
    }
    if (kopt.brokers && !outpath) {
        out = NULL; /* the topic replaces stdout */
    }
    int64_t now = cli_now_ms();
    for (int i = 0; i < nat; i++) {
        zw_event ev;
        zw_arena_reset(a);
        zw_event_init(&ev, a);
        zw_buf_clear(&b);
        if (ex_attempt_event(&at[i], server_text, now, &ev) || zw_event_finalize(&ev) ||
            zw_write_event(&b, &ev, kind)) {
            fprintf(stderr, "zonewarden axfr-check: out of memory\n");
            status = 3;
            break;
        }
        zw_str zk = zw_ev_str(&ev, ZW_F_U_ZONE); /* key = zone, as the stage keys output */
        if (kopt.brokers && cli_kout_send(&ko, zk.p, zk.n, b.p, b.len)) {
            fprintf(stderr, "zonewarden axfr-check: kafka: %s\n", ko.err);
            status = 3;
            break;
        }
        if (out && (zw_buf_putc(&b, '\n') || fwrite(b.p, 1, b.len, out) != b.len)) {
            fprintf(stderr, "zonewarden axfr-check: write failed\n");
            status = 3;
            break;
        }
    }
    fprintf(stderr, "%s axfr-check %s @%s:",
            status == CLI_OK     ? "PASS"
            : status == CLI_FAIL ? "FAIL"
                                 : "ERROR",
            zone, server_text);
    for (int i = 0; i < nat; i++) {
        fprintf(stderr, "%s %s", i ? ";" : "", at[i].detail);
    }
    fputc('\n', stderr);
out:
    if (ko.rk && cli_kout_close(&ko, 30000, err, sizeof err)) {
        fprintf(stderr, "zonewarden axfr-check: %s\n", err);
        status = 3; /* the evidence did not reach the topic: no verdict recorded */
    }
    if (out && out != stdout && fclose(out)) {
        status = 3;
    }
    fflush(stdout);
    zw_buf_free(&b);
    zw_arena_destroy(a);
    zw_arena_destroy(keys);
    return status;
}
