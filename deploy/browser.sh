#!/usr/bin/env bash
# What the console's browser tests need from Debian: Chromium (driven by Playwright through
# executablePath) and a CJK font so that Chinese renders in screenshots. Installs only what is missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# grep without -q reads fc-list to the end: an early exit would SIGPIPE fc-list and, under pipefail, look like a miss.
fc-list : family 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
exec bash "$(dirname "$0")/apt-install.sh" browser ${missing[@]+"${missing[@]}"}
