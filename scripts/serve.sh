#!/usr/bin/env bash
# Install what the server needs, then serve the API on the embedded defaults:
# SQLite and local objects under ./.data, the built-in issuers, migrations applied.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh" serve
# glibc gives each worker thread its own memory arena and keeps what it frees;
# two arenas hold concurrent uploads' memory to what they use.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/python -m cli serve "$@"
