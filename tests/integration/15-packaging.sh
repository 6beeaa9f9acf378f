#!/usr/bin/env bash
# 15-packaging.sh - the operator files under packaging/ hold together.
#   systemd unit: `systemd-analyze verify` with no complaint at all (it exits 0 on many
#   parse errors, so any output fails), `systemd-analyze security --offline` exposure at
#   most 2.0, and the hardening the docs promise present.  Without systemd-analyze the
#   fallback is a strict parser here (known keys only, required values), which also
#   fails a broken unit.  Both checkers are first shown a deliberately broken copy and
#   must refuse it, so a checker that accepts anything cannot pass this test.
#   ExecStart's options are real: `zonewarden run` accepts them with the example config.
#   Containerfile (cannot be built here: no image registry): Debian bookworm bases,
#   every COPY source exists, the binary is built by the Makefile at the path copied,
#   every apt package exists (apt-cache), every shared library of the binary comes from
#   a runtime package installed (or an essential one), a non-root USER, and CMD runs a
#   command of `zonewarden --help` with options of its --help.
set -euo pipefail
cd "$ZW_ROOT"
W=$(mktemp -d "${TMPDIR:-/tmp}/zw-pkg.XXXXXX")
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: 15-packaging: $*" >&2; exit 1; }
UNIT=packaging/zonewarden-stage.service
CF=packaging/Containerfile
[ -f "$UNIT" ] && [ -f "$CF" ] && [ -f packaging/kafka.conf.example ] || fail "packaging files missing"

# --- the unit, with ExecStart pointing at the binary under test (verify checks that
# the executable exists); everything else as shipped
mkdir -p "$W/u"
sed "s|/usr/local/bin/zonewarden|$ZW_BIN|" "$UNIT" >"$W/u/zonewarden-stage.service"
sed -e 's/^Restart=on-failure/Restart=sometimes/' -e 's/^MemoryMax=/MemoryMaxx=/' \
    "$W/u/zonewarden-stage.service" >"$W/u/broken.service"

