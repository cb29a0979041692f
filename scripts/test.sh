#!/usr/bin/env bash
# Everything `make test` does after installing the test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv

# 1. Debian's Chromium for the browser tests (Playwright's own download is blocked here) and
#    PostgreSQL's binaries for the second run of the suite. apt waits for another apt process
#    (unattended upgrades, a neighbour's install) to release the dpkg lock instead of failing.
apt_install() {
  local SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "== installing Debian's $*"
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
bash scripts/pg.sh available x || missing+=(postgresql)
# WeasyPrint warns (an error under -W error) when HarfBuzz's subsetting library is missing.
ldconfig -p | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
if [ ${#missing[@]} -gt 0 ]; then apt_install "${missing[@]}"; fi

# 2. Lint.
echo "== ruff"
$VENV/bin/ruff check src tests bench scripts
$VENV/bin/ruff format --check src tests bench scripts
echo "== import contracts (pyproject.toml [tool.importlinter])"
$VENV/bin/lint-imports
echo "== mypy (strict on the pure cores; elsewhere scripts/mypy_baseline.txt, which only shrinks)"
$VENV/bin/python scripts/mypy_check.py

# 3. The suite on SQLite (everything).
export MOOT_HTTPS=0 MOOT_TASKS=immediate
echo "== pytest on SQLite"
$VENV/bin/python -m pytest -n 2 --dist loadfile "$@"

# 4. The suite on a throwaway PostgreSQL (the tests marked `pure` touch no database and already
#    ran above).
if bash scripts/pg.sh available x; then
  PGDIR=$(mktemp -d /tmp/moot-pg.XXXXXX)
  trap 'bash scripts/pg.sh stop "$PGDIR"' EXIT
  DATABASE_URL=$(bash scripts/pg.sh start "$PGDIR" 55432)
  export DATABASE_URL
  echo "== pytest on PostgreSQL ($DATABASE_URL)"
  $VENV/bin/python -m pytest -n 2 --dist loadfile -m "not pure" "$@"
else
  echo "PostgreSQL binaries are missing under /usr/lib/postgresql/*/bin although step 1 installed" \
    "Debian's postgresql: the suite must also run on PostgreSQL (PG_BIN=... names another place)" >&2
  exit 1
fi
