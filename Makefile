# Crawler Platform: the two commands of README.md.
#   make start  - portal (frontend :3000, backend :7007) with embedded SQLite
#   make test   - type-check, lint, unit/integration tests, browser tests
SHELL := /bin/bash

.PHONY: start test
start:
	@scripts/start.sh

test:
	@scripts/test.sh
