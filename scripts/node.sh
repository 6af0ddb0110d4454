#!/usr/bin/env bash
# Source this file: puts Node 24 (installed from the npm registry's `node` package into the git-ignored
# .tools/ prefix on first use) first on PATH, whatever Node the machine has.
NODE_VERSION="${GDCAT_NODE_VERSION:-24.21.0}"
_gdcat_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_gdcat_prefix="$_gdcat_root/.tools/node24"
if [ ! -x "$_gdcat_prefix/node_modules/node/bin/node" ] || \
   [ "$("$_gdcat_prefix/node_modules/node/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  echo "installing Node $NODE_VERSION into .tools/node24" >&2
  mkdir -p "$_gdcat_prefix"
  npm install --prefix "$_gdcat_prefix" --no-save --no-package-lock --no-audit --no-fund "node@$NODE_VERSION" >&2
fi
export PATH="$_gdcat_prefix/node_modules/.bin:$_gdcat_root/node_modules/.bin:$PATH"
unset _gdcat_root _gdcat_prefix
