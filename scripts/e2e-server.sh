#!/usr/bin/env bash
# The server the browser tests drive: the production build on a fresh embedded
# database (the same path as `npm run demo`), migrated and seeded with the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGLITE_DIR=.data/e2e/pglite DEMO_KEYS_FILE=.data/e2e/demo-keys.json PORT="${E2E_PORT:-3100}"
unset DATABASE_URL REDIS_URL
rm -rf .data/e2e .data/e2e.lock
npm run --silent db:migrate
npm run --silent db:seed -- --demo
exec node scripts/start.mjs
