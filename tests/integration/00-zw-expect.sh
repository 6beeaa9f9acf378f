#!/usr/bin/env bash
# 00-zw-expect.sh - the expectation checker (tests/integration/lib/zw_expect.py) is
# itself tested before any test relies on it: `path!=value` needs the path present, a
# file with zero expectations fails, counts and the other conditions fail when they
# should (tests/integration/lib/test_zw_expect.py, python unittest).
set -u
ZW_ROOT=${ZW_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
python3 "$ZW_ROOT/tests/integration/lib/test_zw_expect.py" -v 2>&1 | tail -n 4
exit "${PIPESTATUS[0]}"
