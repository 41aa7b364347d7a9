#!/usr/bin/env bash
# Installs the npm dependencies from package-lock.json when node_modules is
# missing or older than the lock file. (`npm install`, not `npm ci`: npm 11
# writes lock files without other platforms' optional packages and `npm ci`
# then refuses them as out of sync; `npm install` keeps the locked versions.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm install --no-audit --no-fund --loglevel=error
else
  echo "dependencies are up to date"
fi
