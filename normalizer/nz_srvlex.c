/*
 * nz_srvlex.c - the scanning helpers of nz_srvlex.h.  Bounds-checked byte scanning
 * only; no format knowledge beyond "address<sep>port" and DNS type numbers.
 */
#include "nz_srvlex.h"

#include <arpa/inet.h>
#include <string.h>

int nz_cur_lit(nz_cur *c, const char *lit)
{
    size_t l = strlen(lit);
    if (nz_cur_left(c) >= l && memcmp(c->p + c->i, lit, l) == 0) {
        c->i += l;
        return 1;
    }
    return 0;
}

size_t nz_cur_ws(nz_cur *c)
{
    size_t k = 0;
    while (c->i < c->n && (c->p[c->i] == ' ' || c->p[c->i] == '\t')) {
        c->i++;
        k++;
    }
    return k;
}

int nz_cur_until(nz_cur *c, char stop, zw_str *out)
{
    const char *s = c->p + c->i;
    const char *e = memchr(s, stop, c->n - c->i);
    size_t len = e ? (size_t)(e - s) : c->n - c->i;
    out->p = s;
    out->n = len;
    c->i += len;
    return e != NULL;
}

int nz_cur_upto(nz_cur *c, const char *sep, zw_str *out)
{
    size_t sl = strlen(sep);
    const char *s = c->p + c->i;
    const char *e = zw_memmem(s, c->n - c->i, sep, sl);
    if (!e) {
        return 0;
    }
    out->p = s;
    out->n = (size_t)(e - s);
    c->i += out->n + sl;
    return 1;
}

zw_str nz_cur_word(nz_cur *c)
{
    zw_str w = {c->p + c->i, 0};
    while (c->i < c->n && c->p[c->i] != ' ' && c->p[c->i] != '\t') {
        c->i++;
        w.n++;
    }
    return w;
}

int nz_cur_u64(nz_cur *c, uint64_t *out)
{
    size_t k = c->i;
    uint64_t v = 0;
    while (k < c->n && k - c->i < 19 && c->p[k] >= '0' && c->p[k] <= '9') {
        v = v * 10 + (uint64_t)(c->p[k] - '0');
        k++;
    }
    if (k == c->i || (k < c->n && c->p[k] >= '0' && c->p[k] <= '9')) {
        return 0;
    }
    c->i = k;
    *out = v;
    return 1;
}

int nz_cur_seconds_ms(nz_cur *c, int64_t *out_ms)
{
    size_t k = c->i;
    char buf[32];
    size_t bn = 0;
    while (k < c->n && bn < sizeof buf - 1 &&
           ((c->p[k] >= '0' && c->p[k] <= '9') || c->p[k] == '.' || c->p[k] == 'e' ||
            c->p[k] == 'E' ||
            ((c->p[k] == '-' || c->p[k] == '+') && bn &&
             (buf[bn - 1] == 'e' || buf[bn - 1] == 'E')))) {
        buf[bn++] = c->p[k++];
    }
    if (!bn || buf[0] < '0' || buf[0] > '9') {
        return 0;
    }
    buf[bn] = 0;
    /* hand-rolled: mantissa digits, optional fraction, optional exponent */
    double v = 0, scale = 1;
    size_t j = 0;
    while (j < bn && buf[j] >= '0' && buf[j] <= '9') {
        v = v * 10 + (buf[j++] - '0');
    }
    if (j < bn && buf[j] == '.') {
        j++;
        while (j < bn && buf[j] >= '0' && buf[j] <= '9') {
            scale /= 10;
            v += (buf[j++] - '0') * scale;
        }
    }
    if (j < bn && (buf[j] == 'e' || buf[j] == 'E')) {
        int sign = 1, ex = 0;
        j++;
        if (j < bn && (buf[j] == '-' || buf[j] == '+')) {
            sign = buf[j++] == '-' ? -1 : 1;
        }
        if (j >= bn) {
            return 0;
        }
        while (j < bn && buf[j] >= '0' && buf[j] <= '9' && ex < 400) {
            ex = ex * 10 + (buf[j++] - '0');
        }
        for (int e = 0; e < ex && v != 0; e++) {
            v = sign > 0 ? v * 10 : v / 10;
            if (v > 1e15) {
                return 0;
            }
        }
    }
    if (j != bn || v > 1e12) {
        return 0;
    }
    *out_ms = (int64_t)(v * 1000 + 0.5);
    c->i = k;
    return 1;
}

