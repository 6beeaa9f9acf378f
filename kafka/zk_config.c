/*
 * zk_config.c - the Kafka stage's options: one setter shared by command-line flags and
 * the config file, so both can say the same things.  Not for running anything.
 *
 * Secrets (sasl.password, ssl.key.password, any *password* / *secret* property and every
 * sasl.* property) can come from a file ("-X sasl.password=@/run/secrets/kafka",
 * "-X sasl.password.file=/path", --kafka-secret-file) or from the environment
 * (ZW_KAFKA_SASL_PASSWORD), and no message built here ever contains their values.
 */
#include "zk_stage.h"

#include "../common/zw_buf.h"
#include "../common/zw_common.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zk_config_init(zk_config *c)
{
    memset(c, 0, sizeof *c);
    c->kind = ZW_OUT_OCSF;
    c->txn_max_records = 1000;
    c->txn_max_ms = 200;
    c->max_in_flight = 100000;
    c->checkpoint_ms = 1000;
    c->dlq_max_message_bytes = ZK_DLQ_MAX_MESSAGE_BYTES;
    c->health_down_ms = 30000;
}

void zk_config_free(zk_config *c)
{
    if (!c) {
        return;
    }
    free(c->brokers);
    free(c->group);
    for (int i = 0; i < c->ninputs; i++) {
        free(c->inputs[i].topic);
        free(c->inputs[i].format);
    }
    free(c->output_topic);
    free(c->dlq_topic);
    free(c->alert_topic);
    free(c->rules);
    free(c->state_topic);
    free(c->format);
    free(c->client_id);
    free(c->transactional_id);
    free(c->metrics_addr);
    for (int i = 0; i < c->nprops; i++) {
        free(c->props[i]);
    }
    memset(c, 0, sizeof *c);
}

static int set_str(char **dst, const char *v, const char *key, char *errstr, size_t errstr_size)
{
    if (!v || !*v) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s needs a value", key);
    }
    char *d = strdup(v);
    if (!d) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    free(*dst);
    *dst = d;
    return 0;
}

static int set_int(int *dst, const char *v, int min, int max, const char *key, char *errstr,
                   size_t errstr_size)
{
    char *end;
    long x;
    if (!v || !*v) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s needs a number", key);
    }
    errno = 0;
    x = strtol(v, &end, 10);
    /* strict, as every numeric option (cli/cli_num.h): digits only, no sign or space */
    if (errno || *end || !isdigit((unsigned char)v[0]) || x < min || x > max) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: '%s' is not a number in %d..%d", key, v,
                       min, max);
    }
    *dst = (int)x;
    return 0;
}

/* "yes/true/1/on" or no value -> 1; "no/false/0/off" -> 0. */
static int set_bool(int *dst, const char *v, const char *key, char *errstr, size_t errstr_size)
{
    if (!v || !strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
        !strcasecmp(v, "on")) {
        *dst = 1;
    } else if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no") ||
               !strcasecmp(v, "off")) {
        *dst = 0;
    } else {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: '%s' is not a boolean", key, v);
    }
    return 0;
}

static int add_input(zk_config *c, const char *v, char *errstr, size_t errstr_size)
{
    if (!v || !*v) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "input-topic needs a value");
    }
    if (c->ninputs >= ZK_MAX_INPUTS) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "at most %d input topics", ZK_MAX_INPUTS);
    }
    /* Kafka topic names cannot contain ':', so "topic:format" is unambiguous. */
    const char *colon = strchr(v, ':');
    size_t tl = colon ? (size_t)(colon - v) : strlen(v);
    if (tl == 0 || (colon && !colon[1])) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "input-topic '%s': want TOPIC[:FORMAT]", v);
    }
    zk_input *in = &c->inputs[c->ninputs];
    in->topic = strndup(v, tl);
    in->format = colon ? strdup(colon + 1) : NULL;
    if (!in->topic || (colon && !in->format)) {
        free(in->topic);
        free(in->format);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    c->ninputs++;
    return 0;
}

