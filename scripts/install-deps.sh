#!/usr/bin/env bash
# install-deps.sh - installs every Debian package zonewarden needs to build, test and
# run its integration tests.  Idempotent: does nothing when everything is present.
# Used by `make demo`, by README's test command and by .ci/run.
set -euo pipefail

PKGS=(
  build-essential pkg-config clang clang-format clang-tidy libclang-rt-14-dev
  libpcre2-dev libfastjson-dev librdkafka-dev check libyaml-dev zlib1g-dev libldns-dev ldnsutils
  libfstrm-dev libprotobuf-c-dev protobuf-c-compiler fstrm-bin knot-module-dnstap
  bind9 bind9-utils bind9-dnsutils knot knot-dnsutils nsd pdns-server pdns-backend-bind dnsdist
  kcat jq liblognorm-utils iproute2 util-linux procps time python3 python3-yaml man-db groff-base
  default-jre-headless maven chromium
  prometheus systemd
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps the packaged daemons (named, knotd, nsd, pdns) from starting:
# the tests start their own on loopback inside a private network namespace.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod 755 /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
