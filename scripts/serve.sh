#!/usr/bin/env bash
# Install what the server needs, then serve the API on the embedded defaults:
# SQLite and local objects under ./.data, the built-in issuers, migrations applied.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" serve
exec .venv/bin/python -m cli serve "$@"
