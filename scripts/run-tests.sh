#!/usr/bin/env bash
# Installs everything the tests need, then runs the linters, the type checker and the test suite.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-env.sh test || exit 1
export QT_QPA_PLATFORM=offscreen

status=0
echo "== ruff";          .venv/bin/ruff check jcalc tests benchmarks || status=1
echo "== mypy";          .venv/bin/mypy || status=1
echo "== import-linter"; .venv/bin/lint-imports || status=1
echo "== pytest"
.venv/bin/python -m pytest "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  code=1
fi
[ "$code" -ne 0 ] && status=$code
exit "$status"
