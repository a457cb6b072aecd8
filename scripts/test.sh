#!/usr/bin/env bash
# Set up with the dev tools, then run the whole test suite (extra arguments go to pytest).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/setup.sh" --dev
cd "$root"
exec .venv/bin/python -m pytest "$@"
