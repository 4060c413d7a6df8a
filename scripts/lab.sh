#!/usr/bin/env bash
# Starts or stops every real service the test suite talks to (scripts/lab/*.sh):
#   scripts/lab.sh start   -> starts them all, writes .lab/env (export lines for tests)
#   scripts/lab.sh stop    -> stops them all (only processes they started, by PID)
# Each scripts/lab/NAME.sh implements: packages | start | stop | env.
set -euo pipefail
cd "$(dirname "$0")/.."
export MITTEN_LAB=${MITTEN_LAB:-$PWD/.lab}
mkdir -p "$MITTEN_LAB"
case "${1:-}" in
start)
  : >"$MITTEN_LAB/env"
  for lab in scripts/lab/*.sh; do
    [ -e "$lab" ] || continue
    echo "lab: starting $(basename "$lab" .sh)"
    bash "$lab" start
    bash "$lab" env >>"$MITTEN_LAB/env"
  done ;;
stop)
  for lab in scripts/lab/*.sh; do
    [ -e "$lab" ] || continue
    bash "$lab" stop || echo "lab: $(basename "$lab" .sh) did not stop cleanly" >&2
  done ;;
*) echo "usage: scripts/lab.sh start|stop" >&2; exit 2 ;;
esac
