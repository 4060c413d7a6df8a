#!/usr/bin/env bash
# A real Keystone (Debian bookworm's keystone 22, "Zed") on 127.0.0.1:5000 for the tests:
# SQLite in WAL mode, fernet tokens, uwsgi with http11-socket (keep-alive clients get
# resets with http-socket). A second uwsgi serves the SAME database and keys with a
# 150-second token expiration on an ephemeral port: the token-renewal tests use it,
# while everything else keeps day-long tokens. State lives in $MITTEN_LAB/keystone.
#   packages  Debian packages it needs (scripts/setup installs them)
#   start     one-time setup (db sync, fernet keys, bootstrap, test domain/project/user)
#             if not done yet, then starts both servers; idempotent
#   stop      stops what start started, by PID
#   env       export lines for the tests (MITTEN_TEST_KEYSTONE_*)
# Derived from the team's keystone recipe; nothing here reads /work/shared at run time.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LAB=${MITTEN_LAB:-$PWD/.lab}
K=$LAB/keystone
PORT=5000
ADMIN_PW=${MITTEN_LAB_KEYSTONE_ADMIN_PASSWORD:-mitten-admin-pw}
SHORT_EXPIRATION=150

alive() { [ -f "$K/run/$1.pid" ] && kill -0 "$(cat "$K/run/$1.pid")" 2>/dev/null; }

write_conf() { # $1 = file, $2 = token expiration in seconds
  cat >"$1" <<CONF
[DEFAULT]
use_stderr = true
[database]
connection = sqlite:///$K/keystone.db
[token]
provider = fernet
expiration = $2
[fernet_tokens]
key_repository = $K/fernet-keys
[fernet_receipts]
key_repository = $K/fernet-keys
[credential]
key_repository = $K/credential-keys
[identity]
# bcrypt cost 4 instead of 12: password auth ~0.1 s instead of ~0.5-1 s (tests only)
password_hash_rounds = 4
[catalog]
driver = sql
[cache]
enabled = false
CONF
}

write_uwsgi() { # $1 = file, $2 = listen address, $3 = config file name
  cat >"$1" <<CONF
[uwsgi]
plugins = python3
http11-socket = $2
wsgi-file = /usr/bin/keystone-wsgi-public
env = OS_KEYSTONE_CONFIG_DIR=$K
env = OS_KEYSTONE_CONFIG_FILES=$3
master = true
# Two workers of two threads: one worker queued every request of the whole suite
# (Nova's token checks, the tests, openstackclient) behind each bcrypt check.
processes = 2
threads = 2
lazy-apps = true
die-on-term = true
buffer-size = 65535
chdir = $K
CONF
}

setup() {
  rm -rf "$K"; mkdir -p "$K"/{fernet-keys,credential-keys,log,run}
  write_conf "$K/keystone.conf" 86400
  write_conf "$K/keystone-short.conf" $SHORT_EXPIRATION
  write_uwsgi "$K/keystone-uwsgi.ini" "127.0.0.1:$PORT" keystone.conf
  local KM="keystone-manage --config-file $K/keystone.conf"
  $KM db_sync >"$K/log/manage.log" 2>&1
  python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$K/keystone.db"
  $KM fernet_setup --keystone-user root --keystone-group root >>"$K/log/manage.log" 2>&1
  $KM credential_setup --keystone-user root --keystone-group root >>"$K/log/manage.log" 2>&1
  $KM bootstrap --bootstrap-password "$ADMIN_PW" \
      --bootstrap-admin-url "http://127.0.0.1:$PORT/v3/" --bootstrap-internal-url "http://127.0.0.1:$PORT/v3/" \
      --bootstrap-public-url "http://127.0.0.1:$PORT/v3/" --bootstrap-region-id RegionOne >>"$K/log/manage.log" 2>&1
  touch "$K/.setup-done"
}

wait_up() { # $1 = url, $2 = log
  for _ in $(seq 1 300); do curl -sf "$1/v3/" >/dev/null && return 0; sleep 0.1; done
  echo "10-keystone: $1 did not come up; last lines of $2:" >&2; tail -n 30 "$2" >&2; exit 1
}

start() {
  [ -f "$K/.setup-done" ] || setup
  if ! alive keystone; then
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
      echo "10-keystone: something else already listens on 127.0.0.1:$PORT (not started by this lab)" >&2; exit 1
    fi
    write_uwsgi "$K/keystone-uwsgi.ini" "127.0.0.1:$PORT" keystone.conf
    uwsgi --ini "$K/keystone-uwsgi.ini" >"$K/log/uwsgi.log" 2>&1 & echo $! >"$K/run/keystone.pid"
  fi
  wait_up "http://127.0.0.1:$PORT" "$K/log/uwsgi.log"
  if ! alive keystone-short; then
    local p; p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "$p" >"$K/run/keystone-short.port"
    write_uwsgi "$K/keystone-short-uwsgi.ini" "127.0.0.1:$p" keystone-short.conf
    uwsgi --ini "$K/keystone-short-uwsgi.ini" >"$K/log/uwsgi-short.log" 2>&1 & echo $! >"$K/run/keystone-short.pid"
  fi
  wait_up "http://127.0.0.1:$(cat "$K/run/keystone-short.port")" "$K/log/uwsgi-short.log"
  [ -f "$K/.registered" ] || { python3 "$ROOT/scripts/lab/keystone/register.py" "http://127.0.0.1:$PORT" "$ADMIN_PW" >"$K/registered.json" && touch "$K/.registered"; }
}

stop() {
  for n in keystone keystone-short; do
    if alive "$n"; then
      pid=$(cat "$K/run/$n.pid"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$K/run/$n.pid"
  done
}

case "${1:-}" in
packages) echo "keystone uwsgi-core uwsgi-plugin-python3 curl python3" ;;
start) start ;;
stop) stop ;;
env)
  cat <<ENV
export MITTEN_TEST_KEYSTONE_URL=http://127.0.0.1:$PORT/v3
export MITTEN_TEST_KEYSTONE_SHORT_URL=http://127.0.0.1:$(cat "$K/run/keystone-short.port" 2>/dev/null || echo 0)/v3
export MITTEN_TEST_KEYSTONE_SHORT_EXPIRATION=$SHORT_EXPIRATION
export MITTEN_TEST_KEYSTONE_ADMIN_USER=admin
export MITTEN_TEST_KEYSTONE_ADMIN_PASSWORD=$ADMIN_PW
export MITTEN_TEST_KEYSTONE_ADMIN_PROJECT=admin
export MITTEN_TEST_KEYSTONE_DOMAIN=mitten
export MITTEN_TEST_KEYSTONE_USER=mitten-user
export MITTEN_TEST_KEYSTONE_PASSWORD=mitten-pass
export MITTEN_TEST_KEYSTONE_PROJECT=mitten-test
ENV
  ;;
*) echo "usage: $0 packages|start|stop|env" >&2; exit 2 ;;
esac
