/*
 * cli_input.c - one input at a time through the normalizer for `normalize` and `run`:
 * per-input counters (the difference of the context's counters around the read), a
 * message naming an input that could not be read or was cut short, the human summary
 * lines and the --stats-json file.  Not for parsing (normalizer/) nor output (the
 * commands' sinks).
 */
#include "cli_input.h"

#include "../common/zw_json.h"
#include "cli.h"
#include "cli_out.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

void cli_inputs_init(cli_inputs *in)
{
    zw_buf_init(&in->human);
    zw_buf_init(&in->json);
    in->n = 0;
}

void cli_inputs_free(cli_inputs *in)
{
    zw_buf_free(&in->human);
    zw_buf_free(&in->json);
}

static void account_line(zw_buf *b, const char *label, const nz_stats *s)
{
    zw_buf_printf(b,
                  "  %s: records %llu = with events %llu + noise %llu + dead-lettered %llu "
                  "(cut %llu, partial %llu); events %llu; dead-letter rate %.2f%%\n",
                  label, (unsigned long long)s->records, (unsigned long long)s->with_events,
                  (unsigned long long)s->noise, (unsigned long long)s->dead,
                  (unsigned long long)s->truncated, (unsigned long long)s->partial,
                  (unsigned long long)s->events,
                  s->records ? 100.0 * (double)s->dead / (double)s->records : 0.0);
}

int cli_read_input(nz_ctx *ctx, const char *cmd, const char *path, cli_inputs *in)
{
    nz_stats before = *nz_ctx_stats(ctx), d;
    char err[600], label[600];
    int status = 0;
    if (nz_read_file(ctx, path, err, sizeof err)) {
        fprintf(stderr, "zonewarden %s: %s\n", cmd, err);
        status = CLI_IO;
    }
    nz_stats_diff(&d, nz_ctx_stats(ctx), &before);
    if (d.inputs_cut) {
        fprintf(stderr,
                "zonewarden %s: %s: input cut short (truncated or corrupt gzip stream; see the "
                "dead letter); the records before the cut were processed\n",
                cmd, path);
        status = CLI_IO;
    }
    snprintf(label, sizeof label, "input %s", path);
    account_line(&in->human, label, &d);
    if (in->n++) {
        zw_buf_putc(&in->json, ',');
    }
    nz_stats_json(&in->json, &d, path);
    return status;
}

void cli_inputs_print(const cli_inputs *in, const nz_ctx *ctx, FILE *f)
{
    zw_buf b;
    zw_buf_init(&b);
    account_line(&b, "total", nz_ctx_stats(ctx));
    if (in->human.len) { /* no file read (live input only): no per-input lines */
        fwrite(in->human.p, 1, in->human.len, f);
    }
    if (b.len) {
        fwrite(b.p, 1, b.len, f);
    }
    zw_buf_free(&b);
}

int cli_write_stats_json(const char *path, const nz_ctx *ctx, const cli_inputs *in, const char *cmd)
{
    zw_buf b;
    int rc;
    zw_buf_init(&b);
    rc = zw_buf_printf(&b, "{\"command\":\"%s\",\"inputs\":[", cmd);
    rc = rc ? rc : zw_buf_append(&b, in->json.p, in->json.len);
    rc = rc ? rc : zw_buf_puts(&b, "],\"total\":");
    rc = rc ? rc : nz_stats_json(&b, nz_ctx_stats(ctx), NULL);
    rc = rc ? rc : zw_buf_puts(&b, "}\n");
    FILE *f = rc ? NULL : fopen(path, "w");
    int ok = f && fwrite(b.p, 1, b.len, f) == b.len;
    if (f && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        fprintf(stderr, "zonewarden %s: --stats-json %s: %s\n", cmd, path,
                rc ? "out of memory" : strerror(errno));
    }
    zw_buf_free(&b);
    return ok ? 0 : CLI_IO;
}

int cli_listen_dnstap(nz_ctx *ctx, const char *spec, char *err, size_t errsz)
{
    if (cli_stop_signal) {
        return 0; /* stopped while reading the files: no live phase */
    }
    cli_stop_install();
    signal(SIGPIPE, SIG_IGN); /* a writer that goes away must not kill the reader */
    int rc = nz_dnstap_listen(ctx, spec, &cli_stop_signal, err, errsz);
    /* SIGINT / SIGTERM is how live input ends: the run is complete, not interrupted */
    cli_stop_signal = 0;
    return rc;
}
