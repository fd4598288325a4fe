#!/usr/bin/env bash
# Make Debian's Chromium available for the end-to-end tests (headless, driven by Playwright).
# Installs it with apt-get when we are root; otherwise says how. With CI=true a missing
# browser fails the run.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: /usr/bin/chromium is missing and cannot be installed here (CI=true requires it)." >&2
  exit 1
fi
echo "NOTE: /usr/bin/chromium is missing; browser tests will be skipped (sudo apt-get install chromium)."
