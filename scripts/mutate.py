#!/usr/bin/env python3
"""mutate.py - a small, bounded mutation tester for zonewarden's core (`make mutate`).

Not part of `make check` (like `make bench`): it measures how many deliberate small bugs
the tests catch.  For each module it enumerates the mutants of its C files, samples
MUTATE_N of them (seeded: MUTATE_SEED), and for each one writes the mutated file into a
private copy of the tree (build/mutate/tree), rebuilds the module's fast test set there
(unit suites and fuzz-corpus replays, then the fast end-to-end scripts of
tests/integration that need no server and no broker, unless MUTATE_E2E=0; built at -O1
without -Werror: a mutant may leave an unused variable) and runs it.  A mutant is killed when a test fails or times out,
survives when every test passes, and is invalid when it does not compile (not counted).
Prints the kill rate per module and every survivor (file:line, operator, diff), and
writes the same to build/mutate/report.txt.

Mutation operators (applied outside comments, strings, character literals and
preprocessor lines):  == <-> !=;  < -> <=, <= -> <, > -> >=, >= -> >;  && <-> ||;
binary + <-> -;  an integer constant N -> N+1;  an assignment statement deleted;
`return EXPR;` -> `return 0;`.  Lines about out-of-memory (ZW_ENOMEM, "out of memory")
are not mutated: without allocation-fault injection no test can reach them.

Environment: MUTATE_N (mutants per module, default 20), MUTATE_SEED (default 1),
MUTATE_MODULES (space-separated subset of: parsers matcher correlator kafka exposure),
MUTATE_TIMEOUT (seconds for one mutant's test set, default 60), MUTATE_JOBS (make -j,
default 2), MUTATE_ONLY (space-separated FILE:LINE: every mutant of those lines instead
of a sample, e.g. to check that a new test kills a survivor).  The real tree and build/release are never touched.
"""
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
WORK = os.path.join(ROOT, "build", "mutate")
TREE = os.path.join(WORK, "tree")
VARIANT = "mut"

PARSER_SUITES = ["check_bind", "check_knot", "check_nsd", "check_pdns", "check_zeek",
                 "check_windns", "check_infoblox", "check_syslog", "check_providers_aws",
                 "check_providers_azure", "check_providers_cloudflare", "check_providers_gcp",
                 "check_providers_inventory", "check_writer"]
PARSER_REPLAYS = ["azure", "bind", "cloudflare", "cloudtrail", "gcp", "infoblox", "jsonscan",
                  "knot", "nsd", "pdns", "syslog", "windns", "zeek", "zeek_json"]

# A parser file's own suites and replays (the shared normalizer files get them all):
# fewer binaries to link keeps a parser mutant well under 30 s.
PARSER_OWN = {
    "nz_parse_bind.c": (["check_bind"], ["bind"]),
    "nz_parse_knot.c": (["check_knot"], ["knot"]),
    "nz_parse_nsd.c": (["check_nsd"], ["nsd"]),
    "nz_parse_pdns.c": (["check_pdns"], ["pdns"]),
    "nz_parse_zeek.c": (["check_zeek"], ["zeek", "zeek_json"]),
    "nz_parse_windns.c": (["check_windns"], ["windns"]),
    "nz_parse_infoblox.c": (["check_infoblox"], ["infoblox"]),
    "nz_parse_azure.c": (["check_providers_azure"], ["azure"]),
    "nz_parse_cloudflare.c": (["check_providers_cloudflare"], ["cloudflare"]),
    "nz_parse_cloudtrail.c": (["check_providers_aws"], ["cloudtrail"]),
    "nz_parse_route53.c": (["check_providers_aws"], []),
    "nz_parse_gcp.c": (["check_providers_gcp"], ["gcp"]),
    "nz_inventory.c": (["check_providers_inventory"], ["inventory"]),
}

# Fast end-to-end scripts of tests/integration (a few seconds each, no server, no
# broker), run after the unit suites and replays of a module's mutant.
E2E_DETECT = ["60-detect-servers-e2e.sh", "61-detect-providers-e2e.sh", "62-export-sigma.sh",
              "63-corr-state.sh"]
