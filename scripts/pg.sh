#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks, from the machine's binaries.
#   scripts/pg.sh start DIR PORT   -> initdb + start on 127.0.0.1:PORT, data in DIR; prints DATABASE_URL
#   scripts/pg.sh stop DIR
# initdb refuses to run as root, so as root the server runs as the `postgres` system user.
set -euo pipefail
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
action=${1:?start or stop}; dir=${2:?data directory}; port=${3:-55432}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  available)
    [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ;;
  start)
    [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; exit 3; }
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
      chown postgres "$dir"
    fi
    chmod 700 "$dir"
    as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log"
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/moot"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop|available DIR [PORT]" >&2; exit 2 ;;
esac
