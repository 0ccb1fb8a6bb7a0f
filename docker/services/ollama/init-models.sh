#!/usr/bin/env bash
# Pulls the models StarTales needs into an Ollama server, through its HTTP API: waits for the
# server, lists what it has (GET /api/tags), pulls each missing model (POST /api/pull, its
# NDJSON progress printed as it streams) and stops at the first failure with a message that
# names the model. Idempotent: a model the server lists is skipped, so a second run pulls
# nothing. Runs as compose's one-shot `ollama-init` service and as the Kubernetes model-init
# Job, in the Ollama image (docker/services/ollama/Dockerfile).
#
# That image has bash but neither curl nor wget nor python, so HTTP is spoken here through
# bash's /dev/tcp (plain HTTP: Ollama has no TLS of its own; keep it on the private network).
# The `ollama` CLI could pull too, but it prints terminal progress bars and cannot be tested
# here against a fake server; this script can (docker/tests/ollama.sh).
#
# Environment (the whole interface):
#   OLLAMA_MODELS_TO_PULL  models, space- or comma-separated: "llama3.2:3b nomic-embed-text"
#                          (a bare name means NAME:latest, as in Ollama)
#   OLLAMA_URL             the server, http://HOST[:PORT] (default http://ollama:11434;
#                          without a port, 11434 as in Ollama's own client)
#   OLLAMA_WAIT_S          how long to wait for the server to answer (default 120)
#   OLLAMA_PULL_TIMEOUT_S  longest pull of one model (default 3600)
#   OLLAMA_STALL_S         longest silence of a pull's progress stream (default 300)
# Exit status: 0 every model present, 1 a pull failed or timed out, 2 bad configuration,
# 3 the server never answered.
set -euo pipefail
export LC_ALL=C  # byte lengths and byte reads

say() { printf 'init-models: %s\n' "$*"; }
die() { local code=$1; shift; printf 'init-models: %s\n' "$*" >&2; exit "$code"; }

models_raw="${OLLAMA_MODELS_TO_PULL:-}"
url="${OLLAMA_URL:-http://ollama:11434}"
wait_s="${OLLAMA_WAIT_S:-120}"
pull_timeout_s="${OLLAMA_PULL_TIMEOUT_S:-3600}"
stall_s="${OLLAMA_STALL_S:-300}"
for var in wait_s pull_timeout_s stall_s; do
  [[ ${!var} =~ ^[1-9][0-9]{0,6}$ ]] || die 2 "$var must be a whole number of seconds, not '${!var}'"
