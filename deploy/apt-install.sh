#!/usr/bin/env bash
# Installs Debian packages for one of the project's scripts: `apt-install.sh WHO PACKAGE...` (nothing when
# no package is named), as root or through sudo, and says what it installs under the caller's name.
set -euo pipefail
who=$1; shift
[ $# -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "$who: missing $*; install them as root (apt-get install $*)" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "$who: installing $*" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
