#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it when missing and we are allowed to.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null
else
  echo "Chromium is not installed: the browser tests will be skipped (apt-get install chromium)" >&2
fi
