#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL (embedded, or TEST_DATABASE_URL), a real
# Elasticsearch node (ELASTICSEARCH_URL, or one started here from the cached distribution) and Apache Jena
# SHACL (fetched into .cache/ with Maven).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
source scripts/node.sh
# Apache Jena SHACL, the independent validator of the conformance tests (fetched once into .cache/).
if ! bash scripts/jena-shacl.sh fetch >/dev/null; then
  if [ "${CI:-}" = "true" ]; then
    echo "Apache Jena SHACL could not be fetched and CI=true requires it" >&2
    exit 1
  fi
  echo "!!! Apache Jena SHACL could not be fetched: its validation is skipped" >&2
fi
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
