#!/usr/bin/env bash
# A real Nova (Debian bookworm's nova 26, "Zed") with the fake virt driver, Placement and
# RabbitMQ on 127.0.0.1, SQLite in WAL mode, for the tests. Nova needs Glance and Neutron
# to exist: two small STAND-INS (nova/glance_stub.py, nova/neutron_stub.py) answer for
# them. Needs 10-keystone.sh started first (scripts/lab.sh runs labs in name order).
# State lives in $MITTEN_LAB/nova. Takes ~1 GB and ~30-60 s to start.
#   packages  Debian packages it needs (not nova-compute: it pulls libvirt+qemu; the
#             fake driver only needs python3-nova)
#   start     one-time setup (db syncs, cells, Keystone service users and catalog) if not
#             done yet, then starts every process; idempotent
#   stop      stops what start started, by PID
#   env       export lines for the tests (MITTEN_TEST_NOVA_*)
# Ports: nova-api 8774, placement 8778, glance stand-in 9292, neutron stand-in 9696,
# RabbitMQ 25672 (+ 25673 distribution, epmd 24369).
# Derived from the team's Nova recipe; nothing here reads /work/shared at run time.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
LAB=${MITTEN_LAB:-$PWD/.lab}
N=$LAB/nova
T=$ROOT/scripts/lab/nova
ADMIN_PW=${MITTEN_LAB_KEYSTONE_ADMIN_PASSWORD:-mitten-admin-pw}
PROCS="compute scheduler conductor nova-api placement glance-stub neutron-stub"

rabbit_env() {
  export HOME=$N/rabbit/home RABBITMQ_NODENAME=rabbit@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT=25672 RABBITMQ_DIST_PORT=25673 ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=24369 \
    RABBITMQ_MNESIA_BASE=$N/rabbit/mnesia RABBITMQ_LOG_BASE=$N/rabbit/log RABBITMQ_CONFIG_FILE=$N/rabbit/rabbitmq \
    RABBITMQ_ENABLED_PLUGINS_FILE=$N/rabbit/enabled_plugins \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}
alive() { [ -f "$N/run/$1.pid" ] && kill -0 "$(cat "$N/run/$1.pid")" 2>/dev/null; }
launch() { # $1 = name, rest = command
  local name=$1; shift
  alive "$name" || { "$@" >"$N/log/$name.log" 2>&1 & echo $! >"$N/run/$name.pid"; }
}

setup() {
  rm -rf "$N"; mkdir -p "$N"/{rabbit/home,rabbit/mnesia,rabbit/log,log,run,state/lock,instances}
  printf 'listeners.tcp.default = 127.0.0.1:25672\nloopback_users.guest = true\n' >"$N/rabbit/rabbitmq.conf"
  echo '[].' >"$N/rabbit/enabled_plugins"
  for f in nova.conf placement.conf nova-api-uwsgi.ini placement-uwsgi.ini; do
    sed "s|@NOVA@|$N|g" "$T/$f.in" >"$N/$f"
  done
  cp /etc/nova/api-paste.ini "$T/glance_stub.py" "$T/neutron_stub.py" "$N/"
  for db in placement nova_api nova nova_cell0; do
    python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$N/state/$db.db"
  done
  OS_PLACEMENT_CONFIG_DIR=$N placement-manage --config-file "$N/placement.conf" db sync >"$N/log/manage.log" 2>&1
  local NM="nova-manage --config-file $N/nova.conf"
  { $NM api_db sync && $NM cell_v2 map_cell0 --database_connection "sqlite:///$N/state/nova_cell0.db" &&
    $NM cell_v2 create_cell --name cell1 && $NM db sync; } >>"$N/log/manage.log" 2>&1
  touch "$N/.setup-done"
}

start() {
  curl -sf http://127.0.0.1:5000/v3/ >/dev/null || { echo "20-nova: Keystone is not up; run scripts/lab/10-keystone.sh start first" >&2; exit 1; }
  [ -f "$N/.setup-done" ] || setup
  [ -f "$N/.registered" ] || { python3 "$ROOT/scripts/lab/keystone/register.py" http://127.0.0.1:5000 "$ADMIN_PW" services >"$N/log/register.log" && touch "$N/.registered"; }
  rabbit_env
  if ! alive rabbit; then
    /usr/lib/rabbitmq/bin/rabbitmq-server >"$N/log/rabbit.log" 2>&1 & echo $! >"$N/run/rabbit.pid"
  fi
  for _ in $(seq 1 240); do /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup >/dev/null 2>&1 && break; sleep 0.5; done
  cd "$N"
  launch glance-stub python3 glance_stub.py
  launch neutron-stub python3 neutron_stub.py
  launch placement uwsgi --ini placement-uwsgi.ini
  launch nova-api uwsgi --ini nova-api-uwsgi.ini
  launch conductor nova-conductor --config-file "$N/nova.conf"
  launch scheduler nova-scheduler --config-file "$N/nova.conf"
  # the nova-compute package drags in libvirt+qemu; the fake driver only needs python3-nova
  # (Debian's /usr/bin/python3: a python3 earlier on PATH, e.g. pyenv's, lacks the nova modules)
  launch compute /usr/bin/python3 -c 'import sys; from nova.cmd.compute import main; sys.argv=["nova-compute","--config-file",sys.argv[1]]; sys.exit(main())' "$N/nova.conf"
  for _ in $(seq 1 600); do
    curl -sf http://127.0.0.1:8778/ >/dev/null && curl -s -o /dev/null http://127.0.0.1:8774/ && break; sleep 0.2
  done
  [ -f "$N/.flavors" ] || { python3 "$ROOT/scripts/lab/keystone/register.py" http://127.0.0.1:5000 "$ADMIN_PW" flavors >>"$N/log/register.log" && touch "$N/.flavors"; }
  # wait until the compute node is mapped to cell1 (the scheduler finds hosts every 10 s; force it)
  for _ in $(seq 1 120); do
    nova-manage --config-file "$N/nova.conf" cell_v2 discover_hosts >/dev/null 2>&1 || true
    python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect(sys.argv[1]).execute('select count(*) from host_mappings').fetchone()[0] else 1)" "$N/state/nova_api.db" && return 0
    sleep 1
  done
  echo "20-nova: the compute host was never mapped; see $N/log/compute.log" >&2; exit 1
}

stop() {
  for n in $PROCS; do
    if alive "$n"; then
      pid=$(cat "$N/run/$n.pid"); kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$N/run/$n.pid"
  done
  if alive rabbit; then
    rabbit_env
    /usr/lib/rabbitmq/bin/rabbitmqctl -q stop >/dev/null 2>&1 || kill "$(cat "$N/run/rabbit.pid")" 2>/dev/null || true
    # epmd is a separate daemon Erlang starts on our private port; ask it to exit
    epmd -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
  fi
  rm -f "$N/run/rabbit.pid"
}

case "${1:-}" in
packages) echo "python3-nova nova-api nova-conductor nova-scheduler placement-api rabbitmq-server uwsgi-core uwsgi-plugin-python3 curl" ;;
start) start ;;
stop) stop ;;
env)
  cat <<ENV
export MITTEN_TEST_NOVA_URL=http://127.0.0.1:8774/v2.1
export MITTEN_TEST_NOVA_IMAGE=cirros-fake
export MITTEN_TEST_NOVA_SECURITY_GROUP=mitten-lab-sg
export MITTEN_TEST_NOVA_FLAVOR=m1.tiny
ENV
  ;;
*) echo "usage: $0 packages|start|stop|env" >&2; exit 2 ;;
esac