zw_str nz_cur_rest(nz_cur *c)
{
    zw_str r = {c->p + c->i, c->n - c->i};
    c->i = c->n;
    return r;
}

int nz_ip_valid(const char *p, size_t n)
{
    char buf[64];
    unsigned char bin[16];
    if (n == 0 || n >= sizeof buf) {
        return 0;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    if (memchr(buf, 0, n)) {
        return 0;
    }
    if (inet_pton(AF_INET, buf, bin) == 1) {
        return 1;
    }
    char *pct = strchr(buf, '%');
    if (pct) {
        if (pct[1] == 0) {
            return 0;
        }
        *pct = 0;
    }
    return inet_pton(AF_INET6, buf, bin) == 1;
}

int nz_split_addr(const char *p, size_t n, char sep, zw_str *ip, int *port)
{
    zw_str a = {p, n};
    const char *ps = NULL;
    size_t pn = 0;
    *port = -1;
    if (n && p[0] == '[') {
        const char *rb = memchr(p, ']', n);
        if (!rb) {
            return ZW_EINVAL;
        }
        a.p = p + 1;
        a.n = (size_t)(rb - p) - 1;
        size_t rest = n - (size_t)(rb - p) - 1;
        if (rest) {
            if (rb[1] != sep || rest < 2) {
                return ZW_EINVAL;
            }
            ps = rb + 2;
            pn = rest - 1;
        }
    } else {
        const char *last = NULL;
        size_t colons = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == sep) {
                last = p + i;
            }
            if (p[i] == ':') {
                colons++;
            }
        }
        if (last && !(sep == ':' && colons > 1)) {
            a.n = (size_t)(last - p);
            ps = last + 1;
            pn = n - a.n - 1;
        }
    }
    if (!nz_ip_valid(a.p, a.n)) {
        return ZW_EINVAL;
    }
    if (ps) {
        uint64_t v;
        if (zw_parse_u64(ps, pn, &v) || v > 65535) {
            return ZW_EINVAL;
        }
        *port = (int)v;
    }
    *ip = a;
    return ZW_OK;
}

int nz_set_endpoint(zw_event *ev, zw_field ipf, zw_field portf, const char *p, size_t n, char sep)
{
    zw_str ip;
    int port;
    int rc = nz_split_addr(p, n, sep, &ip, &port);
    if (rc) {
        return rc;
    }
    if ((rc = zw_ev_set_lower(ev, ipf, ip.p, ip.n))) {
        return rc;
    }
    if (port >= 0) {
        zw_ev_set_int(ev, portf, port);
    }
    return ZW_OK;
}

int nz_set_channel_source(zw_event *ev, const char *channel, const char *host, size_t host_n)
{
    zw_ev_set_ref(ev, ZW_F_SRC_NAME, channel, strlen(channel));
    if (host && host_n) {
        return zw_ev_set_lower(ev, ZW_F_SRC_HOSTNAME, host, host_n);
    }
    return ZW_OK;
}

void nz_set_product(zw_event *ev, const char *name, const char *vendor, const char *log_name)
{
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_NAME, name, strlen(name));
    zw_ev_set_ref(ev, ZW_F_META_PRODUCT_VENDOR, vendor, strlen(vendor));
    if (log_name) {
        zw_ev_set_ref(ev, ZW_F_META_LOG_NAME, log_name, strlen(log_name));
    }
}

