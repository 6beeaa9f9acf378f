#!/usr/bin/env bash
# 05-help-options: every option a subcommand's parser accepts appears in its --help, and
# every option its --help names is accepted.
#
# The accepted options come from the source: each `struct option` table in cli/*.c
# (`{"name", ...}` rows, and cmd_stage.c's key table) and each getopt_long short-option
# string, attributed to the function that holds it; MAP below says which subcommands each
# of those functions parses for (a function with options that MAP does not name fails
# the test, so a new command cannot slip by).  Each attribution is then checked against
# the binary: `CMD --NAME=probe --zz-unknown-probe` must not say "unrecognized option"
# (Kafka-mode options are probed after --brokers=probe).  Probes never reach the network
# or the file system: the unknown option after them stops every parser first.
# Also: `zonewarden --help` lists every command, help lines fit in 80 columns, and
# `make help` on a machine without the libraries (pkg-config finds nothing) prints no
# errors.
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# function holding an option table -> the subcommands it parses for (Kafka mode: k:CMD)
declare -A MAP=(
    [cmd_normalize]="normalize"
    [det_main]="detect run"
    [cmd_test]="test"
    [cmd_explain]="explain"
    [run]="compile lint"
    [cmd_export]="export"
    [cmd_exposure]="exposure"
    [cmd_config_review]="config-review"
    [cmd_axfr_check]="axfr-check"
    [cmd_stage]="k:normalize k:detect k:run"
)

# 1. (function, option) pairs from the sources
python3 - "$root"/cli/*.c >"$tmp/pairs" <<'EOF'
import re, sys
for path in sys.argv[1:]:
    fn = None
    for line in open(path):
        m = re.match(r'^(?:static\s+)?(?:int|void|const\s+\w+\s*\*?)\s*\**(\w+)\(', line)
        if m:
            fn = m.group(1)
        if re.match(r'^static const struct \{', line):
            fn = 'cmd_stage'   # the key table sits above cmd_stage()
        for name in re.findall(r'\{"([a-z][a-z0-9-]*)",\s*(?:required_argument|no_argument)', line):
            print(fn, '--' + name)
        for shorts in re.findall(r'getopt_long\(argc, argv, "([^"]*)"', line):
            for ch in shorts.replace(':', ''):
                print(fn, '-' + ch)
EOF
if [ ! -s "$tmp/pairs" ]; then
    echo "FAIL: no option tables found in cli/*.c"
    exit 1
fi

cmds=$("$bin" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
for c in normalize export summary formats compile lint exposure test explain detect run axfr-check; do
    if ! grep -qx "$c" <<<"$cmds"; then
        echo "FAIL: zonewarden --help does not list '$c'"
        fail=1
    fi
done

help_of() { # CMD [kafka] -> help text
    "$bin" "$1" --help 2>&1
}
in_help() { # TEXT OPTION -> 0 when OPTION appears as a word
    grep -qE -- "(^|[^a-zA-Z0-9-])$(sed 's/[][\.*^$]/\\&/g' <<<"$2")([^a-zA-Z0-9-]|$)" <<<"$1"
}
accepted() { # CMD kafka(0/1) OPTION -> 0 when the parser knows it
    local pre=()
    [ "$2" = 1 ] && pre=(--brokers=zzprobe)
    local out
    if [[ $3 == --* ]]; then
        out=$(timeout 10 "$bin" "$1" "${pre[@]}" "$3=zzprobe" --zz-unknown-probe </dev/null 2>&1)
    else
        out=$(timeout 10 "$bin" "$1" "${pre[@]}" "$3" zzprobe --zz-unknown-probe </dev/null 2>&1)
    fi
    ! grep -qE "unrecognized option '$3[=']|invalid option -- '${3#-}'" <<<"$out"
}

checked=0
while read -r fn opt; do
    if [ -z "${MAP[$fn]+x}" ]; then
        echo "FAIL: cli function $fn has options ($opt) but 05-help-options.sh does not map it to a command"
        fail=1
        continue
    fi
    for c in ${MAP[$fn]}; do
        kafka=0
        if [[ $c == k:* ]]; then
            kafka=1
            c=${c#k:}
        fi
        if ! accepted "$c" "$kafka" "$opt"; then
            echo "FAIL: $c does not accept $opt (05-help-options.sh maps $fn to it)"
            fail=1
        fi
        h=$(help_of "$c")
        if ! in_help "$h" "$opt"; then
            echo "FAIL: $c --help does not mention $opt (parsed in $fn)"
            fail=1
        fi
        checked=$((checked + 1))
    done
done < <(sort -u "$tmp/pairs")
echo "checked $checked (command, option) pairs from the option tables"

# 2. every option a help text names is accepted (plain or in Kafka mode), lines <= 80
for c in $cmds; do
    h=$(help_of "$c")
    rc=$?
    if [ $rc -ne 0 ] || [ -z "$h" ]; then
        echo "FAIL: $c --help exited $rc or printed nothing"
        fail=1
        continue
    fi
    long=$(awk 'length($0) > 80' <<<"$h")
    if [ -n "$long" ]; then
        echo "FAIL: $c --help has lines over 80 columns:"
        echo "$long"
        fail=1
    fi
    for opt in $(grep -oE -- '(^|[ ,\[(|])--[a-z][a-z0-9-]+' <<<"$h" | grep -oE -- '--[a-z0-9-]+' | sort -u); do
        if ! accepted "$c" 0 "$opt" && ! accepted "$c" 1 "$opt"; then
            echo "FAIL: $c --help names $opt but the parser does not accept it"
            fail=1
        fi
    done
done

# 3. every command's summary, with --help for options, in the top-level help
top=$("$bin" --help)
if ! grep -q -- '--version' <<<"$top"; then
    echo "FAIL: zonewarden --help does not mention --version"
    fail=1
fi

# 4. a fresh machine: make help with no libraries visible to pkg-config
out=$(cd "$root" && PKG_CONFIG_PATH=/nonexistent PKG_CONFIG_LIBDIR=/nonexistent env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s help 2>&1 >/dev/null)
if [ -n "$out" ]; then
    echo "FAIL: make help without libraries printed on stderr:"
    echo "$out"
    fail=1
fi
out=$(cd "$root" && PKG_CONFIG_PATH=/nonexistent PKG_CONFIG_LIBDIR=/nonexistent env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n -B all 2>&1)
if ! grep -q 'missing libraries (pkg-config): .*make deps' <<<"$out" || grep -q 'Package .* was not found' <<<"$out"; then
    echo "FAIL: make without libraries does not say which are missing and how to install them:"
    echo "$out" | head -5
    fail=1
fi

[ $fail -eq 0 ] && echo "ok: every parsed option is in --help and every --help option is parsed"
exit $fail
