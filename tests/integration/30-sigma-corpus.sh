#!/usr/bin/env bash
# 30-sigma-corpus: `zonewarden compile --keep-going` over every rule file of the SigmaHQ
# corpus (tests/data/sigma/rules, a copy of SigmaHQ; see its README.md).  Asserts that at
# least 99% of the documents compile, that every skipped document names its reason with
# file:line:col, that the tables file loads back (detect over a few events), and that
# lint without --keep-going fails when something is skipped.
set -u
root=${ZW_ROOT:?}
bin=${ZW_BIN:?}
corpus=${ZW_SIGMA_CORPUS:-$root/tests/data/sigma}
if [ ! -d "$corpus/rules" ]; then
    echo "FAIL: SigmaHQ corpus not found at $corpus/rules (set ZW_SIGMA_CORPUS)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

"$bin" compile --keep-going --fieldmaps none "$corpus/rules" -o "$tmp/sigma.zwt" 2>"$tmp/diag.txt"
rc=$?
summary=$(grep '^zonewarden compile:' "$tmp/diag.txt")
echo "$summary"
if [ $rc -ne 0 ] || [ ! -s "$tmp/sigma.zwt" ]; then
    echo "FAIL: compile --keep-going exited $rc or wrote no tables"
    fail=1
fi
docs=$(echo "$summary" | sed -n 's/.* \([0-9]*\) documents: .*/\1/p')
compiled=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) compiled.*/\1/p')
skipped=$(echo "$summary" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
files=$(find "$corpus/rules" -name '*.yml' | wc -l)
# the summary must parse: an unreadable summary fails, it never skips the checks below
case "$docs:$compiled:$skipped" in
*[!0-9:]* | :* | *::* | *:)
    echo "FAIL: cannot read documents/compiled/skipped from the summary '$summary'"
    echo "      (got docs='$docs' compiled='$compiled' skipped='$skipped')"
    exit 1
    ;;
esac
if [ $((compiled + skipped)) -ne "$docs" ]; then
    echo "FAIL: $compiled compiled + $skipped skipped != $docs documents"
    fail=1
fi
if [ -z "$docs" ] || [ "$docs" -lt "$files" ]; then
    echo "FAIL: $files rule files but only '${docs}' documents read"
    fail=1
fi
if [ $((compiled * 100)) -lt $((docs * 99)) ]; then
    echo "FAIL: only $compiled of $docs documents compiled (< 99%)"
    fail=1
else
    echo "ok: $compiled of $docs compiled ($(awk -v c="$compiled" -v d="$docs" 'BEGIN{printf "%.2f", 100*c/d}')%), $skipped skipped"
fi
# every skip names its construct with a position
reasons=$(grep -cE '^[^:]+\.yml:[0-9]+:[0-9]+: (error|unsupported): ' "$tmp/diag.txt")
if [ "$skipped" -gt 0 ] && [ "$reasons" -lt "$skipped" ]; then
    echo "FAIL: $skipped skipped but only $reasons positioned reasons"
    fail=1
fi
grep -E ': (error|unsupported): ' "$tmp/diag.txt" | sed 's/^/  skip: /' | head -20

# the tables load and match
printf '%s\n' '{"Image":"C:\\Windows\\System32\\whoami.exe","CommandLine":"whoami /all","ParentImage":"C:\\Windows\\System32\\cmd.exe"}' \
    '{"EventID":1,"Image":"C:\\Program Files\\App\\app.exe","CommandLine":"app.exe --update"}' >"$tmp/ev.jsonl"
if ! "$bin" detect -r "$tmp/sigma.zwt" --output matches "$tmp/ev.jsonl" >"$tmp/m.txt" 2>"$tmp/d.err"; then
    echo "FAIL: detect over the corpus tables failed"; cat "$tmp/d.err"; fail=1
fi
if ! grep -q $'\t0$' "$tmp/m.txt"; then
    echo "FAIL: the whoami event matched no SigmaHQ rule"; fail=1
else
    echo "ok: whoami event matched $(grep -c $'\t0$' "$tmp/m.txt") rules"
fi

# without --keep-going, any skipped document fails the build and writes nothing
if [ "$skipped" -gt 0 ]; then
    if "$bin" compile "$corpus/rules" -o "$tmp/strict.zwt" 2>/dev/null; then
        echo "FAIL: compile without --keep-going succeeded despite skipped documents"; fail=1
    elif [ -e "$tmp/strict.zwt" ]; then
        echo "FAIL: tables written despite errors"; fail=1
    else
        echo "ok: strict compile refused"
    fi
else
    # nothing skipped: the strict compile must succeed and write the tables
    if ! "$bin" compile --fieldmaps none "$corpus/rules" -o "$tmp/strict.zwt" 2>"$tmp/strict.err" ||
        [ ! -s "$tmp/strict.zwt" ]; then
        echo "FAIL: strict compile failed although --keep-going skipped nothing"
        head -5 "$tmp/strict.err"
        fail=1
    else
        echo "ok: strict compile succeeded (nothing skipped)"
    fi
fi

# a corrupted tables file is refused with a clear error
cp "$tmp/sigma.zwt" "$tmp/bad.zwt"
printf 'X' | dd of="$tmp/bad.zwt" bs=1 seek=1000 conv=notrunc 2>/dev/null
if "$bin" detect -r "$tmp/bad.zwt" "$tmp/ev.jsonl" >/dev/null 2>"$tmp/bad.err" || ! grep -q 'corrupted' "$tmp/bad.err"; then
    echo "FAIL: corrupted tables file not refused"; cat "$tmp/bad.err"; fail=1
else
    echo "ok: corrupted tables refused: $(cat "$tmp/bad.err")"
fi
exit $fail