E2E = {
    "parsers": ["10-ocsf-conformance.sh", "25-providers-cli.sh", "60-detect-servers-e2e.sh",
                "61-detect-providers-e2e.sh"],
    "matcher": E2E_DETECT,
    "correlator": E2E_DETECT,
    "kafka": [],
    "exposure": ["10-ocsf-conformance.sh"],
}

# module -> (source globs, files excluded, unit suites, fuzz replays)
MODULES = {
    "parsers": (["normalizer/*.c"], [], PARSER_SUITES, PARSER_REPLAYS),
    "matcher": (["engine/*.c"], ["engine/en_corr*.c"],
                ["check_engine", "check_compiler", "check_sigma_conditions",
                 "check_sigma_modifiers", "check_alert", "check_corr_rules"],
                ["tables", "sigma"]),
    "correlator": (["engine/en_corr*.c"], [], ["check_corr", "check_corr_rules", "check_alert"],
                   ["corr_state"]),
    "kafka": (["kafka/*.c"], [], ["check_kafka_mock"], []),
    "exposure": (["exposure/*.c"], [], ["check_exposure", "check_providers_inventory"],
                 ["exposure_zone", "exposure_export", "inventory"]),
}


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit("mutate: %s must be an integer" % name)


# ---- finding mutants -------------------------------------------------------------

STR_RE = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'')
DECL_RE = re.compile(r"^\s*(const\s+|static\s+|unsigned\s+|struct\s+|enum\s+)*"
                     r"[A-Za-z_]\w*[\s\*]+\**[A-Za-z_]\w*\s*(\[[^\]]*\])?\s*=")
ASSIGN_RE = re.compile(r"^\s*[A-Za-z_\*\(][\w\.\->\[\]\(\)\*\s]*?\s(=|\+=|-=|\|=|&=)\s[^=].*;\s*$")
OOM_RE = re.compile(r"ENOMEM|out of memory")
RETURN_RE = re.compile(r"^(\s*)return\s+(.+);\s*$")


def masked_lines(text):
    """Yields (lineno, line, masked) for code lines: comments, strings, character
    literals become spaces in masked; preprocessor lines are skipped."""
    in_comment = False
    for n, line in enumerate(text.split("\n"), 1):
        m = STR_RE.sub(lambda mo: " " * len(mo.group(0)), line)
        out = []
        i = 0
        while i < len(m):
            if in_comment:
                j = m.find("*/", i)
                if j < 0:
                    out.append(" " * (len(m) - i))
                    i = len(m)
                else:
                    out.append(" " * (j + 2 - i))
                    i = j + 2
                    in_comment = False
            else:
                j = m.find("/*", i)
                k = m.find("//", i)
                if k >= 0 and (j < 0 or k < j):
                    out.append(m[i:k] + " " * (len(m) - k))
                    i = len(m)
                elif j >= 0:
                    out.append(m[i:j] + "  ")
                    i = j + 2
                    in_comment = True
                else:
                    out.append(m[i:])
                    i = len(m)
        masked = "".join(out)
        if masked.lstrip().startswith("#") or not masked.strip():
            continue
        if OOM_RE.search(line):
            continue  # out-of-memory paths: unreachable without allocation faults
        yield n, line, masked


def operand_before(masked, i):
    """An operand ends just before i (so + or - at i is binary, not unary)."""
    j = i - 1
    while j >= 0 and masked[j] == " ":
        j -= 1
    if j < 0 or not (masked[j].isalnum() or masked[j] in "_)]"):
        return False
    word = re.search(r"(\w+)$", masked[:j + 1])
    return not (word and word.group(1) in ("return", "case", "sizeof"))


