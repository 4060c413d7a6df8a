#!/usr/bin/env bash
# A real OpenStack Swift (Debian's swift 2.30 packages) on 127.0.0.1 for the tests:
# one replica on one directory device, tempauth (v1 auth), tempurl and slo middleware,
# memcached for tempauth's tokens. State lives in $MITTEN_LAB/swift.
#   packages  Debian packages it needs (scripts/setup installs them)
#   start     one-time setup (configs, rings) if needed, then starts the servers (idempotent)
#   stop      stops what start started, by PID
#   env       export lines for the tests (MITTEN_TEST_SWIFT_*)
# Ports: proxy 8080, object/container/account servers 6200/6201/6202, memcached 11211.
# When the Keystone lab (10-keystone.sh) answers and keystonemiddleware is installed, a
# second proxy (authtoken + keystoneauth) runs on an ephemeral port chosen once, and
# Swift is registered in Keystone's catalog as `object-store` (scripts/lab/swift/).
set -euo pipefail
cd "$(dirname "$0")/../.."
LAB=${MITTEN_LAB:-$PWD/.lab}
S=$LAB/swift
PROXY=8080; OBJ=6200; CONT=6201; ACC=6202; MC=11211
HOST=127.0.0.1

write_configs() {
  rm -rf "$S/etc" "$S/srv"; mkdir -p "$S"/{etc,srv/d1,run,log}
  cat >"$S/etc/swift.conf" <<CONF
[swift-hash]
swift_hash_path_prefix = mittenlabprefix
swift_hash_path_suffix = mittenlabsuffix
[storage-policy:0]
name = Policy-0
default = yes
[swift-constraints]
CONF
  for pair in object:$OBJ container:$CONT account:$ACC; do
    kind=${pair%%:*}; port=${pair##*:}
    cat >"$S/etc/$kind-server.conf" <<CONF
[DEFAULT]
bind_ip = $HOST
bind_port = $port
workers = 0
user = root
swift_dir = $S/etc
devices = $S/srv
mount_check = false
disable_fallocate = true
log_name = $kind-server
log_facility = LOG_LOCAL0
log_level = WARNING

[pipeline:main]
pipeline = $kind-server

[app:$kind-server]
use = egg:swift#$kind

[$kind-replicator]
[$kind-auditor]
[$kind-updater]
CONF
  done
  cat >"$S/etc/proxy-server.conf" <<CONF
[DEFAULT]
bind_ip = $HOST
bind_port = $PROXY
workers = 0
user = root
swift_dir = $S/etc
log_name = proxy-server
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl ratelimit tempauth copy container-quotas account-quotas slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true
# One device: without this a single 507 error-limits it for 60 s and every request fails.
error_suppression_interval = 0

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test2_tester2 = testing2 .admin
token_life = 86400

[filter:cache]
use = egg:swift#memcache
memcache_servers = $HOST:$MC

[filter:healthcheck]
use = egg:swift#healthcheck
[filter:ratelimit]
use = egg:swift#ratelimit
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:copy]
use = egg:swift#copy
[filter:container-quotas]
use = egg:swift#container_quotas
[filter:account-quotas]
use = egg:swift#account_quotas
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
[filter:symlink]
use = egg:swift#symlink
CONF
  (cd "$S/etc"
   for pair in object:$OBJ container:$CONT account:$ACC; do
     kind=${pair%%:*}; port=${pair##*:}
     swift-ring-builder "$kind.builder" create 10 1 1 >/dev/null
     swift-ring-builder "$kind.builder" add "r1z1-$HOST:$port/d1" 100 >/dev/null
     swift-ring-builder "$kind.builder" rebalance >/dev/null
   done)
}

# The Keystone-backed proxy: same servers, authtoken + keystoneauth instead of tempauth.
write_keystone_proxy() { # $1 = port, $2 = keystone URL (without /v3)
  python3 - "$S/etc/proxy-server.conf" "$S/etc/proxy-server-ks.conf" "$1" "$2" "$HOST:$MC" <<'PY'
import sys
src, dst, port, keystone, memcache = sys.argv[1:]
s = open(src).read()
s = s.replace("bind_port = 8080", f"bind_port = {port}").replace("log_name = proxy-server", "log_name = proxy-server-ks")
s = s.replace(" tempauth ", " authtoken keystoneauth ")
a = s.index("[filter:tempauth]"); b = s.index("[filter:cache]")
s = s[:a] + f"""[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
www_authenticate_uri = {keystone}
auth_url = {keystone}
auth_type = password
project_domain_id = default
user_domain_id = default
project_name = service
username = swift
password = swiftpass
delay_auth_decision = True
memcached_servers = {memcache}

[filter:keystoneauth]
use = egg:swift#keystoneauth
operator_roles = admin, member

""" + s[b:]
open(dst, "w").write(s)
PY
}

start_keystone_proxy() {
  local ks_env ks_url ks_root port
  ks_env=$(bash scripts/lab/10-keystone.sh env 2>/dev/null) || return 0
  ks_url=$(sed -n 's/^export MITTEN_TEST_KEYSTONE_URL=//p' <<<"$ks_env")
  local answered=no
  if [ -n "$ks_url" ]; then
    for _ in 1 2 3 4 5; do curl -sf --max-time 10 "$ks_url/" >/dev/null && { answered=yes; break; }; sleep 1; done
  fi
  [ "$answered" = yes ] || { echo "30-swift: no Keystone, no Keystone-backed proxy" >&2; return 0; }
  /usr/bin/python3 -c 'import keystonemiddleware' 2>/dev/null || { echo "30-swift: keystonemiddleware missing, no Keystone-backed proxy" >&2; return 0; }
  ks_root=${ks_url%/v3}
  if [ ! -f "$S/etc/proxy-ks.port" ]; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$S/etc/proxy-ks.port"
  fi
  port=$(cat "$S/etc/proxy-ks.port")
  write_keystone_proxy "$port" "$ks_root"
  admin_pw=$(sed -n 's/^export MITTEN_TEST_KEYSTONE_ADMIN_PASSWORD=//p' <<<"$ks_env")
  /usr/bin/python3 scripts/lab/swift/register-keystone.py "$ks_root" "$admin_pw" "http://$HOST:$port" >"$S/etc/keystone-registered.json"
  if ! alive proxy-ks; then
    /usr/bin/swift-proxy-server "$S/etc/proxy-server-ks.conf" >"$S/log/proxy-ks.log" 2>&1 &
    echo $! >"$S/run/proxy-ks.pid"
  fi
  for _ in $(seq 1 300); do curl -sf --max-time 2 "http://$HOST:$port/healthcheck" >/dev/null && return 0; sleep 0.1; done
  echo "30-swift: the Keystone-backed proxy did not come up; see $S/log/proxy-ks.log" >&2; return 1
}

alive() { [ -f "$S/run/$1.pid" ] && kill -0 "$(cat "$S/run/$1.pid")" 2>/dev/null; }
answers() { curl -s -o /dev/null --max-time 2 "http://$HOST:$1/"; }

case "${1:-}" in
packages)
  echo swift swift-proxy swift-object swift-container swift-account python3-swift python3-keystonemiddleware memcached curl ;;
