#!/usr/bin/env bash
# npm run demo: install, generate, migrate and seed the embedded database
# (demo data only when it is empty), build, and serve on http://localhost:${PORT:-3000}.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m▸ %s\033[0m\n' "$*"; }

if [ -n "${DATABASE_URL:-}" ]; then
  echo "Using DATABASE_URL (a real PostgreSQL) instead of the embedded database."
fi

step "Installing dependencies"
bash scripts/install.sh

step "Generating the Prisma client"
node scripts/prisma-generate.mjs

step "Migrating the database"
npm run --silent db:migrate

step "Seeding (catalog always, demo accounts when the database is empty)"
npm run --silent db:seed -- --demo --if-empty

step "Building"
npm run --silent build

step "Serving on http://localhost:${PORT:-3000}"
echo "Sign in as owner@demo.meterdesk.dev / meterdesk-demo (see README for the other demo accounts)."
exec node scripts/start.mjs
