#!/usr/bin/env bash
# Start the local infrastructure (PostgreSQL, RabbitMQ) and print its URLs.
# Reuses servers already answering; see postgres.sh / rabbitmq.sh for the env.
#
#   infra/local/up.sh [--rabbitmq-nodes N]   N RabbitMQ nodes clustered on loopback (default 1)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

nodes="${RABBITMQ_NODES:-1}"
while (($# > 0)); do
  case $1 in
    --rabbitmq-nodes)
      nodes="${2:-}"
      shift 2 || { echo "up: --rabbitmq-nodes takes a number" >&2 && exit 64; }
      ;;
    *)
      echo "usage: $0 [--rabbitmq-nodes N]" >&2
      exit 64
      ;;
  esac
done

"$here/postgres.sh" start
"$here/rabbitmq.sh" start --nodes "$nodes"

pg_url="postgres://${POSTGRES_ADMIN_USER:-postgres}:${POSTGRES_ADMIN_PASSWORD:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/postgres"
rabbitmq_url="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
echo "up: DATABASE_URL=$pg_url"
echo "up: RABBITMQ_URL=$rabbitmq_url"
if ((nodes > 1)); then
  # Node i listens on the first node's port + i - 1 (see rabbitmq.sh).
  prefix="${rabbitmq_url%:*}" rest="${rabbitmq_url##*:}"
  port="${rest%%/*}" path="${rest#"$port"}"
  urls=""
  for ((i = 0; i < nodes; i++)); do urls+="${urls:+,}$prefix:$((port + i))$path"; done
  echo "up: RABBITMQ_URLS=$urls"
fi
