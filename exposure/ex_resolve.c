/*
 * ex_resolve.c - does a takeover-prone CNAME target still exist?  One A query per target
 * to the resolver the operator names (`exposure --resolve SERVER`); NXDOMAIN means the
 * cloud or SaaS resource is gone and anyone may claim its name, so the finding's severity
 * goes up.  Not for: classifying records (ex_analyze.c) or zone transfers (ex_xfer.c).
 */
#include "ex.h"
#include "ex_internal.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <string.h>

/* "nxdomain", "resolves", ... for one target, or NULL on out-of-memory. */
static const char *ask(ldns_resolver *res, const char *target)
{
    ldns_rdf *name = ldns_dname_new_frm_str(target);
    if (!name) {
        return "error";
    }
    ldns_pkt *p = NULL;
    ldns_status st = ldns_resolver_send(&p, res, name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, LDNS_RD);
    ldns_rdf_deep_free(name);
    const char *out = "error";
    if (st == LDNS_STATUS_OK && p) {
        switch (ldns_pkt_get_rcode(p)) {
        case LDNS_RCODE_NXDOMAIN:
            out = "nxdomain";
            break;
        case LDNS_RCODE_NOERROR:
            out = ldns_pkt_ancount(p) > 0 ? "resolves" : "no-answer";
            break;
        case LDNS_RCODE_SERVFAIL:
            out = "servfail";
            break;
        case LDNS_RCODE_REFUSED:
            out = "refused";
            break;
        default:
            break;
        }
    }
    ldns_pkt_free(p);
    return out;
}

int ex_resolve_targets(ex_report *r, const char *server, int port, int timeout_ms, char *errstr,
                       size_t errstr_size)
{
    unsigned char buf[16];
    ldns_rdf *ns = NULL;
    if (inet_pton(AF_INET, server, buf) == 1) {
        ns = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, buf);
    } else if (inet_pton(AF_INET6, server, buf) == 1) {
        ns = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, buf);
    } else {
        return zw_errf(errstr, errstr_size, ZW_EINVAL, "--resolve: '%s' is not an IP address",
                       server);
    }
    ldns_resolver *res = ns ? ldns_resolver_new() : NULL;
    if (!res) {
        ldns_rdf_deep_free(ns);
        return zw_errf(errstr, errstr_size, ZW_ENOMEM, "out of memory");
    }
    ldns_resolver_push_nameserver(res, ns);
    ldns_rdf_deep_free(ns);
    ldns_resolver_set_port(res, (uint16_t)(port > 0 ? port : 53));
    ldns_resolver_set_retry(res, 1);
    ldns_resolver_set_retrans(res, 1);
    int t = timeout_ms > 0 ? timeout_ms : 2000;
    struct timeval tv = {t / 1000, (t % 1000) * 1000};
    ldns_resolver_set_timeout(res, tv);
    ldns_resolver_set_recursive(res, true);
    for (size_t i = 0; i < r->n; i++) {
        ex_finding *f = &r->f[i];
        if (f->kind != EX_K_TAKEOVER || f->change == EX_CH_REMOVED) {
            continue;
        }
        /* the same target under several findings is asked once */
        for (size_t j = 0; j < i && !f->resolved; j++) {
            if (r->f[j].resolved && strcmp(r->f[j].subject, f->subject) == 0) {
                f->resolved = r->f[j].resolved;
            }
        }
        if (!f->resolved) {
            f->resolved = ask(res, f->subject);
        }
        if (strcmp(f->resolved, "nxdomain") == 0) {
            int sev = f->severity + 1;
            sev = sev < ZW_SEV_HIGH ? ZW_SEV_HIGH : sev;
            f->severity = sev > ZW_SEV_CRITICAL ? ZW_SEV_CRITICAL : sev;
        }
    }
    ldns_resolver_deep_free(res);
    return ZW_OK;
}
