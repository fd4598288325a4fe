#!/usr/bin/env bash
# Make the Pango/HarfBuzz libraries WeasyPrint needs for PDF reports available.
# Installs Debian's packages with apt-get when we are root; otherwise says how. Without
# them Ulinzi still runs: the report pages say PDF rendering is unavailable and why.
# With CI=true missing libraries fail the run (the PDF tests must run in CI).
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core"
have() { /sbin/ldconfig -p 2>/dev/null | grep -q "$1"; }
if have libpango-1.0.so.0 && have libpangoft2-1.0.so.0 && have libharfbuzz-subset.so.0; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's Pango libraries for PDF reports..."
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: Pango libraries are missing and cannot be installed here (CI=true requires them)." >&2
  exit 1
fi
echo "NOTE: Pango libraries are missing; PDF reports are off (sudo apt-get install $PACKAGES)."
