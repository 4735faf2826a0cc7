# shellcheck shell=bash
# Helpers shared by infra/local/*.sh. Sourced, never executed; the caller sets
# CF_COMPONENT (the prefix of every line printed) before sourcing.

CF_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CF_REPO_ROOT="$(cd "$CF_LOCAL_DIR/../.." && pwd)"
CHARGEFLOW_DATA_DIR="${CHARGEFLOW_DATA_DIR:-$CF_REPO_ROOT/.data}"
# Absolute, so that servers started from another working directory agree.
mkdir -p "$CHARGEFLOW_DATA_DIR"
CHARGEFLOW_DATA_DIR="$(cd "$CHARGEFLOW_DATA_DIR" && pwd)"

say() { printf '%s: %s\n' "$CF_COMPONENT" "$*"; }

# die EXIT_CODE MESSAGE...
die() {
  local code=$1
  shift
  printf '%s: %s\n' "$CF_COMPONENT" "$*" >&2
  exit "$code"
}

is_root() { [[ $EUID -eq 0 ]]; }

# A path for messages: relative to the repo root when inside it.
show_path() {
  case $1 in
    "$CF_REPO_ROOT"/*) printf '%s' "${1#"$CF_REPO_ROOT"/}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# as_user USER CMD...: run CMD as USER when we are root; otherwise as ourselves
# (a non-root developer runs the servers under their own account).
as_user() {
  local user=$1
  shift
  if is_root; then
    runuser -u "$user" -- "$@"
  else
    "$@"
  fi
}

# Data dirs are owned by the service user when we are root.
own_dir() {
  local user=$1 dir=$2 mode=$3
  mkdir -p "$dir"
  if is_root; then
    chown "$user:$user" "$dir"
  fi
  chmod "$mode" "$dir"
}

# tcp_open HOST PORT: something accepts TCP connections there (2 s bound).
tcp_open() {
  # shellcheck disable=SC2016 # $0/$1 are expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

is_loopback_host() {
  case $1 in
    localhost | 127.*) return 0 ;;
    *) return 1 ;;
  esac
}

# wait_port_closed HOST PORT SECONDS
wait_port_closed() {
  local deadline=$((SECONDS + $3))
  while tcp_open "$1" "$2"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# The service user must be able to reach its data dir. A repo under /root (or
# any 0700 parent) blocks that, so when root we open up just the execute
# (traverse) bit of each blocking parent and say so; otherwise we stop.
ensure_traversable() {
  local user=$1 dir=$2 prefix='' part
  is_root || return 0
  local -a parts
  IFS=/ read -r -a parts <<<"${dir#/}"
  for part in "${parts[@]}"; do
    prefix="$prefix/$part"
    [[ -d $prefix ]] || break
    if ! runuser -u "$user" -- test -x "$prefix"; then
      chmod o+x "$prefix"
      say "made $prefix traversable (chmod o+x) so the $user user can reach its data dir"
    fi
  done
}

# Serialise start/stop of one service (e.g. two test runners calling up.sh).
take_lock() {
  exec 9>"$CHARGEFLOW_DATA_DIR/.$1.lock"
  flock -w 180 9 || die 1 "another start/stop of $1 is still running (lock $(show_path "$CHARGEFLOW_DATA_DIR/.$1.lock"))"
}

can_apt_install() { is_root && command -v apt-get >/dev/null 2>&1; }

# apt_install PKG...: non-interactive, quiet (output goes to a log in the data
# dir), and with service start-up blocked: in a container there is no init
# system, and the package's own service must not come up on its own data dir.
# Runs in a subshell so the EXIT trap always removes a policy-rc.d we added.
apt_install() (
  local log="$CHARGEFLOW_DATA_DIR/apt-install.log" policy=/usr/sbin/policy-rc.d pkg updated=''
  export DEBIAN_FRONTEND=noninteractive
  if [[ ! -e $policy ]]; then
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\n# temporary, from infra/local: keep services from starting during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
  fi
  : >"$log"
  for pkg in "$@"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt-get update -qq >>"$log" 2>&1 || { tail -n 20 "$log" >&2; die 1 "apt-get update failed (log $(show_path "$log"))"; }
      updated=1
      break
    fi
  done
  local -a install=(apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "$@")
  if ! "${install[@]}" >>"$log" 2>&1; then
    # Stale package lists give 404s: refresh once and retry.
    if [[ -n $updated ]] || ! { apt-get update -qq >>"$log" 2>&1 && "${install[@]}" >>"$log" 2>&1; }; then
      tail -n 20 "$log" >&2
      die 1 "apt-get install $* failed (log $(show_path "$log"))"
    fi
  fi
)
