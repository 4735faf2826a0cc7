#!/usr/bin/env bash
# Start the local infrastructure (PostgreSQL, RabbitMQ) and print its URLs.
# Reuses servers already answering; see postgres.sh / rabbitmq.sh for the env.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/postgres.sh" start
"$here/rabbitmq.sh" start

pg_url="postgres://${POSTGRES_ADMIN_USER:-postgres}:${POSTGRES_ADMIN_PASSWORD:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres"
echo "up: DATABASE_URL=$pg_url"
echo "up: RABBITMQ_URL=${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
