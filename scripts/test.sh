#!/usr/bin/env bash
# Install what the tests need, then run the whole suite (arguments go to pytest).
# DATABASE_URL=postgres://… runs it against PostgreSQL instead of SQLite.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" test
exec .venv/bin/python -m pytest "$@"