int zk_prop_is_secret(const char *name, size_t n)
{
    char low[256];
    if (n >= 9 && (!strncmp(name, "consumer.", 9) || !strncmp(name, "producer.", 9))) {
        name += 9;
        n -= 9;
    }
    if (n >= sizeof low) {
        n = sizeof low - 1;
    }
    for (size_t i = 0; i < n; i++) {
        low[i] = (char)tolower((unsigned char)name[i]);
    }
    low[n] = 0;
    return !strncmp(low, "sasl.", 5) || strstr(low, "password") || strstr(low, "secret") ||
           !strcmp(low, "ssl.key.pem") || !strcmp(low, "ssl_key");
}

#define ZK_SECRET_MAX 65536 /* bytes: a password, a key passphrase, a PEM key */

/* Reads a secret from a file: the whole file (at most ZK_SECRET_MAX bytes, so /dev/zero
 * or a wrong path to a large file fails fast), one trailing newline (or CRLF) removed.
 * The message never holds the content.  0, or ZW_EIO / ZW_EINVAL / ZW_ENOMEM. */
static int read_secret(zw_buf *b, const char *name, const char *path, char *errstr,
                       size_t errstr_size)
{
    char tmp[4096];
    size_t got;
    int rc = 0;
    FILE *f;
    if (!*path || !strcmp(path, "-")) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: want a file path after '@'", name);
    }
    if (!(f = fopen(path, "rb"))) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: secret file %s: %s", name, path,
                       strerror(errno));
    }
    while (!rc && (got = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b->len + got > ZK_SECRET_MAX) {
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: secret file %s is over %d bytes",
                         name, path, ZK_SECRET_MAX);
        } else if (zw_buf_append(b, tmp, got)) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        }
    }
    if (!rc && ferror(f)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: secret file %s: read error", name, path);
    }
    fclose(f);
    memset(tmp, 0, sizeof tmp);
    if (rc) {
        return rc;
    }
    if (zw_buf_cstr(b)) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    while (b->len && (b->p[b->len - 1] == '\n' || b->p[b->len - 1] == '\r')) {
        b->p[--b->len] = 0;
    }
    /* a PEM key spans lines; a password does not (a second line is a mistake) */
    int multi = strstr(name, "pem") != NULL;
    if (!b->len || memchr(b->p, 0, b->len) || (!multi && memchr(b->p, '\n', b->len))) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL,
                       "%s: secret file %s must hold one non-empty line", name, path);
    }
    return 0;
}

/* Appends "name=value" (copied).  A secret property may name a file instead of its
 * value: "name=@PATH" or "name.file=PATH". */
static int add_prop(zk_config *c, const char *v, char *errstr, size_t errstr_size)
{
    const char *eq = v ? strchr(v, '=') : NULL;
    zw_buf b;
    char name[256];
    int rc = 0;
    if (!eq || eq == v) {
        if (v && zk_prop_is_secret(v, strlen(v))) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "-X wants name=value (value not shown)");
        }
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "-X wants name=value, got '%s'", v ? v : "");
    }
    if ((size_t)(eq - v) >= sizeof name) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "-X: property name too long");
    }
    if (c->nprops >= ZK_MAX_PROPS) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "at most %d -X properties", ZK_MAX_PROPS);
    }
    snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
    size_t nl = strlen(name);
    int via_file = nl > 5 && !strcmp(name + nl - 5, ".file") && zk_prop_is_secret(name, nl - 5);
    if (!via_file && !(zk_prop_is_secret(name, nl) && eq[1] == '@')) {
        if (!(c->props[c->nprops] = strdup(v))) {
            return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        }
        c->nprops++;
        return 0;
    }
    if (via_file) {
        name[nl - 5] = 0;
    }
    zw_buf_init(&b);
    rc = zw_buf_puts(&b, name) || zw_buf_putc(&b, '=') ? ZW_ENOMEM : 0;
    if (!rc) {
        zw_buf vb;
        zw_buf_init(&vb);
        rc = read_secret(&vb, name, via_file ? eq + 1 : eq + 2, errstr, errstr_size);
        if (!rc && (zw_buf_append(&b, vb.p, vb.len) || zw_buf_cstr(&b))) {
            rc = zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
        }
        if (vb.p) {
            memset(vb.p, 0, vb.len);
        }
        zw_buf_free(&vb);
    }
    if (!rc) {
        c->props[c->nprops++] = b.p; /* the buffer's bytes become the property */
        return 0;
    }
    if (b.p) {
        memset(b.p, 0, b.len);
    }
    zw_buf_free(&b);
    return rc;
}

