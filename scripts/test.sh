#!/usr/bin/env bash
# Install what the tests need (the project, and Debian's chromium for the browser
# tests), then run the whole suite (arguments go to pytest).
# DATABASE_URL=postgres://… runs it against PostgreSQL instead of SQLite.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" test
bash scripts/browser.sh  # Debian's chromium, for the browser tests
exec .venv/bin/python -m pytest "$@"
