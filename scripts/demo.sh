#!/usr/bin/env bash
# Set up and start the embedded demo (SQLite, seeded data, web server and worker in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
export HELPMESH_APT_PACKAGES="python3-venv"
./scripts/bootstrap.sh
exec .venv/bin/helpmesh demo "$@"
