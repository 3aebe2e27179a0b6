#!/usr/bin/env bash
# `make start`: toolchain, dependencies, then the portal until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/bootstrap.sh
. scripts/env.sh
yarn install --immutable
mkdir -p .data

echo "Crawler Platform: frontend http://localhost:3000, backend http://localhost:7007 (Ctrl-C stops)"
exec scripts/portal.sh