def line_mutants(line, masked):
    """(description, mutated line) for one line."""
    out = []
    for mo in re.finditer(r"==|!=|<=|>=|&&|\|\||<<|>>|->|\+\+|--|\+=|-=|[<>+\-]", masked):
        op, i = mo.group(0), mo.start()
        rep = {"==": "!=", "!=": "==", "<=": "<", ">=": ">", "&&": "||", "||": "&&",
               "<": "<=", ">": ">="}.get(op)
        if op in ("+", "-"):
            nxt = masked[i + 1:i + 2]
            if operand_before(masked, i) and nxt != "=":
                rep = "-" if op == "+" else "+"
        if rep:
            out.append(("%s -> %s" % (op, rep), line[:i] + rep + line[i + len(op):]))
    for mo in re.finditer(r"(?<![\w.])(\d+)(?![\w.])", masked):
        i = mo.start()
        if masked[max(0, i - 1):i] in ("x", "X"):
            continue
        v = int(mo.group(1))
        out.append(("%d -> %d" % (v, v + 1), line[:i] + str(v + 1) + line[mo.end():]))
    code = masked.rstrip()
    if (ASSIGN_RE.match(masked) and not DECL_RE.match(masked) and "{" not in code
            and code.endswith(";") and code.count(";") == 1 and not code.lstrip().startswith("for")):
        indent = line[:len(line) - len(line.lstrip())]
        out.append(("delete assignment", indent + ";"))
    rm = RETURN_RE.match(masked)
    if rm and rm.group(2).strip() not in ("0", "NULL", "ZW_OK", "false"):
        out.append(("return -> return 0", rm.group(1) + "return 0;"))
    return out


def module_files(mod):
    globs, excl, _, _ = MODULES[mod]
    files = set()
    for g in globs:
        files.update(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, g)))
    for g in excl:
        files.difference_update(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, g)))
    return sorted(files)


def enumerate_mutants(mod):
    muts = []
    for f in module_files(mod):
        with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
            text = fh.read()
        for n, line, masked in masked_lines(text):
            for desc, new in line_mutants(line, masked):
                muts.append((f, n, desc, line, new))
    return muts


# ---- building and testing ----------------------------------------------------------

def copy_tree():
    """A private copy of the tracked files (and the working-tree edits to them)."""
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in files:
        if not f or f.startswith("build/"):
            continue
        src, dst = os.path.join(ROOT, f), os.path.join(TREE, f)
        if not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if not os.path.exists(dst) or open(src, "rb").read() != open(dst, "rb").read():
            shutil.copyfile(src, dst)  # a new mtime: make rebuilds from it


def test_set(mod, f=None):
    """(suites, replays) run for a mutant of file f (all of the module's without f)."""
    _, _, suites, replays = MODULES[mod]
    if mod == "parsers" and f and os.path.basename(f) in PARSER_OWN:
        own = PARSER_OWN[os.path.basename(f)]
        return own[0] + ["check_writer"], own[1]
    return suites, replays


def e2e_scripts(mod):
    return [] if os.environ.get("MUTATE_E2E", "1") == "0" else E2E[mod]


def targets(mod, f=None):
    suites, replays = test_set(mod, f)
    b = "build/%s" % VARIANT
    return (["%s/zonewarden" % b] * bool(e2e_scripts(mod)) +
            ["%s/tests/%s" % (b, s) for s in suites] +
            ["%s/fuzz/fuzz_%s-replay" % (b, r) for r in replays])


def build(mod, jobs, f=None):
    cmd = ["make", "-s", "-j%d" % jobs, "VARIANT=%s" % VARIANT, "WARN=-std=c11 -w",
           "VCFLAGS=-O1"] + targets(mod, f)
    r = subprocess.run(cmd, cwd=TREE, capture_output=True, timeout=600)
    return r.returncode == 0, r.stderr.decode(errors="replace")


def run_tests(mod, timeout, f=None):
    """0 all passed, else a short reason of the first failure."""
    suites, replays = test_set(mod, f)
    b = os.path.join(TREE, "build", VARIANT)
    env = dict(os.environ, ZW_BIN=os.path.join(b, "zonewarden"), CK_DEFAULT_TIMEOUT="30")
    deadline = time.time() + timeout
    cmds = [([os.path.join(b, "tests", s)], s) for s in suites]
    cmds += [([os.path.join(b, "fuzz", "fuzz_%s-replay" % r), "fuzz/corpus/%s" % r],
              "replay " + r) for r in replays]
    env["ZW_ROOT"] = TREE
    cmds += [(["bash", os.path.join(TREE, "tests", "integration", t)], t)
             for t in e2e_scripts(mod)]
    for cmd, name in cmds:
        left = deadline - time.time()
        if left <= 0:
            return "timeout before " + name
        try:
            r = subprocess.run(cmd, cwd=TREE, env=env, capture_output=True, timeout=left)
        except subprocess.TimeoutExpired:
            return "timeout in " + name
        if r.returncode != 0:
            return "%s exit %d" % (name, r.returncode)
    return 0


