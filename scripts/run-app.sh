#!/usr/bin/env bash
# Installs jcalc into .venv and opens the window (extra arguments go to the jcalc command).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh
exec .venv/bin/jcalc "$@"
