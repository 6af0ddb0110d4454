#!/usr/bin/env bash
# Installs dependencies (when package-lock.json changed) and compiles TypeScript to dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
rm -rf dist
npx tsc -p tsconfig.json
