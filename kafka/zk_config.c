/*
 * zk_config.c - the Kafka stage's options: one setter shared by command-line flags and
 * the config file, so both can say the same things.  Not for running anything.
 */
#include "zk_stage.h"

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

static int add_prop(zk_config *c, const char *v, char *errstr, size_t errstr_size)
{
    if (!v || !strchr(v, '=') || v[0] == '=') {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "-X wants name=value, got '%s'", v ? v : "");
    }
    if (c->nprops >= ZK_MAX_PROPS) {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "at most %d -X properties", ZK_MAX_PROPS);
    }
    if (!(c->props[c->nprops] = strdup(v))) {
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    c->nprops++;
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
    if (!strcmp(key, "max-in-flight")) {
        return set_int(&c->max_in_flight, v, 1, 10000000, key, errstr, errstr_size);
    }
    if (!strncmp(key, "kafka.", 6) && key[6]) {
        char prop[1024];
        if (!v) {
            return zw_errf(errstr, errstr_size, ZW_EINVAL, "%s needs a value", key);
        }
        snprintf(prop, sizeof prop, "%s=%s", key + 6, v);
        return add_prop(c, prop, errstr, errstr_size);
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
