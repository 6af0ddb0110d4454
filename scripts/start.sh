#!/usr/bin/env bash
# Starts the API at http://localhost:4000/graphql: embedded PostgreSQL (unless DATABASE_URL is set),
# migrations, and the example catalogue when the database is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
source scripts/node.sh
exec node dist/src/cli/main.js serve "$@"