void nz_set_server_header(zw_event *ev, int64_t t, const char *name, const char *vendor,
                          const char *log_name, zw_str level, const char *version)
{
    zw_ev_set_int(ev, ZW_F_TIME, t);
    nz_set_product(ev, name, vendor, log_name);
    if (level.n) {
        zw_ev_set_str(ev, ZW_F_META_LOG_LEVEL, level.p, level.n);
    }
    if (version && version[0]) {
        zw_ev_set_cstr(ev, ZW_F_META_PRODUCT_VERSION, version);
    }
}

int nz_cur_level(nz_cur *c, const char *const *levels, size_t nlevels, zw_str *level)
{
    for (size_t i = 0; i < nlevels; i++) {
        size_t l = strlen(levels[i]);
        if (nz_cur_left(c) > l + 1 && memcmp(nz_cur_ptr(c), levels[i], l) == 0 &&
            nz_cur_ptr(c)[l] == ':' && nz_cur_ptr(c)[l + 1] == ' ') {
            level->p = nz_cur_ptr(c);
            level->n = l;
            c->i += l + 2;
            return 1;
        }
    }
    return 0;
}

int nz_set_zone(zw_event *ev, const char *p, size_t n)
{
    return zw_ev_set_dname(ev, ZW_F_U_ZONE, p, n);
}

int nz_set_query(zw_event *ev, const char *name, size_t name_n, const char *type)
{
    int rc = zw_ev_set_dname(ev, ZW_F_QUERY_HOSTNAME, name, name_n);
    if (!rc && type) {
        zw_ev_set_ref(ev, ZW_F_QUERY_TYPE, type, strlen(type));
    }
    return rc;
}

void nz_set_opcode(zw_event *ev, int opcode_id)
{
    const char *n = zw_dns_opcode_name(opcode_id);
    zw_ev_set_int(ev, ZW_F_QUERY_OPCODE_ID, opcode_id);
    if (n) {
        zw_ev_set_ref(ev, ZW_F_QUERY_OPCODE, n, strlen(n));
    }
}

void nz_set_rcode(zw_event *ev, int rcode_id)
{
    const char *n = zw_dns_rcode_name(rcode_id);
    zw_ev_set_int(ev, ZW_F_RCODE_ID, rcode_id);
    if (n) {
        zw_ev_set_ref(ev, ZW_F_RCODE, n, strlen(n));
    }
}

int nz_ieq(const char *p, size_t n, const char *lit)
{
    zw_str s = {p, n};
    return zw_str_ieq(s, lit);
}

const char *nz_dns_type_name(unsigned t)
{
    static const struct {
        unsigned t;
        const char *n;
    } types[] = {
        {1, "A"},           {2, "NS"},          {5, "CNAME"},   {6, "SOA"},     {12, "PTR"},
        {13, "HINFO"},      {15, "MX"},         {16, "TXT"},    {17, "RP"},     {18, "AFSDB"},
        {24, "SIG"},        {25, "KEY"},        {28, "AAAA"},   {29, "LOC"},    {30, "NXT"},
        {33, "SRV"},        {35, "NAPTR"},      {36, "KX"},     {37, "CERT"},   {39, "DNAME"},
        {41, "OPT"},        {42, "APL"},        {43, "DS"},     {44, "SSHFP"},  {45, "IPSECKEY"},
        {46, "RRSIG"},      {47, "NSEC"},       {48, "DNSKEY"}, {49, "DHCID"},  {50, "NSEC3"},
        {51, "NSEC3PARAM"}, {52, "TLSA"},       {53, "SMIMEA"}, {55, "HIP"},    {59, "CDS"},
        {60, "CDNSKEY"},    {61, "OPENPGPKEY"}, {62, "CSYNC"},  {63, "ZONEMD"}, {64, "SVCB"},
        {65, "HTTPS"},      {99, "SPF"},        {249, "TKEY"},  {250, "TSIG"},  {251, "IXFR"},
        {252, "AXFR"},      {253, "MAILB"},     {254, "MAILA"}, {255, "ANY"},   {256, "URI"},
        {257, "CAA"},
    };
    for (size_t i = 0; i < ZW_ARRAY_LEN(types); i++) {
        if (types[i].t == t) {
            return types[i].n;
        }
    }
    return NULL;
}
