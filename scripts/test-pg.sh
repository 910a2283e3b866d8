#!/usr/bin/env bash
# Run the whole suite on PostgreSQL: the local server when it answers, else a throw-away cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
# A test database of this run's own, so runs side by side (or a crashed run's leftovers) never
# collide; it is dropped at the end as usual.
export TEST_DATABASE_NAME="${TEST_DATABASE_NAME:-test_rehome_$$}"

if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  export DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rehome}"
  exec "$PY" -m pytest "$@"
fi
if ! command -v pg_virtualenv >/dev/null; then
  echo "PostgreSQL is not reachable on 127.0.0.1:5432 and pg_virtualenv is not installed." >&2
  echo "Install postgresql (Debian: apt-get install postgresql) or start a server." >&2
  exit 2
fi
echo "No PostgreSQL on 127.0.0.1:5432: using a throw-away cluster from pg_virtualenv."
# pg_virtualenv exports PGHOST/PGPORT/PGUSER/PGPASSWORD for the temporary cluster.
exec pg_virtualenv bash -c 'DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST}:${PGPORT}/rehome" '"$PY"' -m pytest "$@"' _ "$@"
