#!/usr/bin/env bash
# Build the operator console (console/ → console/dist) when its sources changed: npm ci + vite build.
#   deploy/console.sh build          build if needed; without Node, say how to get the console and exit 0
#   deploy/console.sh build --strict the same, but fail without Node (make test)
#   deploy/console.sh check          vue-tsc --noEmit and the unit tests (Vitest)
#   deploy/console.sh deps           npm ci when package.json or the lock changed (the client-generation test)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/console"
say() { printf '%s\n' "$*" >&2; }

have_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local major; major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ]
}

no_node() {
  say "console: Node.js ≥ 20 and npm are needed to build the console (Debian: apt-get install nodejs npm);"
  say "         the API is served without it — open /docs for the API, or build later with: bash deploy/console.sh build"
}

hash_of() { (cd "$dir" && cat "$@" | sha1sum | cut -c1-16); }

deps() {
  local want; want="$(hash_of package.json package-lock.json)"
  if [ "$(cat "$dir/node_modules/.fupin-deps" 2>/dev/null)" != "$want" ]; then
    say "console: npm ci"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$dir/node_modules/.fupin-deps"
  fi
}

build() {
  local strict="${1:-}"
  if ! have_node; then no_node; [ "$strict" = "--strict" ] && return 1; return 0; fi
  local sources want
  # `public/` may not exist in a fresh clone (git keeps no empty folders): list only what is there.
  sources=$(cd "$dir" && for p in src public index.html vite.config.ts tsconfig.json package.json package-lock.json; do
    if [ -e "$p" ]; then find "$p" -type f; fi; done | LC_ALL=C sort)
  # shellcheck disable=SC2086
  want="$(hash_of $sources)"
  if [ -f "$dir/dist/index.html" ] && [ "$(cat "$dir/dist/.fupin-build" 2>/dev/null)" = "$want" ]; then
    say "console: console/dist is up to date"
    return 0
  fi
  deps
  say "console: vite build"
  (cd "$dir" && npx --no-install vite build --logLevel warn)
  echo "$want" >"$dir/dist/.fupin-build"
}

check() {
  have_node || { no_node; return 1; }
  deps
  (cd "$dir" && npx --no-install vue-tsc --noEmit && npx --no-install vitest run)
}

case "${1:-}" in
  build) build "${2:-}" ;;
  check) check ;;
  deps) have_node || { no_node; exit 1; }; deps ;;
  *) say "usage: $0 build [--strict] | check | deps"; exit 2 ;;
esac
