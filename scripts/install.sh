#!/usr/bin/env bash
# Installs dependencies (when a package-lock.json changed), compiles TypeScript to dist/ when the sources
# changed, and builds the web catalogue into web/dist/ (served by `gdcat serve` at /) when its sources or the
# schema changed. dist/ is a symlink to .build/<fingerprint>: a new build is compiled beside the current one and
# swapped in with one rename, so a server or CLI started meanwhile never finds dist/ missing or half written.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/node.sh
mkdir -p .build
exec 9>.build/lock
flock 9
# By content, not modification time: a fresh checkout or worktree has a newer lock file than the installed tree
# without any dependency having changed.
install_when_lock_changed() {
  local dir="$1" stamp
  stamp="$dir/node_modules/.gdcat-lock-sha1"
  if [ ! -f "$stamp" ] || [ "$(sha1sum < "$dir/package-lock.json")" != "$(cat "$stamp")" ]; then
    npm ci --prefix "$dir" --no-audit --no-fund
    sha1sum < "$dir/package-lock.json" > "$stamp"
  fi
}
install_when_lock_changed .

build_server() {
  # Everything tsc reads: the included folders, the compiler settings, the installed dependencies, the Node used.
  local fingerprint target previous old
  fingerprint="$({
    node --version
    sha1sum tsconfig.json package-lock.json vitest.config.ts
    find src seed test bench migrations -type f \( -name '*.ts' -o -name '*.json' \) -print0 | sort -z | xargs -0 sha1sum
  } | sha1sum | cut -c1-16)"
  target=".build/$fingerprint"
  if [ "$(readlink dist 2>/dev/null)" = "$target" ] && [ -f "$target/.complete" ]; then return; fi
  if [ ! -f "$target/.complete" ]; then
    rm -rf "$target"
    npx tsc -p tsconfig.json --outDir "$target"
    touch "$target/.complete"
  fi
  previous="$(basename "$(readlink dist 2>/dev/null || echo none)")"
  # A dist/ directory from before builds were swapped in is replaced once.
  if [ -d dist ] && [ ! -L dist ]; then rm -rf dist; fi
  ln -sfn "$target" .build/dist.next
  mv -T .build/dist.next dist
  # Keep the new build and the one before it (a running server may still load modules lazily from it).
  for old in .build/*/; do
    old="$(basename "$old")"
    if [ "$old" != "$fingerprint" ] && [ "$old" != "$previous" ]; then rm -rf ".build/$old"; fi
  done
}

build_web() {
  install_when_lock_changed web
  local fingerprint
  fingerprint="$({
    node --version
    sha1sum schema.graphql web/package-lock.json
    find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print0 | sort -z | xargs -0 sha1sum
  } | sha1sum | cut -c1-16)"
  if [ -f web/dist/.fingerprint ] && [ "$(cat web/dist/.fingerprint)" = "$fingerprint" ]; then return; fi
  npm run --prefix web --silent build
  echo "$fingerprint" > web/dist/.fingerprint
}

build_server
build_web