def main():
    n = env_int("MUTATE_N", 20)
    seed = env_int("MUTATE_SEED", 1)
    timeout = env_int("MUTATE_TIMEOUT", 60)
    jobs = env_int("MUTATE_JOBS", 2)
    mods = os.environ.get("MUTATE_MODULES", " ".join(MODULES)).split()
    for m in mods:
        if m not in MODULES:
            sys.exit("mutate: unknown module %r (known: %s)" % (m, " ".join(MODULES)))
    os.makedirs(TREE, exist_ok=True)
    copy_tree()
    report = []

    def say(s=""):
        print(s, flush=True)
        report.append(s)

    say("mutate: seed %d, %d mutants per module, timeout %d s per mutant" % (seed, n, timeout))
    summary = []
    for mod in mods:
        muts = enumerate_mutants(mod)
        only = os.environ.get("MUTATE_ONLY", "").split()
        if only:
            sample = [mu for mu in muts if "%s:%d" % (mu[0], mu[1]) in only]
            if not sample:
                continue
        else:
            rnd = random.Random("%d:%s" % (seed, mod))
            sample = rnd.sample(muts, min(n, len(muts)))
        ok, err = build(mod, jobs)
        if not ok:
            sys.exit("mutate: %s: the unmutated tree does not build:\n%s" % (mod, err[-2000:]))
        base = run_tests(mod, timeout * 3)
        if base:
            sys.exit("mutate: %s: tests fail without a mutant (%s)" % (mod, base))
        say("== %s: %d files, %d candidate mutants, %d sampled" %
            (mod, len(module_files(mod)), len(muts), len(sample)))
        killed, survivors, invalid = 0, [], 0
        for k, (f, line_no, desc, old, new) in enumerate(sample, 1):
            path = os.path.join(TREE, f)
            with open(path, encoding="utf-8") as fh:
                orig = fh.read()
            lines = orig.split("\n")
            assert lines[line_no - 1] == old
            lines[line_no - 1] = new
            t0 = time.time()
            try:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write("\n".join(lines))
                built, _ = build(mod, jobs, f)
                verdict = run_tests(mod, timeout, f) if built else None
            finally:
                with open(path, "w", encoding="utf-8") as fh:
                    fh.write(orig)
            dt = time.time() - t0
            if verdict is None:
                invalid += 1
                state = "invalid (does not compile)"
            elif verdict:
                killed += 1
                state = "killed: " + verdict
            else:
                survivors.append((f, line_no, desc, old, new))
                state = "SURVIVED"
            print("  [%d/%d] %s:%d %s: %s (%.1f s)" % (k, len(sample), f, line_no, desc, state, dt),
                  flush=True)
        valid = killed + len(survivors)
        rate = 100.0 * killed / valid if valid else 0.0
        summary.append((mod, killed, valid, invalid, rate))
        say("%s: killed %d of %d valid mutants (%.0f%%), %d survived, %d invalid" %
            (mod, killed, valid, rate, len(survivors), invalid))
        for f, line_no, desc, old, new in survivors:
            say("  survivor %s:%d (%s)" % (f, line_no, desc))
            say("    - %s" % old.strip())
            say("    + %s" % new.strip())
    build(mods[-1], jobs)  # leave the copy's objects unmutated
    say("")
    say("module       killed/valid  rate   invalid")
    for mod, killed, valid, invalid, rate in summary:
        say("%-12s %5d/%-5d   %5.1f%%  %d" % (mod, killed, valid, rate, invalid))
    with open(os.path.join(WORK, "report.txt"), "w", encoding="utf-8") as fh:
        fh.write("\n".join(report) + "\n")
    print("report in %s" % os.path.relpath(os.path.join(WORK, "report.txt"), ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
