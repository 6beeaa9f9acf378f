#!/usr/bin/env python3
"""gen-man.py - writes the zonewarden(1) man page (roff) from the binary's help texts.

    scripts/gen-man.py BINARY VERSION > man/zonewarden.1      (make man)

The COMMANDS section is the `--help` text of every command, so the page cannot drift
from the options the parser accepts (tests/integration/05-help-options.sh checks the
help texts against the parsers, 08-man-page.sh checks that man/zonewarden.1 is what this
script writes today and that man(1) reads it without warnings).  The other sections are
written here by hand.

Help-text layout it understands: a `usage:` line (with indented continuation lines), prose
lines, option lines `  -x, --name ARG   what it does` whose description continues on
lines indented further, and heading lines that end with `:`.
"""
import re
import subprocess
import sys


def esc(s):
    """Text -> roff: backslashes, hyphens of options, leading dots and quotes."""
    s = s.replace('\\', '\\e')
    s = re.sub(r'(?<![\w])-', r'\\-', s)  # option dashes; word-internal hyphens stay
    if s.startswith('.') or s.startswith("'"):
        s = '\\&' + s
    return s


def opt_spec(spec):
    """'-o, --output FILE' -> bold names, italic arguments."""
    out = []
    for part in spec.split(', '):
        words = part.split(' ', 1)
        r = '\\fB' + esc(words[0]) + '\\fR'
        if len(words) > 1:
            r += ' \\fI' + esc(words[1]) + '\\fR'
        out.append(r)
    return ', '.join(out)


def help_to_roff(cmd, text):
    lines = text.rstrip('\n').split('\n')
    out = ['.SS "%s"' % cmd]
    i = 0
    if lines and lines[0].startswith('usage: '):
        syn = lines[0][len('usage: '):]
        i = 1
        while i < len(lines) and lines[i].startswith(' ') and not lines[i].lstrip().startswith('-'):
            syn += ' ' + lines[i].strip()
            i += 1
        out += ['.nf', '\\fB' + esc(syn) + '\\fR', '.fi']
    para = []

    def flush():
        if para:
            out.append('.PP')
            out.append(esc(' '.join(para)))
            para.clear()

    in_opt = False
    while i < len(lines):
        l = lines[i]
        i += 1
        if not l.strip():
            flush()
            in_opt = False
            continue
        m = re.match(r'^  (-\S.*?)(?: {2,}(.*))?$', l)
        if m:
            flush()
            out.append('.TP')
            out.append(opt_spec(m.group(1)))
            out.append(esc(m.group(2) or ''))
            in_opt = True
            continue
        if in_opt and re.match(r'^ {10,}\S', l):
            out.append(esc(l.strip()))
            continue
        in_opt = False
        para.append(l.strip())
    flush()
    return out


HEAD = r'''.\" zonewarden(1) - written by scripts/gen-man.py from the --help texts (make man).
.TH ZONEWARDEN 1 "" "zonewarden %(version)s" "User Commands"
.SH NAME
zonewarden \- normalize DNS server and provider logs, compile and run detections of DNS
reconnaissance (MITRE ATT&CK T1590.002)
.SH SYNOPSIS
.B zonewarden
.I command
.RI [ options ]
.RI [ file ...]
.br
.B zonewarden \-\-version
.br
.B zonewarden \-\-help
.SH DESCRIPTION
.B zonewarden
catches zone-transfer (AXFR/IXFR) attempts against authoritative DNS servers and DNS
configuration and record changes on servers and in managed-DNS providers.
It normalizes DNS server logs (BIND 9, Knot, NSD, PowerDNS, Windows DNS Server, Zeek,
Infoblox) and provider audit logs (AWS CloudTrail and Route 53, GCP Cloud DNS, Azure,
Cloudflare) into OCSF 1.8.0 events (ECS on request), compiles detections (its DET
format and Sigma rules, filters, correlations) into a tables file, runs them over the
event stream and writes OCSF Detection Finding alerts.
.PP
.BR normalize ,
.B detect
and
.B run
also work as a Kafka consumer-group stage when given
.B \-\-brokers
or
.BR \-\-kafka\-config .
.PP
Every command prints its options with
.BR \-\-help .
Records no parser accepts are never dropped silently: they go to the dead-letter file
or topic with their raw bytes, position and reason, and are counted.
.SH COMMANDS
'''

TAIL = r'''.SH ENVIRONMENT
.TP
.B ZW_DATADIR
directory holding the shipped data
.RI ( schemas/ ,
.IR detections/ ,
.IR tuning/ );
when set, nothing else is searched.
.TP
.B ZW_FIELDMAPS
directory of Sigma field maps (default
.IR schemas/fieldmaps
in the data directory).
.TP
.B ZONEWARDEN_FINGERPRINTS
fingerprint table for
.B exposure
(default
.I schemas/fingerprints.json
in the data directory).
.SH FILES
The data directory is found, in this order: next to the binary
.RI ( BIN /../share/zonewarden,
so an installation can be moved or staged with DESTDIR), the source tree when the
binary runs from
.IR build/ ,
the directory compiled in
.RI ( PREFIX /share/zonewarden),
the current directory.
.TP
.I PREFIX/share/zonewarden/schemas/
JSON Schemas, Sigma field maps, provider fingerprints.
.TP
.I PREFIX/share/zonewarden/detections/
the shipped T1590.002 detection strategy (DET0843).
.TP
.I PREFIX/share/zonewarden/tuning/demo.yml
a tuning example (127.0.0.2 is the approved secondary).
.SH EXIT STATUS
0 success; 1 the command ran and found a failure (a detection error, a failed
example, a
.B \-\-fail\-on
match, an allowed zone transfer); 2 usage error; 3 input or output error.
Commands with their own meaning say so in their text above.
.SH EXAMPLES
Compile the shipped detections with the tuning example and run them over a BIND log:
.PP
.nf
.RS
zonewarden compile \-\-tuning PREFIX/share/zonewarden/tuning/demo.yml \e
    \-o rules.zwt PREFIX/share/zonewarden/detections/
zonewarden run \-r rules.zwt \-\-dlq dead.jsonl /var/log/named/query.log > alerts.jsonl
zonewarden summary alerts.jsonl
.RE
.fi
.SH SEE ALSO
The documents in the source tree:
.I README.md
and
.I docs/
(EVENT.md, DETECTIONS.md, CONTENT.md, CORRELATION.md, KAFKA.md, EXPOSURE.md,
INVENTORY.md).
'''


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: gen-man.py BINARY VERSION\n')
        return 2
    binary, version = sys.argv[1], sys.argv[2]
    top = subprocess.run([binary, '--help'], capture_output=True, text=True, check=True).stdout
    cmds = re.findall(r'^  ([a-z][a-z-]*) ', top, re.M)
    if not cmds:
        sys.stderr.write('gen-man.py: no commands in %s --help\n' % binary)
        return 1
    out = [HEAD % {'version': version}]
    for c in cmds:
        h = subprocess.run([binary, c, '--help'], capture_output=True, text=True, check=True).stdout
        out.append('\n'.join(help_to_roff(c, h)) + '\n')
    out.append(TAIL)
    sys.stdout.write(''.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
