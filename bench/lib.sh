# shellcheck shell=bash
# Sourced by the bench scripts.

# listening_port LOG [TENTHS]: waits (at most TENTHS tenths of a second, default 100) until the
# startales server logging to LOG says it listens, and prints its port; otherwise prints the
# log on stderr and returns 1.
listening_port() {
  local log=$1 tenths=${2:-100} port
  for _ in $(seq 1 "$tenths"); do
    port=$(grep -o '"msg":"listening".*"port":[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    if [ -n "$port" ]; then echo "$port"; return 0; fi
    sleep 0.1
  done
  echo "the server did not start:" >&2
  cat "$log" >&2
  return 1
}

# metrics_port LOG: the port of the server's /metrics listener (--metrics-listen), once
# listening_port has returned; empty when the listener is off.
metrics_port() {
  grep -o '"msg":"metrics listening".*"port":[0-9]*' "$1" | grep -o '[0-9]*$' || true
}
