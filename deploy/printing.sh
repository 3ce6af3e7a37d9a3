#!/usr/bin/env bash
# What printing needs from Debian (shared/printing.py and its tests): a CJK font that fontconfig finds
# (fonts-noto-cjk; the notices and income statements embed it) and poppler-utils, whose pdftoppm and
# pdftotext the tests use to look at the printed pages. Installs only what is missing.
set -euo pipefail
missing=()
command -v fc-match >/dev/null 2>&1 || missing+=(fontconfig)
# grep without -q reads fc-list to the end: an early exit would SIGPIPE fc-list and, under pipefail, look like a miss.
fc-list :lang=zh-cn family 2>/dev/null | grep -i 'Noto Sans CJK' >/dev/null || missing+=(fonts-noto-cjk)
{ command -v pdftoppm && command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 || missing+=(poppler-utils)
exec bash "$(dirname "$0")/apt-install.sh" printing ${missing[@]+"${missing[@]}"}
