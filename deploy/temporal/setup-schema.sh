#!/bin/sh
# Creates (first start) or upgrades (new server version) Temporal's two PostgreSQL databases,
# persistence and advanced visibility, with the temporal-sql-tool of the admin-tools image (its
# schemas are embedded: --schema-name). Safe at every start: `create` of an existing database fails
# harmlessly, `setup-schema -v 0.0` leaves a versioned schema alone, `update-schema` applies only
# what is missing.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}"
PORT="${DB_PORT:-5432}"

until nc -z "$POSTGRES_SEEDS" "$PORT"; do
  echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$PORT"
  sleep 1
done

# SQL_PASSWORD (environment) is the password: it stays out of the process list.
sql() {
  db="$1"
  shift
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$PORT" -u "$POSTGRES_USER" --db "$db" "$@"
}

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  schema="postgresql/v12/${pair#*:}"
  sql "$db" create >/dev/null 2>&1 || echo "database $db exists"
  sql "$db" setup-schema -v 0.0
  sql "$db" update-schema --schema-name "$schema"
  echo "database $db: $schema schema is current"
done
