/*
 * ex_axfr_check.c - the verdict on one zone-transfer attempt and its OCSF Compliance
 * Finding.  An unauthenticated attempt passes when no zone data came back (refused,
 * NOTAUTH, an up-to-date IXFR answer of one SOA, or a connection closed without an
 * answer); it fails when records came back; a timeout or network error is an error,
 * because it proves nothing.  An attempt made with a TSIG key is the opposite check:
 * it passes when the key does obtain the zone.
 *
 * Not for: performing the transfer (ex_xfer.c) or choosing the attempts (the CLI).
 */
#include "ex.h"
#include "ex_internal.h"

#include <stdio.h>
#include <string.h>

/* RFC 1035 / 2136 mnemonics, as dig and server logs print them */
static const char *rcode_mnemonic(int rc)
{
    static const char *const n[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                    "NXRRSET", "NOTAUTH", "NOTZONE"};
    return rc >= 0 && (size_t)rc < ZW_ARRAY_LEN(n) ? n[rc] : NULL;
}

static int data_returned(const ex_xfer_result *r)
{
    if (r->rcode != 0 || r->up_to_date) {
        return 0;
    }
    return r->data_records > 0 || (r->complete && r->records >= 2);
}

ex_verdict ex_attempt_judge(ex_attempt *a)
{
    const ex_xfer_result *r = &a->res;
    char *d = a->detail;
    const size_t dn = sizeof a->detail;
    char rn[24] = "";
    if (r->rcode >= 0) {
        const char *n = rcode_mnemonic(r->rcode);
        if (n) {
            snprintf(rn, sizeof rn, "%s", n);
        } else {
            snprintf(rn, sizeof rn, "RCODE%d", r->rcode);
        }
    }
    int data = data_returned(r);
    if (a->status != ZW_OK && !(r->connected && r->closed_early)) {
        a->verdict = EX_V_ERROR;
        snprintf(d, dn, "%s: no verdict: %s", a->label, r->error);
    } else if (a->authorized) {
        if (data) {
            a->verdict = EX_V_PASS;
            snprintf(d, dn, "%s with key %s: transferred %zu records (serial %u)", a->label,
                     a->req.tsig ? a->req.tsig->name : "?", r->records, r->serial);
        } else {
            a->verdict = EX_V_ERROR;
            /* the error text is cut to fit detail[] (gcc -O1 -Wformat-truncation) */
            snprintf(d, dn, "%s with key %s: key did not obtain the zone (%s%s%.120s)", a->label,
                     a->req.tsig ? a->req.tsig->name : "?", rn[0] ? rn : "no answer",
                     r->error[0] ? ": " : "", r->error);
        }
    } else if (data) {
        a->verdict = EX_V_FAIL;
        snprintf(d, dn, "%s returned zone data: %zu records in %zu message(s), serial %u", a->label,
                 r->records, r->messages, r->serial);
    } else {
        a->verdict = EX_V_PASS;
        if (!r->answered) {
            snprintf(d, dn, "%s refused (connection closed without an answer)", a->label);
        } else if (r->up_to_date) {
            snprintf(d, dn, "%s gave no zone data (current SOA only, serial %u)", a->label,
                     r->serial);
        } else {
            snprintf(d, dn, "%s refused (%s)", a->label, rn[0] ? rn : "no records");
        }
    }
    return a->verdict;
}

