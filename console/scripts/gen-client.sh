#!/usr/bin/env bash
# Regenerate the typed client's types (src/api/schema.d.ts) from the platform's OpenAPI, no server needed.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
(cd "$root" && .venv/bin/python console/scripts/openapi.py "$tmp/openapi.json")
(cd "$here" && npx --no-install openapi-typescript "$tmp/openapi.json" -o src/api/schema.d.ts)