fallback_check() { # UNITFILE: strict parse, known keys, required hardening
    python3 - "$1" <<'PY'
import re, sys
known = {
  "Unit": {"Description", "Documentation", "After", "Wants"},
  "Service": {"Type", "ExecStart", "ExecReload", "LoadCredential", "KillSignal", "TimeoutStopSec",
              "Restart", "RestartSec", "RestartPreventExitStatus", "DynamicUser", "NoNewPrivileges",
              "CapabilityBoundingSet", "AmbientCapabilities", "RestrictSUIDSGID", "UMask",
              "ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "ProtectKernelTunables",
              "ProtectKernelModules", "ProtectKernelLogs", "ProtectControlGroups", "ProtectClock",
              "ProtectHostname", "ProtectProc", "ProcSubset", "RestrictNamespaces", "LockPersonality",
              "RestrictRealtime", "RemoveIPC", "RestrictAddressFamilies", "SystemCallFilter",
              "SystemCallArchitectures", "SystemCallErrorNumber", "MemoryMax", "LimitNOFILE", "TasksMax"},
  "Install": {"WantedBy"},
}
values = {"Restart": r"no|on-success|on-failure|on-abnormal|on-watchdog|on-abort|always",
          "Type": r"simple|exec|forking|oneshot|dbus|notify|idle",
          "MemoryMax": r"\d+[KMGT]?|infinity", "ProtectSystem": r"yes|full|strict|no"}
sec, errs = None, []
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.strip()
    if not line or line[0] in "#;":
        continue
    m = re.fullmatch(r"\[(\w+)\]", line)
    if m:
        sec = m.group(1)
        if sec not in known:
            errs.append("%d: unknown section %s" % (n, sec))
        continue
    k, eq, v = line.partition("=")
    if not eq or sec not in known or k not in known[sec]:
        errs.append("%d: unknown key %r in [%s]" % (n, k, sec))
    elif k in values and not re.fullmatch(values[k], v):
        errs.append("%d: bad value %s=%s" % (n, k, v))
for e in errs:
    print(e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}
if command -v systemd-analyze >/dev/null; then
    checker() { # UNITFILE: verify must exit 0 and say nothing
        local out
        out=$(cd "$W/u" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$1" 2>&1) || { echo "$out" >&2; return 1; }
        [ -z "$out" ] || { echo "$out" >&2; return 1; }
    }
    how="systemd-analyze verify"
else
    checker() { fallback_check "$W/u/$1"; }
    how="fallback parser (no systemd-analyze)"
fi
if checker broken.service 2>"$W/broken.err"; then
    fail "$how accepted a broken unit"
fi
echo "15-packaging: broken unit refused: $(head -1 "$W/broken.err")"
checker zonewarden-stage.service || fail "$how: $UNIT"
fallback_check "$W/u/zonewarden-stage.service" || fail "$UNIT uses a key the fallback does not know"
if fallback_check "$W/u/broken.service" 2>/dev/null; then
    fail "the fallback parser accepted a broken unit"
fi
if command -v systemd-analyze >/dev/null; then
    (cd "$W/u" && systemd-analyze security --offline=true --threshold=20 zonewarden-stage.service) \
        >"$W/security.txt" 2>&1 || fail "exposure above 2.0: $(tail -1 "$W/security.txt")"
    echo "15-packaging: $(grep -o 'Overall exposure level.*' "$W/security.txt")"
fi
for want in 'DynamicUser=yes' 'ProtectSystem=strict' 'NoNewPrivileges=yes' 'ProtectHome=yes' \
    'PrivateTmp=yes' 'CapabilityBoundingSet=' 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
    'MemoryMax=1G' 'Restart=on-failure' 'ExecReload=/bin/kill -HUP $MAINPID'; do
    grep -qxF "$want" "$UNIT" || fail "$UNIT lacks '$want'"
done
# ExecStart's options parse (the config file is read, then --help stops)
exec_args=$(sed -n 's|^ExecStart=/usr/local/bin/zonewarden ||p' "$UNIT")
read -r -a argv <<<"${exec_args//%d/$W}"
printf 'x\n' >"$W/kafka-password"
[ "${argv[0]}" = run ] || fail "ExecStart does not run 'zonewarden run'"
argv=("${argv[@]/\/etc\/zonewarden\/kafka.conf/packaging/kafka.conf.example}")
"$ZW_BIN" "${argv[@]}" --help >"$W/help.txt" 2>&1 || fail "ExecStart options refused: $(cat "$W/help.txt")"
echo "15-packaging: unit ok ($how)"

# --- Containerfile
cf_check() { # FILE [quick]: quick skips the package checks (same for every copy)
python3 - "$1" "$ZW_BIN" "${2:-}" <<'PY'

import json, os, re, shutil, subprocess, sys
cf, zw, quick = sys.argv[1:]
errs = []
lines, cur = [], ""
for l in open(cf):
    l = l.rstrip("\n")
    if not cur and (not l.strip() or l.lstrip().startswith("#")):
        continue
    if l.endswith("\\"):
        cur += l[:-1] + " "
        continue
    lines.append(cur + l)
    cur = ""
ins = [(l.split(None, 1)[0].upper(), l.split(None, 1)[1] if " " in l.strip() else "") for l in lines]
known = {"FROM", "RUN", "WORKDIR", "COPY", "USER", "EXPOSE", "HEALTHCHECK", "STOPSIGNAL", "ENTRYPOINT", "CMD", "ENV", "ARG", "LABEL"}
for k, v in ins:
    if k not in known:
        errs.append("unknown instruction " + k)
froms = [v for k, v in ins if k == "FROM"]
if not froms or any(not re.match(r"debian:bookworm(-slim)?(\s|$)", f) for f in froms):
    errs.append("every FROM must be debian:bookworm: %s" % froms)
stages = [f.split()[-1] for f in froms if " AS " in f.upper()]
pkgs_by_stage, stage = [[] for _ in froms], -1
for k, v in ins:
    if k == "FROM":
        stage += 1
    if k == "RUN" and "apt-get install" in v:
        seg = v.split("apt-get install", 1)[1].split("&&")[0]
        pkgs_by_stage[stage] += [w for w in seg.split() if not w.startswith("-")]
    if k == "COPY":
        args = v.split()
        if args[0].startswith("--from="):
            if args[0][7:] not in stages:
                errs.append("COPY --from an unknown stage: " + v)
            src = args[1]
            if src == "/src/build/release/zonewarden":
                mk = open("Makefile").read()
                if "BIN := $(B)/zonewarden" not in mk or "B := build/$(VARIANT)" not in mk:
                    errs.append("the Makefile no longer builds build/release/zonewarden")
            else:
                errs.append("COPY --from of an unexpected path: " + src)
        else:
            for src in args[:-1]:
                if not os.path.exists(src):
                    errs.append("COPY source missing: " + src)
    if k == "RUN" and "make" in v.split() and "all" not in v.split():
        errs.append("the build does not run `make all`")
users = [v for k, v in ins if k == "USER"]
if not users or users[-1].split(":")[0] in ("0", "root"):
    errs.append("the image must end with a non-root USER, has %s" % users)
# every apt package exists
if shutil.which("apt-cache") and not quick:
    want = sorted(set(sum(pkgs_by_stage, [])))
    out = subprocess.run(["apt-cache", "show", "--no-all-versions"] + want, capture_output=True, text=True).stdout
    found = set(re.findall(r"^Package: (\S+)", out, re.M))
    for p in want:
        if p not in found:
            errs.append("no Debian package " + p)
# every shared library of the binary comes from a runtime package (or an essential one)
if shutil.which("ldd") and shutil.which("dpkg") and not quick:
    # direct dependencies (DT_NEEDED) only: apt pulls in the libraries' own
    runtime = set(pkgs_by_stage[-1]) | {"libc6"}  # libc6 is in every Debian image
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(["ldd", zw], capture_output=True, text=True).stdout, re.M))
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", subprocess.run(["readelf", "-d", zw], capture_output=True, text=True).stdout)
    if not needed:
        errs.append("readelf found no NEEDED entries in " + zw)
    for so in needed:
        if so not in paths:
            errs.append("ldd cannot resolve " + so)
            continue
        m = re.match(r"(.*)", paths[so])
        lib = os.path.realpath(m.group(1))
        r = subprocess.run(["dpkg", "-S", lib], capture_output=True, text=True)
        if r.returncode:
            r = subprocess.run(["dpkg", "-S", m.group(1)], capture_output=True, text=True)
        if r.returncode:
            errs.append("library %s belongs to no package" % lib)
            continue
        pkg = r.stdout.split(":")[0]
        prio = subprocess.run(["dpkg-query", "-W", "-f=${Priority} ${Essential}", pkg],
                              capture_output=True, text=True).stdout
        if pkg not in runtime and "required" not in prio and "yes" not in prio:
            errs.append("runtime image lacks %s (for %s)" % (pkg, os.path.basename(lib)))
# ENTRYPOINT is the copied binary, CMD a command of zonewarden --help with its options
ep = [json.loads(v) for k, v in ins if k == "ENTRYPOINT"]
cmd = [json.loads(v) for k, v in ins if k == "CMD"]
if ep != [["/usr/local/bin/zonewarden"]] or len(cmd) != 1:
    errs.append("want ENTRYPOINT [\"/usr/local/bin/zonewarden\"] and one CMD")
else:
    top = subprocess.run([zw, "--help"], capture_output=True, text=True)
    cmds = re.findall(r"^  (\S+)\s", top.stdout + top.stderr, re.M)
    sub = cmd[0][0]
    if sub not in cmds:
        errs.append("CMD runs %r, not a command of zonewarden --help %s" % (sub, cmds))
    h = subprocess.run([zw, sub, "--brokers", "x", "--help"], capture_output=True, text=True)
    for opt in [a for a in cmd[0][1:] if a.startswith("--")]:
        if opt not in h.stdout:
            errs.append("CMD option %s not in `zonewarden %s --help`" % (opt, sub))
for e in errs:
    print("Containerfile: " + e, file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}
# the mistakes the structural check must catch: a missing COPY source, a root user,
# a base that is not bookworm, a CMD that is no command
sed 's|^COPY detections |COPY no-such-dir |' "$CF" >"$W/cf.bad1"
sed 's|^USER 10001:10001|USER root|' "$CF" >"$W/cf.bad2"
sed 's|^FROM debian:bookworm-slim$|FROM debian:bullseye-slim|' "$CF" >"$W/cf.bad3"
sed 's|^CMD \["run"|CMD ["runn"|' "$CF" >"$W/cf.bad4"
for b in 1 2 3 4; do
    ! cmp -s "$CF" "$W/cf.bad$b" || fail "test bug: bad copy $b equals the Containerfile"
    if cf_check "$W/cf.bad$b" quick 2>"$W/cf.bad$b.err"; then
        fail "the Containerfile check accepted broken copy $b"
    fi
    echo "15-packaging: broken copy $b refused: $(head -1 "$W/cf.bad$b.err")"
done
sed 's|libyaml-0-2 |libyaml-0-2-typo |' "$CF" >"$W/cf.bad5"
! cmp -s "$CF" "$W/cf.bad5" || fail "test bug: bad copy 5 equals the Containerfile"
if command -v apt-cache >/dev/null && cf_check "$W/cf.bad5" 2>"$W/cf.bad5.err"; then
    fail "the Containerfile check accepted a package that does not exist"
fi
cf_check "$CF" || fail "Containerfile"
echo "15-packaging: Containerfile ok (structural: not built here)"
echo "15-packaging: ok"