int zk_config_env(zk_config *c, char *errstr, size_t errstr_size)
{
    const char *pw = getenv("ZW_KAFKA_SASL_PASSWORD");
    if (!pw || !*pw) {
        return 0;
    }
    for (int i = 0; i < c->nprops; i++) {
        const char *p = c->props[i];
        if (!strncmp(p, "consumer.", 9) || !strncmp(p, "producer.", 9)) {
            p += 9;
        }
        if (!strncmp(p, "sasl.password=", 14)) {
            return 0; /* a flag or the config file said it: that wins */
        }
    }
    if (c->nprops >= ZK_MAX_PROPS) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "at most %d -X properties", ZK_MAX_PROPS);
    }
    size_t n = strlen(pw) + sizeof "sasl.password=";
    char *prop = malloc(n);
    if (!prop) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    snprintf(prop, n, "sasl.password=%s", pw);
    c->props[c->nprops++] = prop;
    return 0;
}

/* "+02:00", "-0500", "UTC" -> minutes. */
static int set_tz(int *dst, const char *s, char *errstr, size_t errstr_size)
{
    int h, m;
    if (s && (!strcmp(s, "UTC") || !strcmp(s, "Z"))) {
        *dst = 0;
        return 0;
    }
    int sign = s && s[0] == '-' ? -1 : s && s[0] == '+' ? 1 : 0;
    if (!sign || (sscanf(s + 1, "%2d:%2d", &h, &m) != 2 && sscanf(s + 1, "%2d%2d", &h, &m) != 2) ||
        h > 14 || m > 59) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "tz: '%s' (want +HH:MM, -HHMM or UTC)",
                       s ? s : "");
    }
    *dst = sign * (h * 60 + m);
    return 0;
}

int zk_config_set(zk_config *c, const char *key, const char *v, char *errstr, size_t errstr_size)
{
    if (!strcmp(key, "brokers")) {
        return set_str(&c->brokers, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "group")) {
        return set_str(&c->group, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "input-topic")) {
        return add_input(c, v, errstr, errstr_size);
    }
    if (!strcmp(key, "output-topic")) {
        return set_str(&c->output_topic, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "dlq-topic")) {
        return set_str(&c->dlq_topic, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "alert-topic")) {
        return set_str(&c->alert_topic, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "state-topic")) {
        return set_str(&c->state_topic, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "checkpoint-ms")) {
        return set_int(&c->checkpoint_ms, v, 10, 3600000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "rules")) {
        return set_str(&c->rules, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "format")) {
        return set_str(&c->format, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "client-id")) {
        return set_str(&c->client_id, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "transactional-id")) {
        return set_str(&c->transactional_id, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "X")) {
        return add_prop(c, v, errstr, errstr_size);
    }
    if (!strcmp(key, "kafka-secret-file")) {
        char prop[4200];
        if (!v || !*v) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s needs a file path", key);
        }
        snprintf(prop, sizeof prop, "sasl.password=@%s", v);
        return add_prop(c, prop, errstr, errstr_size);
    }
    if (!strcmp(key, "metrics-addr")) {
        return set_str(&c->metrics_addr, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "rules-watch-ms")) {
        return set_int(&c->rules_watch_ms, v, 0, 86400000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "health-down-ms")) {
        return set_int(&c->health_down_ms, v, 100, 86400000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "output")) {
        int k = v ? zw_out_kind_parse(v) : -1;
        if (k < 0) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "output must be ocsf or ecs");
        }
        c->kind = (zw_out_kind)k;
        return 0;
    }
    if (!strcmp(key, "eos")) {
        return set_bool(&c->eos, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "raw")) {
        return set_bool(&c->raw_data, v, key, errstr, errstr_size);
    }
    if (!strcmp(key, "tz")) {
        return set_tz(&c->tz_offset_min, v, errstr, errstr_size);
    }
    if (!strcmp(key, "metrics-interval")) {
        return set_int(&c->metrics_interval_ms, v, 0, 86400000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "metrics-port")) {
        return set_int(&c->metrics_port, v, 0, 65535, key, errstr, errstr_size);
    }
    if (!strcmp(key, "exit-idle")) {
        return set_int(&c->exit_idle_ms, v, 0, 86400000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "txn-max-records")) {
        return set_int(&c->txn_max_records, v, 1, 10000000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "txn-max-ms")) {
        return set_int(&c->txn_max_ms, v, 1, 600000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "dlq-max-message-bytes")) {
        return set_int(&c->dlq_max_message_bytes, v, 4096, 1000000000, key, errstr, errstr_size);
    }
    if (!strcmp(key, "max-in-flight")) {
        return set_int(&c->max_in_flight, v, 1, 10000000, key, errstr, errstr_size);
    }
    if (!strncmp(key, "kafka.", 6) && key[6]) {
        char prop[4200];
        if (!v) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s needs a value", key);
        }
        if ((size_t)snprintf(prop, sizeof prop, "%s=%s", key + 6, v) >= sizeof prop) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s: value too long", key);
        }
        int rc = add_prop(c, prop, errstr, errstr_size);
        memset(prop, 0, sizeof prop);
        return rc;
    }
    return zw_errf(errstr, errstr_size, ZW_EINVAL, "unknown option '%s'", key);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) {
        s++;
    }
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) {
        s[--n] = 0;
    }
    return s;
}

