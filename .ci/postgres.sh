#!/usr/bin/env bash
# CI: a local PostgreSQL server for tests/test_classroom.py's sharded grading into PostgreSQL.
# Installs Debian's postgresql when it is missing, starts the cluster, makes a role `kit` that may
# create databases (each test run makes its own) and prints the db_url (SQLAlchemy's, psycopg 3) on stdout:
#   KIT_TEST_DB_URL=$(bash .ci/postgres.sh)
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /usr/lib/postgresql 2>/dev/null)" ]; then
  echo "postgres.sh: installing Debian's postgresql" >&2
  as_root apt-get update -qq >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | grep -q .; then
  as_root pg_createcluster "$version" main >&2
fi
read -r version cluster port status _ < <(pg_lsclusters -h | head -1)
if [ "$status" != online ]; then
  as_root pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 30); do as_postgres psql -p "$port" -qAtc "SELECT 1" >/dev/null 2>&1 && break; sleep 1; done
as_postgres psql -p "$port" -qAtc "SELECT 1 FROM pg_roles WHERE rolname = 'kit'" | grep -q 1 \
  || as_postgres psql -p "$port" -qc "CREATE ROLE kit LOGIN CREATEDB PASSWORD 'kit'" >&2
as_postgres psql -p "$port" -qAtc "SELECT 1 FROM pg_database WHERE datname = 'kit'" | grep -q 1 \
  || as_postgres psql -p "$port" -qc "CREATE DATABASE kit OWNER kit" >&2
echo "postgresql+psycopg://kit:kit@127.0.0.1:$port/kit"
