#!/usr/bin/env bash
# Everything `make test` does after installing the test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv

# 1. Debian's Chromium for the browser tests (Playwright's own download is blocked here).
if ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Debian's chromium"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# 2. Lint.
echo "== ruff"
$VENV/bin/ruff check src tests bench
$VENV/bin/ruff format --check src tests bench

# 3. The suite on SQLite (everything).
export MOOT_HTTPS=0 MOOT_TASKS=immediate
echo "== pytest on SQLite"
$VENV/bin/python -m pytest -n 2 --dist loadfile "$@"

# 4. The suite on a throwaway PostgreSQL (the pure counting/rulebook tests touch no database
#    and already ran above).
if bash scripts/pg.sh available x; then
  PGDIR=$(mktemp -d /tmp/moot-pg.XXXXXX)
  trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
  DATABASE_URL=$(bash scripts/pg.sh start "$PGDIR" 55432)
  export DATABASE_URL
  echo "== pytest on PostgreSQL ($DATABASE_URL)"
  $VENV/bin/python -m pytest -n 2 --dist loadfile --ignore=tests/counting --ignore=tests/rulebook "$@"
elif [ -n "${CI:-}" ]; then
  echo "PostgreSQL binaries are missing (/usr/lib/postgresql/*/bin): CI must run the PostgreSQL suite" >&2
  exit 1
else
  echo "!! PostgreSQL binaries not found: the PostgreSQL run of the suite was SKIPPED"
fi
