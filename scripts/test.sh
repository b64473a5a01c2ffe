#!/usr/bin/env bash
# The whole test suite from a fresh clone (README quick start, CI): installs and starts what it
# needs — npm dependencies, Debian's Chromium, PostgreSQL, MariaDB, a Kafka broker — then runs
# lint, typecheck, build, unit + integration tests, E2E tests in Chromium and the Electron
# security scan. Stops at the first failing stage with a message that says what to do.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

require_node
ensure_npm_dependencies
ensure_chromium
ensure_postgres
ensure_mariadb
bash scripts/kafka.sh fetch
bash scripts/kafka.sh start

stage() {
  local name="$1"
  shift
  say "── $name"
  local started=$SECONDS
  if ! "$@"; then
    FAILED+=("$name")
    say "✗ $name failed ($((SECONDS - started)) s)"
    return 1
  fi
  say "✓ $name ($((SECONDS - started)) s)"
}

FAILED=()
status=0
stage lint npm run --silent lint || status=1
stage typecheck npm run --silent typecheck || status=1
stage build npm run --silent build || status=1
rm -rf .cache/results && mkdir -p .cache/results
stage 'unit and integration tests' npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/results/vitest.json || status=1
if [[ -f out/renderer/index.html ]]; then
  stage 'E2E tests (Chromium, web shell)' env PLAYWRIGHT_JSON_OUTPUT_FILE=.cache/results/playwright.json \
    npx playwright test --reporter=list,json || status=1
else
  FAILED+=('E2E tests (no build)')
  status=1
fi
stage 'Electron security scan' node scripts/electronegativity.mjs || status=1

node scripts/test-summary.mjs || true
if [[ $status -ne 0 ]]; then
  say "FAILED: ${FAILED[*]}"
  exit 1
fi
say 'All stages passed.'
