#!/usr/bin/env bash
# Runs once when the PostgreSQL container initialises: one role and one database per service.
set -euo pipefail
for role in gateway sessions telemetry pricing analytics central_system; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE ${role} LOGIN PASSWORD '${role}';
CREATE DATABASE ${role} OWNER ${role};
REVOKE ALL ON DATABASE ${role} FROM PUBLIC;
SQL
done
