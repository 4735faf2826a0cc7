#!/usr/bin/env bash
# Stop the local infrastructure started by up.sh, in reverse order. Servers
# this tooling did not start are left alone; data dirs are kept.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

rc=0
"$here/rabbitmq.sh" stop || rc=$?
"$here/postgres.sh" stop || rc=$?
exit "$rc"
