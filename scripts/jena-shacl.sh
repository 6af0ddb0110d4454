#!/usr/bin/env bash
# Apache Jena SHACL 5.6.0, the independent validator the conformance tests run next to rdf-validate-shacl.
# Fetched once with Maven (jena-cmds, which carries the `shacl` command, and its dependencies) into the
# git-ignored .cache/jena/.
#   scripts/jena-shacl.sh fetch                                   fetch if missing; print the jar folder
#   scripts/jena-shacl.sh validate --shapes S.ttl --data D.ttl    Jena's `shacl validate` (report in Turtle)
set -euo pipefail
cd "$(dirname "$0")/.."
JENA_VERSION="5.6.0"
CACHE="$PWD/.cache/jena"
LIB="$CACHE/lib-$JENA_VERSION"

pick_java() {
  if [ -n "${JENA_JAVA_HOME:-}" ]; then echo "$JENA_JAVA_HOME/bin/java"; return; fi
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-*-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$j/bin/java" ]; then echo "$j/bin/java"; return; fi
  done
  echo "no JDK under /usr/lib/jvm (set JENA_JAVA_HOME)" >&2; exit 1
}

fetch() {
  if [ -f "$LIB/.complete" ]; then echo "$LIB"; return; fi
  mkdir -p "$CACHE"
  # Maven copies a dependency tree only from a project, so a throwaway one names the command module.
  cat >"$CACHE/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>gdcat</groupId>
  <artifactId>jena-shacl-validator</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.jena</groupId>
      <artifactId>jena-cmds</artifactId>
      <version>$JENA_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  echo "fetching Apache Jena $JENA_VERSION (jena-cmds, jena-shacl and dependencies) with Maven" >&2
  rm -rf "$LIB.partial"
  mvn -q -B -f "$CACHE/pom.xml" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$LIB.partial" >&2
  touch "$LIB.partial/.complete"
  rm -rf "$LIB"
  mv "$LIB.partial" "$LIB"
  echo "$LIB"
}

validate() {
  if [ ! -f "$LIB/.complete" ]; then
    echo "Apache Jena is not fetched: run scripts/jena-shacl.sh fetch" >&2; exit 3
  fi
  # Jena logs through SLF4J, which has no provider here and says so on stderr; the report is on stdout.
  "$(pick_java)" -Xmx1g -cp "$LIB/*" shacl.shacl validate "$@"
}

case "${1:-}" in
  fetch) fetch ;;
  validate) shift; validate "$@" ;;
  *) echo "usage: $0 fetch | validate --shapes S.ttl --data D.ttl" >&2; exit 2 ;;
esac