int ex_attempt_event(const ex_attempt *a, const char *server_text, int64_t time_ms, zw_event *ev)
{
    const ex_xfer_result *r = &a->res;
    const char *kind = a->req.ixfr ? "IXFR" : "AXFR";
    int rc = zw_ev_set_class(ev, ZW_CLASS_COMPLIANCE_FINDING, 1);
    zw_ev_set_int(ev, ZW_F_TIME, time_ms);
    zw_ev_set_int(ev, ZW_F_STATUS_ID, 1);
    zw_ev_set_ref(ev, ZW_F_STATUS, "New", 3);
    static const int sev[] = {
        [EX_V_PASS] = ZW_SEV_INFO, [EX_V_FAIL] = ZW_SEV_HIGH, [EX_V_ERROR] = ZW_SEV_LOW};
    zw_ev_set_severity(ev, sev[a->verdict]);
    char uid[17];
    const char *parts[] = {server_text, a->req.zone, a->label};
    ex_uid(uid, parts, ZW_ARRAY_LEN(parts));
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_UID, uid);
    char tbuf[24], muid[17];
    snprintf(tbuf, sizeof tbuf, "%lld", (long long)time_ms);
    const char *mparts[] = {uid, tbuf};
    ex_uid(muid, mparts, 2); /* this run's event: finding uid + time */
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_META_UID, muid);
    char title[200];
    snprintf(title, sizeof title, "%s of %s from %s: %s", a->label, a->req.zone, server_text,
             a->verdict == EX_V_PASS   ? (a->authorized ? "transfers with key" : "refused")
             : a->verdict == EX_V_FAIL ? "zone data returned"
                                       : "no verdict");
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_TITLE, title);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_FINDING_DESC, a->detail);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_MESSAGE, a->detail);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, "zone-transfer", 13);
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_FINDING_TYPES, kind, 4);
    static const char ctl[] = "Zone transfers (AXFR/IXFR) are refused to unauthorized clients";
    static const char ctlk[] =
        "Zone transfers (AXFR/IXFR) are served to authorized (TSIG) secondaries";
    if (a->authorized) {
        zw_ev_set_ref(ev, ZW_F_COMPLIANCE_CONTROL, ctlk, sizeof ctlk - 1);
    } else {
        zw_ev_set_ref(ev, ZW_F_COMPLIANCE_CONTROL, ctl, sizeof ctl - 1);
    }
    rc = rc ? rc : zw_ev_list_add(ev, ZW_F_COMPLIANCE_STANDARDS, "MITRE ATT&CK T1590.002", 22);
    static const int cs_id[] = {[EX_V_PASS] = 1, [EX_V_FAIL] = 3, [EX_V_ERROR] = 2};
    static const char *const cs[] = {
        [EX_V_PASS] = "Pass", [EX_V_FAIL] = "Fail", [EX_V_ERROR] = "Warning"};
    zw_ev_set_int(ev, ZW_F_COMPLIANCE_STATUS_ID, cs_id[a->verdict]);
    zw_ev_set_ref(ev, ZW_F_COMPLIANCE_STATUS, cs[a->verdict], strlen(cs[a->verdict]));
    if (a->verdict == EX_V_FAIL) {
        static const char rem[] =
            "Restrict transfers to the approved secondaries (allow-transfer / provide-xfr / "
            "acl action transfer / allow-axfr-ips) and require TSIG.";
        zw_ev_set_ref(ev, ZW_F_REMEDIATION_DESC, rem, sizeof rem - 1);
    }
    rc = rc ? rc : zw_ev_set_dname(ev, ZW_F_EVID_QUERY_HOSTNAME, a->req.zone, strlen(a->req.zone));
    zw_ev_set_ref(ev, ZW_F_EVID_QUERY_TYPE, kind, 4);
    rc = rc ? rc : zw_ev_set_dname(ev, ZW_F_U_ZONE, a->req.zone, strlen(a->req.zone));
    rc = rc ? rc : zw_ev_set_dname(ev, ZW_F_RES_NAME, a->req.zone, strlen(a->req.zone));
    zw_ev_set_ref(ev, ZW_F_RES_TYPE, "DNS Zone", 8);
    rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_EVID_DST_IP, a->req.server);
    zw_ev_set_int(ev, ZW_F_EVID_DST_PORT, a->req.port ? a->req.port : 53);
    if (a->req.source_ip) {
        rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_EVID_SRC_IP, a->req.source_ip);
    }
    if (r->rcode >= 0) {
        const char *n = rcode_mnemonic(r->rcode);
        zw_ev_set_int(ev, ZW_F_U_XFER_RCODE_ID, r->rcode);
        if (n) {
            zw_ev_set_ref(ev, ZW_F_U_XFER_RCODE, n, strlen(n));
        }
    }
    zw_ev_set_ref(ev, ZW_F_U_XFER_KIND, kind, 4);
    zw_ev_set_int(ev, ZW_F_U_XFER_RECORDS, (int64_t)r->records);
    zw_ev_set_int(ev, ZW_F_U_XFER_MESSAGES, (int64_t)r->messages);
    zw_ev_set_int(ev, ZW_F_U_XFER_BYTES, (int64_t)r->bytes);
    if (r->soa_seen) {
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL, r->serial);
    }
    if (a->req.ixfr) {
        zw_ev_set_int(ev, ZW_F_U_XFER_SERIAL_FROM, a->req.ixfr_serial);
    }
    if (a->req.tsig) {
        rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_U_XFER_TSIG_KEY, a->req.tsig->name);
    }
    zw_ev_set_bool(ev, ZW_F_U_XFER_DATA_RETURNED, data_returned(r));
    zw_ev_set_int(ev, ZW_F_DURATION, r->duration_ms);
    if (r->error[0]) {
        rc = rc ? rc : zw_ev_set_cstr(ev, ZW_F_STATUS_DETAIL, r->error);
    }
    zw_ev_set_ref(ev, ZW_F_U_SOURCE_FORMAT, "axfr-check", 10);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, "zonewarden", 10);
    zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, "axfr-check", 10);
    return rc;
}
