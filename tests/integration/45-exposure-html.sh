#!/usr/bin/env bash
# 45-exposure-html.sh - the `zonewarden exposure --html` report in headless Chromium
# (Debian chromium), inside a network namespace with only "lo" (the page must need no
# network).  Checks:
#   1. a control page with a console.error and an uncaught exception IS caught by the
#      console check (so the check can fail);
#   2. the report's script ran: --dump-dom shows body data-rendered="ok" and the number
#      of chart segments equals the SVG's;
#   3. no console message at all (errors, warnings, logs) while loading the report;
#   4. the screenshot shows the chart: pixels of the three chart colours (approved green,
#      unknown amber, unapproved red) in the chart's area, decoded with a small PNG reader
#      (zlib only, no imaging library).
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
ZW_BIN=${ZW_BIN:-$ZW_ROOT/build/release/zonewarden}
CHROMIUM=${CHROMIUM:-chromium}
if ! command -v "$CHROMIUM" >/dev/null; then
    echo "FAIL: chromium not installed (scripts/install-deps.sh)"
    exit 1
fi
if [ "${ZW_HTML_IN_NETNS:-0}" != 1 ]; then
    if ! unshare --net true 2>/dev/null; then
        echo "FAIL: unshare --net not permitted"
        exit 1
    fi
    ZW_HTML_IN_NETNS=1 ZW_ROOT=$ZW_ROOT ZW_BIN=$ZW_BIN exec timeout 240 unshare --net -- bash "$0" "$@"
fi
ip link set lo up

W=$(mktemp -d "${TMPDIR:-/tmp}/zw-html.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0

# chrome MODE URL OUT : --dump-dom to OUT.dom, or --screenshot to OUT.png; stderr to OUT.err
chrome() {
    local mode=$1 url=$2 out=$3 prof
    prof=$(mktemp -d "$W/profile.XXXXXX")
    local args=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$prof" --enable-logging=stderr --v=0 --window-size=1200,900)
    if [ "$mode" = dom ]; then
        timeout 60 "$CHROMIUM" "${args[@]}" --dump-dom "$url" >"$out.dom" 2>"$out.err"
    else
        timeout 60 "$CHROMIUM" "${args[@]}" --screenshot="$out.png" "$url" >/dev/null 2>"$out.err"
    fi
}

# 1. the console check catches a broken page
cat >"$W/broken.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"></head><body data-rendered="pending">
<script>console.error("deliberate error"); no_such_function();</script></body></html>
EOF
chrome dom "file://$W/broken.html" "$W/broken"
if grep -q ':CONSOLE' "$W/broken.err" && grep -q 'Uncaught ReferenceError' "$W/broken.err" &&
    grep -q 'data-rendered="pending"' "$W/broken.dom"; then
    echo "ok   control page: console errors are seen ($(grep -c ':CONSOLE' "$W/broken.err") messages)"
else
    echo "FAIL control page: console capture does not work; stderr:"
    tail -5 "$W/broken.err"
    fails=$((fails + 1))
fi

# 2./3. the report
"$ZW_BIN" exposure --zone "$ZW_ROOT/tests/data/exposure/example.test.zone" \
    --inventory "$ZW_ROOT/tests/data/exposure/approved.yml" --html "$W/report.html" -o /dev/null \
    2>"$W/exposure.err" || {
    echo "FAIL: zonewarden exposure: $(cat "$W/exposure.err")"
    exit 1
}
segs=$(grep -o 'class="seg"' "$W/report.html" | wc -l)
chrome dom "file://$W/report.html" "$W/report"
body=$(grep -o '<body[^>]*>' "$W/report.dom")
if [ "$segs" -ge 5 ] && grep -q 'data-rendered="ok"' <<<"$body" && grep -q "data-segments=\"$segs\"" <<<"$body"; then
    echo "ok   report script ran: $body ($segs chart segments in the SVG)"
else
    echo "FAIL report script did not run or saw another chart: $body (SVG has $segs segments)"
    fails=$((fails + 1))
fi
if grep -q ':CONSOLE' "$W/report.err"; then
    echo "FAIL console messages while loading the report:"
    grep ':CONSOLE' "$W/report.err"
    fails=$((fails + 1))
else
    echo "ok   no console messages"
fi

# 4. screenshot: the chart's colours are painted
chrome png "file://$W/report.html" "$W/shot"
if ! python3 - "$W/shot.png" <<'PY'; then
import struct, sys, zlib

def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, off = [], bytearray(stride), 0
    for _ in range(h):
        f = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        off += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

w, h, bpp, rows = read_png(sys.argv[1])
want = {"approved": (0x2E, 0x7D, 0x32), "unknown": (0xF0, 0xA2, 0x02), "unapproved": (0xC6, 0x28, 0x28)}
counts = {k: 0 for k in want}
colored = 0
# the chart sits in the upper two thirds of a 1200x900 shot, right of the bar labels
for y in range(h):
    row = rows[y]
    for x in range(w):
        r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
        if max(r, g, b) - min(r, g, b) > 60:
            colored += 1
        if 300 <= x <= 1100 and 300 <= y <= 620:
            for k, (wr, wg, wb) in want.items():
                if abs(r - wr) <= 6 and abs(g - wg) <= 6 and abs(b - wb) <= 6:
                    counts[k] += 1
print("screenshot %dx%d: %d strongly coloured pixels; chart-area pixels by colour: %s" % (w, h, colored, counts))
ok = w == 1200 and h == 900 and all(v >= 2000 for v in counts.values())
sys.exit(0 if ok else 1)
PY
    echo "FAIL screenshot does not show the chart's three colours"
    fails=$((fails + 1))
else
    echo "ok   screenshot shows the chart"
fi

if [ "$fails" -ne 0 ]; then
    echo "FAIL: $fails check(s) failed"
    exit 1
fi
echo "45-exposure-html: all checks passed"