int zk_config_load(zk_config *c, const char *path, char *errstr, size_t errstr_size)
{
    FILE *f = fopen(path, "r");
    char line[4096], err[512];
    int lineno = 0, rc = 0;
    if (!f) {
        return zw_errf(errstr, errstr_size, ZW_EIO, "%s: %s", path, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            rc = zw_errf(errstr, errstr_size, ZW_EINVAL, "%s:%d: line too long", path, lineno);
            break;
        }
        char *s = trim(line);
        if (!*s || *s == '#') {
            continue;
        }
        char *eq = strchr(s, '=');
        char *key = s, *val = NULL;
        if (eq) {
            *eq = 0;
            key = trim(s);
            val = trim(eq + 1);
        }
        /* a switch may be written alone ("eos") */
        if ((rc = zk_config_set(c, key, val, err, sizeof err))) {
            zw_errf(errstr, errstr_size, rc, "%s:%d: %s", path, lineno, err);
            break;
        }
    }
    if (!rc && ferror(f)) {
        rc = zw_errf(errstr, errstr_size, ZW_EIO, "%s: read error", path);
    }
    fclose(f);
    return rc;
}

int zk_config_check(const zk_config *c, char *errstr, size_t errstr_size)
{
    if (!c->brokers) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "brokers is required");
    }
    if (!c->group) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "group is required");
    }
    if (!c->ninputs) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "at least one input-topic is required");
    }
    if (!c->output_topic && !c->json_events) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "output-topic is required");
    }
    if (c->json_events && !c->rules) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "detect needs rules and an alert-topic");
    }
    if (c->alert_topic && !c->rules) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "alert-topic needs rules (a tables file)");
    }
    if (c->state_topic && !c->rules) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "state-topic needs rules");
    }
    if (c->rules && !c->alert_topic) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "rules need an alert-topic to write to");
    }
    for (int i = 0; i < c->ninputs; i++) {
        for (int j = 0; j < i; j++) {
            if (!strcmp(c->inputs[i].topic, c->inputs[j].topic)) {
                return zw_errf(errstr, errstr_size, ZW_EINVAL, "input topic '%s' given twice",
                               c->inputs[i].topic);
            }
        }
        const char *t = c->inputs[i].topic;
        if ((c->output_topic && !strcmp(t, c->output_topic)) ||
            (c->dlq_topic && !strcmp(t, c->dlq_topic)) ||
            (c->alert_topic && !strcmp(t, c->alert_topic)) ||
            (c->state_topic && !strcmp(t, c->state_topic))) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL,
                           "topic '%s' is both input and output: that would loop", t);
        }
    }
    return 0;
}
