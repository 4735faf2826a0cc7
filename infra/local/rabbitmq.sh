#!/usr/bin/env bash
# Local RabbitMQ for development, without Docker or systemd.
#
#   infra/local/rabbitmq.sh start [--nodes N]|stop|status
#   infra/local/rabbitmq.sh ctl ARGS...           rabbitmqctl against this node
#   infra/local/rabbitmq.sh diagnostics ARGS...   rabbitmq-diagnostics against this node
#
# Env: RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672; host and port
# are taken from it), CHARGEFLOW_DATA_DIR (default <repo>/.data),
# RABBITMQ_NODENAME (default rabbit@localhost; change it only to run a second
# broker beside this one), RABBITMQ_MANAGEMENT_PORT (default 15672),
# RABBITMQ_MQTT_PORT (default 1883: MQTT devices publish onto the telemetry
# exchange), RABBITMQ_NODES (default 1, or --nodes N). Everything the broker
# writes lives in $CHARGEFLOW_DATA_DIR/rabbitmq.
#
# With N > 1 nodes, start forms a cluster on loopback: node i (1..N) is named
# <name>_i@<host> (node 1 keeps RABBITMQ_NODENAME), listens on the AMQP,
# management and MQTT ports above plus i-1 (its Erlang distribution port is
# its AMQP port + 20000), keeps its data in $CHARGEFLOW_DATA_DIR/rabbitmq-i
# (node 1 in .../rabbitmq), and all share node 1's Erlang cookie. Nodes 2..N
# join node 1's cluster one at a time before start returns, so the cluster is whole before
# any service declares a queue. stop stops every node start started.
set -euo pipefail

CF_COMPONENT=rabbitmq
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
RMQ_BIN=/usr/lib/rabbitmq/bin
RMQ_USER=rabbitmq
BASE_NODENAME="${RABBITMQ_NODENAME:-rabbit@localhost}"
BASE_MANAGEMENT_PORT="${RABBITMQ_MANAGEMENT_PORT:-15672}"
BASE_MQTT_PORT="${RABBITMQ_MQTT_PORT:-1883}"
START_TIMEOUT=90

# host and port from RABBITMQ_URL: scheme://[user[:pass]@]host[:port][/vhost]
authority="${RABBITMQ_URL#*://}"
authority="${authority%%[/?#]*}"
authority="${authority##*@}"
if [[ $authority =~ ^\[([^]]+)\](:([0-9]+))?$ || $authority =~ ^([^:]*)(:([0-9]+))?$ ]]; then
  RMQ_HOST="${BASH_REMATCH[1]:-127.0.0.1}"
  BASE_PORT="${BASH_REMATCH[3]:-5672}"
else
  die 1 "cannot parse host:port from RABBITMQ_URL=$RABBITMQ_URL"
fi
RMQ_BIND=127.0.0.1
[[ $RMQ_HOST == localhost ]] || RMQ_BIND="$RMQ_HOST"
FIRST_DIR="$CHARGEFLOW_DATA_DIR/rabbitmq"
# How many nodes the last start started (written in node 1's marker), for stop and status.
started_nodes() {
  local count=''
  [[ -f $FIRST_DIR/started-by-chargeflow ]] && count=$(sed -n 's/^nodes=//p' "$FIRST_DIR/started-by-chargeflow")
  echo "${count:-1}"
}

# use_node I: points every per-node variable (name, ports, data dir, RMQ_ENV) at node I (1-based).
use_node() {
  local i=$1 offset=$(($1 - 1))
  NODE_INDEX=$i
  if ((i == 1)); then
    RMQ_NODENAME="$BASE_NODENAME"
    RMQ_DIR="$FIRST_DIR"
  else
    RMQ_NODENAME="${BASE_NODENAME%@*}_$i@${BASE_NODENAME#*@}"
    RMQ_DIR="$CHARGEFLOW_DATA_DIR/rabbitmq-$i"
  fi
  RMQ_PORT=$((BASE_PORT + offset))
  RMQ_MANAGEMENT_PORT=$((BASE_MANAGEMENT_PORT + offset))
  RMQ_MQTT_PORT=$((BASE_MQTT_PORT + offset))
  MARKER="$RMQ_DIR/started-by-chargeflow"
  PID_FILE="$RMQ_DIR/rabbitmq.pid"
  CONSOLE_LOG="$RMQ_DIR/console.log"
  NODE_LOG="$RMQ_DIR/log/$RMQ_NODENAME.log"
  # Erlang distribution port: RabbitMQ's usual AMQP port + 20000, kept in range.
  RMQ_DIST_PORT=$((RMQ_PORT + 20000))
  ((RMQ_DIST_PORT <= 65535)) || RMQ_DIST_PORT=$((RMQ_PORT - 10000))

  # The same environment for the server and for every CLI call: same HOME means
  # same .erlang.cookie, so rabbitmqctl/rabbitmq-diagnostics can always talk to
  # the node. Pointing every config path into the data dir keeps /etc/rabbitmq
  # (the distro's files) out of the picture.
  RMQ_ENV=(
    HOME="$RMQ_DIR"
    RABBITMQ_NODENAME="$RMQ_NODENAME"
    RABBITMQ_NODE_IP_ADDRESS="$RMQ_BIND"
    RABBITMQ_NODE_PORT="$RMQ_PORT"
    RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia"
    RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_PID_FILE="$PID_FILE"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  )
}
use_node 1