done
[[ $url == https://* ]] && die 2 "OLLAMA_URL=$url: https is not supported (bash has no TLS); use the server's plain http:// address on the private network"
[[ $url =~ ^http://([A-Za-z0-9._-]+)(:([0-9]{1,5}))?/?$ ]] \
  || die 2 "OLLAMA_URL must look like http://HOST:PORT, not '$url'"
host="${BASH_REMATCH[1]}"
port="${BASH_REMATCH[3]:-11434}"

IFS=$' \t\n,' read -r -d '' -a models <<<"$models_raw" || true
for m in "${models[@]}"; do
  [[ $m =~ ^[A-Za-z0-9][A-Za-z0-9._/:-]*$ ]] || die 2 "'$m' in OLLAMA_MODELS_TO_PULL is not a model name (NAME[:TAG])"
done

# Ollama's name rules: case-insensitive, the default registry and namespace implied,
# tag "latest" when none is given.
canonical() {
  local n="${1,,}"
  n="${n#registry.ollama.ai/}"
  n="${n#library/}"
  [[ ${n##*/} == *:* ]] || n="$n:latest"
  printf '%s' "$n"
}

# ---- HTTP over /dev/tcp -------------------------------------------------------------------
fd=""
close_conn() { if [ -n "$fd" ]; then exec {fd}>&-; fd=""; fi; }

# connect: opens $fd to the server, or fails within 5 s (a connect to an unroutable address
# would otherwise hang for minutes; resolving a name that does not exist yet fails at once).
connect() {
  timeout 5 bash -c ": <>/dev/tcp/$host/$port" 2>/dev/null || return 1
  { exec {fd}<>"/dev/tcp/$host/$port"; } 2>/dev/null || { fd=""; return 1; }
}

# request METHOD PATH [BODY]: sends it and reads the status line and headers into
# $status, $chunked and $length. The answer's body is then read with body_line / body_all.
request() {
  local method=$1 path=$2 body=${3:-} line
  local head="$method $path HTTP/1.1"$'\r\n'"Host: $host:$port"$'\r\n'
  head+="User-Agent: startales-init-models"$'\r\n'"Accept: application/json, application/x-ndjson"$'\r\n'
  [ -n "$body" ] && head+="Content-Type: application/json"$'\r\n'"Content-Length: ${#body}"$'\r\n'
  connect || return 1
  { printf '%sConnection: close\r\n\r\n%s' "$head" "$body" >&"$fd"; } 2>/dev/null || { close_conn; return 1; }
  IFS= read -r -t "$stall_s" line <&"$fd" || { close_conn; return 1; }
  [[ $line =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] || { close_conn; return 1; }
  status="${BASH_REMATCH[1]}" chunked=0 length=-1
  while IFS= read -r -t "$stall_s" line <&"$fd"; do
    line="${line%$'\r'}"
    [ -z "$line" ] && break
    shopt -s nocasematch
    [[ $line =~ ^transfer-encoding:\ *chunked ]] && chunked=1
    [[ $line =~ ^content-length:\ *([0-9]+) ]] && length="${BASH_REMATCH[1]}"
    shopt -u nocasematch
  done
  pending="" chunk_left=0 body_done=0
  [ "$length" = 0 ] && body_done=1
  return 0
}

# body_line DEADLINE: the next line of the body into $line (chunked, sized or up to the
# close). Status 0 a line, 1 the body ended, 2 silent for OLLAMA_STALL_S or past DEADLINE.
body_line() {
  local deadline=$1 data size wait rc
  while :; do
    if [[ $pending == *$'\n'* ]]; then
      line="${pending%%$'\n'*}"; pending="${pending#*$'\n'}"; return 0
    fi
    if [ "$body_done" = 1 ]; then
      [ -n "$pending" ] && { line="$pending"; pending=""; return 0; }
      return 1
    fi
    wait=$((deadline - SECONDS)); ((wait > stall_s)) && wait=$stall_s
    ((wait > 0)) || return 2
    data="" rc=0
    if [ "$chunked" = 1 ] && ((chunk_left == 0)); then
      IFS= read -r -t "$wait" size <&"$fd" || rc=$?
      ((rc > 128)) && return 2
      size="${size%$'\r'}"; size="${size%%;*}"
      if ((rc != 0)) || ! [[ $size =~ ^[0-9A-Fa-f]+$ ]] || ((16#$size == 0)); then
        body_done=1; continue  # the last chunk (or a cut-off stream)
      fi
      chunk_left=$((16#$size))
    elif [ "$chunked" = 1 ]; then
      IFS= read -r -N "$chunk_left" -t "$wait" data <&"$fd" || rc=$?
      ((rc > 128)) && return 2
      pending+="$data"; chunk_left=$((chunk_left - ${#data}))
      ((rc != 0)) && body_done=1
      ((chunk_left == 0)) && { IFS= read -r -t "$wait" data <&"$fd" || true; }  # its CRLF
    elif ((length >= 0)); then
      IFS= read -r -N "$length" -t "$wait" data <&"$fd" || rc=$?
      ((rc > 128)) && return 2
      pending+="$data"; length=$((length - ${#data}))
      ((rc != 0 || length == 0)) && body_done=1
    else  # delimited by the server closing the connection
      IFS= read -r -t "$wait" data <&"$fd" || rc=$?
      ((rc > 128)) && return 2
      if ((rc == 0)); then pending+="$data"$'\n'; else pending+="$data"; body_done=1; fi
    fi
  done
}

body_all() {  # the whole body into $body (bounded by OLLAMA_STALL_S)
  body=""
  local deadline=$((SECONDS + stall_s)) rc
  while :; do
    rc=0; body_line "$deadline" || rc=$?
    ((rc == 0)) || break
    body+="$line"$'\n'
  done
  ((rc == 1))
}

json_string() {  # json_string FIELD TEXT: the first string value of FIELD, unescaped lightly
  local re="\"$1\":\"(([^\"\\\\]|\\\\.)*)\""
  [[ $2 =~ $re ]] || return 1
  local v="${BASH_REMATCH[1]}"
  v="${v//\\\"/\"}"; v="${v//\\u003c/<}"; v="${v//\\u003e/>}"; v="${v//\\u0026/&}"
  printf '%s' "${v//\\\\/\\}"
}
human() {  # human BYTES: "2.0 GB", "7.7 KB"
  local b=$1 unit=B div=1 u
  for u in KB MB GB TB; do ((b >= div * 1000)) && { unit=$u; div=$((div * 1000)); }; done
  if [ "$unit" = B ]; then printf '%d B' "$b"; else
    printf '%d.%d %s' $((b / div)) $((b * 10 / div % 10)) "$unit"; fi
}
json_number() { [[ $2 =~ \"$1\":([0-9]+) ]] && printf '%s' "${BASH_REMATCH[1]}"; }

# ---- the work -----------------------------------------------------------------------------
if [ ${#models[@]} -eq 0 ]; then
  say "OLLAMA_MODELS_TO_PULL is empty: nothing to pull"
  exit 0
fi

say "waiting for Ollama at $url (up to ${wait_s}s)"
give_up=$((SECONDS + wait_s)) tries=0
until request GET /api/version && [ "$status" = 200 ] && body_all; do
  close_conn
  tries=$((tries + 1))
  ((SECONDS < give_up)) || die 3 "Ollama at $url did not answer within ${wait_s}s ($tries attempts): is the ollama service running, and OLLAMA_URL right?"
  sleep 2
done
close_conn
say "Ollama $(json_string version "$body" || echo '(unknown version)') is up"

request GET /api/tags || die 1 "cannot list the models of $url (GET /api/tags failed)"
body_all || die 1 "GET /api/tags: the answer was cut off"
close_conn
[ "$status" = 200 ] || die 1 "GET /api/tags answered $status: $(json_string error "$body" || echo "$body")"
declare -A have=()
rest="$body" re='"name":"([^"]*)"'
while [[ $rest =~ $re ]]; do
  have["$(canonical "${BASH_REMATCH[1]}")"]=1
  rest="${rest#*"${BASH_REMATCH[0]}"}"
done

pulled=0 skipped=0
for m in "${models[@]}"; do
  name="$(canonical "$m")"
  if [ -n "${have[$name]:-}" ]; then
    say "$m: present ($name), skipped"
    skipped=$((skipped + 1)); continue
  fi
  say "$m: pulling"
  request POST /api/pull "{\"model\":\"$m\",\"stream\":true}" || die 1 "$m: cannot reach $url to pull it"
  if [ "$status" != 200 ]; then
    body_all || true
    die 1 "$m: the pull was refused ($status): $(json_string error "$body" || echo "${body:0:200}")"
  fi
  deadline=$((SECONDS + pull_timeout_s)) last="" ok=0
  while :; do
    rc=0; body_line "$deadline" || rc=$?
    ((rc == 0)) || break
    [ -z "$line" ] && continue
    if err="$(json_string error "$line")"; then
      close_conn
      die 1 "$m: the pull failed: $err (check the name and tag against the Ollama library)"
    fi
    st="$(json_string status "$line" || true)"
    total="$(json_number total "$line" || true)" done_="$(json_number completed "$line" || echo 0)"
    if [ -n "$total" ] && ((total > 0)); then
      pct=$((done_ * 100 / total)); shown="$st $((pct / 10 * 10))"
      [ "$shown" != "$last" ] && say "$m: $st: $pct% of $(human "$total")"
    else
      shown="$st"
      [ "$shown" != "$last" ] && say "$m: $st"
    fi
    last="$shown"
    [ "$st" = success ] && ok=1
  done
  close_conn
  ((rc == 2)) && die 1 "$m: the pull timed out (no progress for ${stall_s}s, or longer than ${pull_timeout_s}s in all)"
  ((ok == 1)) || die 1 "$m: the pull's stream ended without \"success\""
  pulled=$((pulled + 1))
done
say "done: $pulled pulled, $skipped already present"