start)
  [ -f "$S/etc/object.ring.gz" ] || write_configs
  mkdir -p "$S/run" "$S/log"
  if curl -sf --max-time 2 "http://$HOST:$PROXY/healthcheck" >/dev/null && alive proxy; then start_keystone_proxy; exit 0; fi
  # memcached: reuse one already on the port (another lab may share it), else start ours.
  if ! (exec 3<>"/dev/tcp/$HOST/$MC") 2>/dev/null; then
    memcached -u root -l $HOST -p $MC -U 0 -m 64 >"$S/log/memcached.log" 2>&1 &
    echo $! >"$S/run/memcached.pid"
  fi
  for s in account container object proxy; do
    alive $s && continue
    /usr/bin/swift-$s-server "$S/etc/$s-server.conf" >"$S/log/$s.log" 2>&1 &
    echo $! >"$S/run/$s.pid"
  done
  for _ in $(seq 1 600); do
    if curl -sf --max-time 2 "http://$HOST:$PROXY/healthcheck" >/dev/null && answers $OBJ && answers $CONT && answers $ACC &&
       curl -sf --max-time 2 -o /dev/null -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' "http://$HOST:$PROXY/auth/v1.0"; then
      start_keystone_proxy
      exit 0
    fi
    sleep 0.1
  done
  echo "30-swift: swift did not come up; logs in $S/log" >&2; tail -n 20 "$S"/log/*.log >&2; exit 1 ;;
stop)
  for n in proxy-ks proxy object container account memcached; do
    if [ -f "$S/run/$n.pid" ]; then kill "$(cat "$S/run/$n.pid")" 2>/dev/null || true; rm -f "$S/run/$n.pid"; fi
  done ;;
env)
  echo "export MITTEN_TEST_SWIFT_AUTH_URL=http://$HOST:$PROXY/auth/v1.0"
  echo "export MITTEN_TEST_SWIFT_USER=test:tester"
  echo "export MITTEN_TEST_SWIFT_KEY=testing"
  echo "export MITTEN_TEST_SWIFT_USER2=test2:tester2"
  echo "export MITTEN_TEST_SWIFT_KEY2=testing2"
  echo "export MITTEN_TEST_SWIFT_DEVICES=$S/srv"
  if [ -f "$S/etc/proxy-ks.port" ] && alive proxy-ks; then
    echo "export MITTEN_TEST_SWIFT_KEYSTONE_PROXY=http://$HOST:$(cat "$S/etc/proxy-ks.port")"
  fi ;;
*) echo "usage: $0 packages|start|stop|env" >&2; exit 2 ;;
esac
