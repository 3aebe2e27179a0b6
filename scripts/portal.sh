#!/usr/bin/env bash
# Runs the portal's dev servers (frontend :3000, backend :7007) until stopped.
# Used by `make start` and by the browser tests; expects scripts/env.sh sourced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mkdir -p .data
exec yarn start