# rmq_argv TOOL: sets RMQ_ARGV to the command line running a RabbitMQ script
# as the broker user with RMQ_ENV.
rmq_argv() {
  RMQ_ARGV=()
  is_root && RMQ_ARGV=(runuser -u "$RMQ_USER" --)
  RMQ_ARGV+=(env "${RMQ_ENV[@]}" "$RMQ_BIN/$1")
}

# rmq TOOL ARGS...: run it in the data dir (Erlang wants a readable cwd, and
# drops crash dumps there).
rmq() {
  rmq_argv "$1"
  shift
  (cd "$RMQ_DIR" && "${RMQ_ARGV[@]}" "$@" 9>&-)
}

# The broker answers an AMQP 0-9-1 protocol header with a frame (type 1).
amqp_answers() {
  local reply
  # shellcheck disable=SC2016 # $0/$1 are expanded by the inner bash
  reply=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "AMQP\0\0\011\001" >&3 && head -c 1 <&3 | od -An -tx1' \
    "$RMQ_HOST" "$RMQ_PORT" 2>/dev/null) || return 1
  [[ ${reply// /} == 01 ]]
}

node_running() {
  rmq_argv rabbitmq-diagnostics
  (cd "$RMQ_DIR" && timeout 20 "${RMQ_ARGV[@]}" -q check_running) >/dev/null 2>&1 9>&-
}

# Our broker's VM is alive (the pid file may be stale after a reboot).
pid_alive() {
  local pid
  [[ -s $PID_FILE ]] && pid=$(<"$PID_FILE") && [[ $pid =~ ^[0-9]+$ ]] &&
    [[ $(ps -o comm= -p "$pid" 2>/dev/null) == beam* ]]
}

install_rabbitmq() {
  if ! can_apt_install; then
    die 2 "RabbitMQ is not installed; install it with: sudo apt-get install rabbitmq-server"
  fi
  local t0=$SECONDS
  say "rabbitmq-server not installed; installing it with apt-get (one-time)"
  apt_install rabbitmq-server
  # policy-rc.d kept the distro service down; stop it anyway should some
  # other init path have started it on /var/lib/rabbitmq.
  local pids
  pids=$(pgrep -u "$RMQ_USER" || true)
  if [[ -n $pids ]]; then
    say "stopping the distro rabbitmq-server the package install started"
    /etc/init.d/rabbitmq-server stop >/dev/null 2>&1 || true
    pids=$(pgrep -u "$RMQ_USER" || true)
    # shellcheck disable=SC2086 # one pid per word
    [[ -z $pids ]] || kill $pids 2>/dev/null || true
  fi
  say "installed rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server) in $((SECONDS - t0))s"
}

prepare_data_dir() {
  ensure_traversable "$RMQ_USER" "$CHARGEFLOW_DATA_DIR"
  own_dir "$RMQ_USER" "$RMQ_DIR" 750
  own_dir "$RMQ_USER" "$RMQ_DIR/mnesia" 750
  own_dir "$RMQ_USER" "$RMQ_DIR/log" 750

  # Rewritten on every start so the script stays the source of truth.
  cat >"$RMQ_DIR/rabbitmq.conf" <<'EOF'
# Written by infra/local/rabbitmq.sh on every start; local edits are lost.
# Listener address and port come from the environment (RABBITMQ_URL).
# guest/guest stays usable, from loopback only (the listener is loopback-only).
loopback_users.guest = true
EOF
  # The management API, on loopback: tests create a virtual host of their own through it.
  echo "management.tcp.ip = $RMQ_BIND" >>"$RMQ_DIR/rabbitmq.conf"
  echo "management.tcp.port = $RMQ_MANAGEMENT_PORT" >>"$RMQ_DIR/rabbitmq.conf"
  # MQTT devices: publishes land on the telemetry exchange (topic sample/<id> -> routing key
  # sample.<id>); anonymous MQTT is on by default and would let anyone publish as any vehicle.
  {
    echo "mqtt.listeners.tcp.default = $RMQ_BIND:$RMQ_MQTT_PORT"
    echo 'mqtt.exchange = telemetry'
    echo 'mqtt.allow_anonymous = false'
  } >>"$RMQ_DIR/rabbitmq.conf"
  echo '[rabbitmq_management,rabbitmq_mqtt].' >"$RMQ_DIR/enabled_plugins"

  # Reuse the distro's cookie when we can read it, so that plain
  # `rabbitmq-diagnostics -n rabbit@localhost ...` (which runs with the
  # rabbitmq user's HOME) works too; re-synced on every start, so a cookie
  # regenerated by a reinstall never leaves a stale copy here. Nodes 2..N of a
  # cluster take node 1's: one cookie, or they cannot talk to each other.
  local cookie="$RMQ_DIR/.erlang.cookie" source_cookie
  source_cookie="$(getent passwd "$RMQ_USER" | cut -d: -f6)/.erlang.cookie"
  [[ -r $source_cookie && -s $source_cookie ]] || ((NODE_INDEX == 1)) || source_cookie="$FIRST_DIR/.erlang.cookie"
  if [[ -r $source_cookie && -s $source_cookie ]]; then
    cmp -s "$source_cookie" "$cookie" || { rm -f "$cookie" && cp "$source_cookie" "$cookie"; }
  elif [[ ! -s $cookie ]]; then
    rm -f "$cookie"
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$cookie")
  fi

  if is_root; then
    chown "$RMQ_USER:$RMQ_USER" "$RMQ_DIR/rabbitmq.conf" "$RMQ_DIR/enabled_plugins" "$cookie"
  fi
  chmod 400 "$cookie"
}

print_logs() {
  local f
  for f in "$CONSOLE_LOG" "$NODE_LOG"; do
    [[ -s $f ]] || continue
    echo "--- last 30 lines of $(show_path "$f") ---" >&2
    tail -n 30 "$f" >&2
  done
}

# launch_node: launches the current node unless something already answers on
# its port; sets LAUNCHER to the launching shell's pid when it launched one.
launch_node() {
  LAUNCHER=''
  if tcp_open "$RMQ_HOST" "$RMQ_PORT"; then
    amqp_answers || die 1 "$RMQ_HOST:$RMQ_PORT is taken by something that does not speak AMQP"
    say "reusing server already answering at $RMQ_HOST:$RMQ_PORT"
    return 0
  fi
  if pid_alive; then
    say "waiting for the broker this script already launched (pid $(<"$PID_FILE"))"
    return 0
  fi
  prepare_data_dir
  rm -f "$PID_FILE"
  local epmd_was_up=0
  tcp_open 127.0.0.1 4369 && epmd_was_up=1
  : >"$CONSOLE_LOG"
  # setsid: the broker must outlive this shell and its process group;
  # 9>&-: it must not inherit (and so hold forever) our lock.
  rmq_argv rabbitmq-server
  (cd "$RMQ_DIR" && exec setsid "${RMQ_ARGV[@]}") >>"$CONSOLE_LOG" 2>&1 </dev/null 9>&- &
  LAUNCHER=$!
  printf 'started_at=%s\nepmd_started=%s\n' "$(date -Is)" "$((1 - epmd_was_up))" >"$MARKER"
}

# wait_node LAUNCHER: until the current node answers AMQP and reports running.
wait_node() {
  local launcher=$1 deadline=$((SECONDS + START_TIMEOUT))
  until amqp_answers && node_running; do
    if ((SECONDS >= deadline)); then
      print_logs
      die 1 "not answering at $RMQ_HOST:$RMQ_PORT after ${START_TIMEOUT}s (logs above; stop with: $0 stop)"
    fi
    if [[ -n $launcher ]] && ! kill -0 "$launcher" 2>/dev/null; then
      print_logs
      die 1 "broker exited during start-up (logs above)"
    fi
    sleep 1
  done
}

# join_first_node: the current node joins node 1's cluster unless it is already a member.
join_first_node() {
  local first=$BASE_NODENAME
  if rmq rabbitmqctl -q cluster_status --formatter json 2>/dev/null | grep -q "\"$first\""; then
    return 0
  fi
  rmq rabbitmqctl -q stop_app >/dev/null || die 1 "$RMQ_NODENAME could not stop its application to join $first"
  rmq rabbitmqctl -q join_cluster "$first" >/dev/null || die 1 "$RMQ_NODENAME could not join $first"
  # start_app can fail while the cluster's schema is still settling (mnesia_app exits "normal");
  # the node is already a member by then, so starting it again is all it takes.
  local attempt
  for attempt in 1 2 3; do
    rmq rabbitmqctl -q start_app >/dev/null && break
    ((attempt < 3)) || die 1 "$RMQ_NODENAME joined $first but its application did not start"
    say "$RMQ_NODENAME: start_app failed after joining, trying again"
    sleep 2
  done
  say "$RMQ_NODENAME joined $first"
}

cmd_start() {
  local nodes=$1 i t0=$SECONDS
  [[ $nodes =~ ^[1-9]$ ]] || die 64 "--nodes takes 1 to 9, not '$nodes'"
  if ((nodes == 1)) && tcp_open "$RMQ_HOST" "$RMQ_PORT"; then
    launch_node
    return 0
  fi
  is_loopback_host "$RMQ_HOST" ||
    die 1 "nothing answers at $RMQ_HOST:$RMQ_PORT and it is not a loopback address, so no local broker can be started for it"
  [[ -x $RMQ_BIN/rabbitmq-server ]] || install_rabbitmq

  take_lock rabbitmq
  # Every node is launched before any is waited for: a restarted cluster node waits for its peers.
  local -a launchers=()
  for ((i = 1; i <= nodes; i++)); do
    use_node "$i"
    launch_node
    launchers[i]=$LAUNCHER
  done
  for ((i = 1; i <= nodes; i++)); do
    use_node "$i"
    wait_node "${launchers[i]}"
  done
  # One join at a time: two nodes joining at once race on the cluster's schema, and the loser's
  # application fails to start (CI stop 26).
  for ((i = 2; i <= nodes; i++)); do
    (use_node "$i" && join_first_node) || die 1 "the cluster did not form (see above)"
  done
  use_node 1
  [[ ! -f $MARKER ]] || grep -q '^nodes=' "$MARKER" || echo "nodes=$nodes" >>"$MARKER"
  if ((nodes == 1)); then
    say "started on $RMQ_HOST:$RMQ_PORT (data $(show_path "$RMQ_DIR")) in $((SECONDS - t0))s"
  else
    say "started a cluster of $nodes nodes on $RMQ_HOST:$BASE_PORT-$((BASE_PORT + nodes - 1)) (data $(show_path "$CHARGEFLOW_DATA_DIR")/rabbitmq*) in $((SECONDS - t0))s"
  fi
}

# stop_node: stops the current node if this script started it.
stop_node() {
  if [[ ! -f $MARKER ]]; then
    if tcp_open "$RMQ_HOST" "$RMQ_PORT"; then
      say "server at $RMQ_HOST:$RMQ_PORT was not started by this script; left alone"
    else
      say "not running"
    fi
    return 0
  fi
  if pid_alive; then
    # With the pid file, rabbitmqctl stop returns only once the VM has exited.
    if ! rmq rabbitmqctl -q stop "$PID_FILE" >/dev/null 2>&1; then
      say "rabbitmqctl stop failed; sending SIGTERM to pid $(<"$PID_FILE")"
      kill "$(<"$PID_FILE")" 2>/dev/null || true
    fi
    wait_port_closed "$RMQ_HOST" "$RMQ_PORT" 60 || die 1 "still answering at $RMQ_HOST:$RMQ_PORT after 60s"
    say "stopped (data kept in $(show_path "$RMQ_DIR"))"
  else
    say "not running (stale marker removed)"
  fi
  # epmd outlives the node; stop it if our start launched it. epmd -kill
  # refuses while any node is still registered, so other nodes are safe.
  if grep -q '^epmd_started=1' "$MARKER" && command -v epmd >/dev/null; then
    epmd -kill >/dev/null 2>&1 || true
  fi
  rm -f "$MARKER" "$PID_FILE"
}

cmd_stop() {
  local i nodes
  nodes=$(started_nodes)
  take_lock rabbitmq
  # Node 1 last: a cluster restarts most easily from the node that stopped last.
  for ((i = nodes; i >= 1; i--)); do
    use_node "$i"
    stop_node
  done
}

cmd_status() {
  local i nodes rc=0
  nodes=$(started_nodes)
  for ((i = 1; i <= nodes; i++)); do
    use_node "$i"
    local who="not started by this script"
    [[ -f $MARKER ]] && pid_alive && who="started by this script, data $(show_path "$RMQ_DIR")"
    if tcp_open "$RMQ_HOST" "$RMQ_PORT" && amqp_answers; then
      say "running at $RMQ_HOST:$RMQ_PORT ($who)"
    else
      say "not running at $RMQ_HOST:$RMQ_PORT"
      rc=1
    fi
  done
  return "$rc"
}

case "${1:-}" in
  start)
    if [[ ${2:-} == --nodes ]]; then
      cmd_start "${3:-}"
    else
      cmd_start "${RABBITMQ_NODES:-1}"
    fi
    ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  ctl) shift && rmq rabbitmqctl "$@" ;;
  diagnostics) shift && rmq rabbitmq-diagnostics "$@" ;;
  *)
    echo "usage: $0 start [--nodes N]|stop|status|ctl ARGS...|diagnostics ARGS..." >&2
    exit 64
    ;;
esac
