#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (embedded, or TEST_DATABASE_URL) and a real
# Elasticsearch node (ELASTICSEARCH_URL, or one started here from the cached distribution).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
source scripts/node.sh
started_es=""
if [ -z "${ELASTICSEARCH_URL:-}" ]; then
  if ELASTICSEARCH_URL="$(bash scripts/elasticsearch.sh start)"; then
    export ELASTICSEARCH_URL
    started_es="yes"
  elif [ "${CI:-}" = "true" ]; then
    echo "Elasticsearch could not be started and CI=true requires it" >&2
    exit 1
  else
    echo "!!! Elasticsearch could not be started: its tests will be skipped" >&2
  fi
fi
status=0
npx vitest run "$@" || status=$?
if [ -n "$started_es" ] && [ "${GDCAT_KEEP_ES:-}" != "1" ]; then bash scripts/elasticsearch.sh stop; fi
exit $status
