#!/usr/bin/env bash
# Installs dependencies (when a package-lock.json changed), compiles TypeScript to dist/ and builds the web
# catalogue into web/dist/ (served by `gdcat serve` at /).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
rm -rf dist
npx tsc -p tsconfig.json
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund
fi
npm run --prefix web --silent build
