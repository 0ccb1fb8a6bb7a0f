#!/usr/bin/env bash
# Checks docker/services/ollama: the Dockerfile pins the official image and ships
# init-models.sh, and init-models.sh against a fake Ollama (docker/tests/fake-ollama/server.mjs,
# Ollama's documented /api/tags and streamed /api/pull): it pulls what is missing, skips what
# is present (Ollama's name rules), does nothing the second time, fails naming an unknown tag,
# survives a slow stream and one not chunked, times out on a stalled one, waits for a server
# that starts late and gives up on one that never does. The script runs with nothing but bash,
# timeout and sleep on its PATH, as in the Ollama image.
set -euo pipefail
cd "$(dirname "$0")/../.."
script=docker/services/ollama/init-models.sh
fake=docker/tests/fake-ollama/server.mjs

fail() { echo "ollama: FAILED: $*" >&2; exit 1; }
ok() { echo "ollama: $*"; }
for tool in node bash timeout; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/bootstrap.sh installs it)"
done

work="$(mktemp -d /tmp/startales-ollama-test.XXXXXX)"
fake_pid=""
stop_fake() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fake_pid=""; fi
}
trap 'stop_fake; rm -rf "$work"' EXIT

# Only what the Ollama image has: bash and coreutils' timeout and sleep.
mkdir "$work/bin"
for tool in bash timeout sleep; do ln -s "$(command -v "$tool")" "$work/bin/$tool"; done

# start_fake ARGS...: a fake Ollama on a free port ($port); it keeps its models in $work/state.
start_fake() {
  stop_fake
  : >"$work/fake.log"
  node "$fake" --state "$work/state.json" "$@" >"$work/fake.log" 2>&1 &
  fake_pid=$!

  for _ in $(seq 1 100); do
    port="$(sed -n 's/^fake ollama listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/fake.log")"
    [ -n "$port" ] && return 0
    kill -0 "$fake_pid" 2>/dev/null || fail "the fake Ollama did not start: $(cat "$work/fake.log")"
    sleep 0.1
  done
  fail "the fake Ollama did not listen within 10 s"
}

# run_init [VAR=VALUE...]: runs init-models.sh under a PATH of the image's tools; sets $rc, $out.
run_init() {
  rc=0
  out="$(env -i PATH="$work/bin" OLLAMA_URL="http://127.0.0.1:$port" OLLAMA_WAIT_S=10 \
           OLLAMA_STALL_S=10 OLLAMA_PULL_TIMEOUT_S=60 "$@" \
           "$work/bin/bash" "$script" 2>&1)" || rc=$?
}
pulls() { curl -fsS "127.0.0.1:$port/_fake/pulls" | sed 's/.*"pulls":\[\([^]]*\)\].*/\1/'; }
expect() {  # expect WHAT CODE TEXT: $rc is CODE and $out contains TEXT
  [ "$rc" = "$2" ] || fail "$1: exit $rc, expected $2; output:"$'\n'"$out"
  [[ $out == *"$3"* ]] || fail "$1: the output lacks '$3':"$'\n'"$out"
}

# ---- the image --------------------------------------------------------------------------
grep -Eq '^FROM ollama/ollama:[0-9]+\.[0-9]+\.[0-9]+$' docker/services/ollama/Dockerfile \
  || fail "docker/services/ollama/Dockerfile must start FROM ollama/ollama:X.Y.Z (a pinned version)"
grep -q '^COPY init-models.sh /usr/local/bin/init-models.sh$' docker/services/ollama/Dockerfile \
  || fail "the Dockerfile does not copy init-models.sh to /usr/local/bin"
[ -x "$script" ] || fail "$script is not executable (COPY keeps the mode: chmod +x it and commit the mode)"
ok "Dockerfile pins $(sed -n 's/^FROM //p' docker/services/ollama/Dockerfile) and ships init-models.sh"

# ---- pulls what is missing, skips what is present -----------------------------------------
rm -f "$work/state.json"
start_fake --known llama3.2:3b --known nomic-embed-text:latest --model qwen2:0.5b
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b, nomic-embed-text Qwen2:0.5B"
expect "first run" 0 "done: 2 pulled, 1 already present"
[ "$(pulls)" = '"llama3.2:3b","nomic-embed-text:latest"' ] || fail "first run pulled $(pulls), expected llama3.2:3b and nomic-embed-text:latest"
[[ $out == *"Qwen2:0.5B: present (qwen2:0.5b), skipped"* ]] || fail "a present model (other case) was not skipped:"$'\n'"$out"
[[ $out == *"llama3.2:3b: pulling"*"% of 2.0 GB"*"llama3.2:3b: success"* ]] || fail "no streamed progress printed:"$'\n'"$out"
ok "pulls the missing models with progress, skips a present one (case-insensitive)"

# ---- a second run (the server restarted, its models kept) is a no-op ----------------------
start_fake --known llama3.2:3b --known nomic-embed-text:latest
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b nomic-embed-text:latest qwen2:0.5b"
expect "second run" 0 "done: 0 pulled, 3 already present"
[ -z "$(pulls)" ] || fail "second run pulled $(pulls)"
run_init OLLAMA_MODELS_TO_PULL="nomic-embed-text"
expect "bare name" 0 "nomic-embed-text: present (nomic-embed-text:latest), skipped"
ok "second run pulls nothing; a bare name means :latest"

# ---- an unknown tag fails, naming it, and stops there --------------------------------------
run_init OLLAMA_MODELS_TO_PULL="llama3.2:8b mistral:7b"
expect "unknown tag" 1 "llama3.2:8b: the pull failed: pull model manifest: file does not exist"
[[ $out != *"mistral:7b"* ]] || fail "went on after a failed pull:"$'\n'"$out"
ok "an unknown tag fails with Ollama's message and the tag (exit 1)"

# ---- slow streams, unchunked streams, stalled streams ------------------------------------
rm -f "$work/state.json"
start_fake --known llama3.2:3b --slow-ms 300
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b" OLLAMA_STALL_S=2
expect "slow stream" 0 "done: 1 pulled"
ok "a slow pull stream (300 ms between lines) completes"

rm -f "$work/state.json"
start_fake --known llama3.2:3b --raw-stream
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b"
expect "unchunked stream" 0 "done: 1 pulled"
ok "a pull stream delimited by the connection's close (not chunked) completes"

rm -f "$work/state.json"
start_fake --known llama3.2:3b --slow-ms 3000
started=$SECONDS
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b" OLLAMA_STALL_S=1
expect "stalled stream" 1 "llama3.2:3b: the pull timed out"
((SECONDS - started < 10)) || fail "the stalled pull took $((SECONDS - started)) s to time out"
ok "a stalled pull times out after OLLAMA_STALL_S (exit 1)"

# ---- the server starts late; the server never starts --------------------------------------
start_fake --known llama3.2:3b --model llama3.2:3b --start-delay-ms 3000
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b"
expect "late server" 0 "llama3.2:3b: present"
ok "waits for a server that starts 3 s late"

start_fake --model llama3.2:3b
stop_fake  # nobody listens on $port any more
started=$SECONDS
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b" OLLAMA_WAIT_S=3
expect "no server" 3 "did not answer within 3s"
((SECONDS - started < 12)) || fail "giving up took $((SECONDS - started)) s"
ok "a server that never answers: a clear message after OLLAMA_WAIT_S (exit 3)"

# ---- configuration -------------------------------------------------------------------------
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b" OLLAMA_URL="https://ollama:11434"
expect "https" 2 "https is not supported"
run_init OLLAMA_MODELS_TO_PULL="llama3.2:3b; rm -rf /"
expect "bad name" 2 "is not a model name"
run_init OLLAMA_MODELS_TO_PULL=""
expect "empty list" 0 "nothing to pull"
ok "bad configuration exits 2 naming the variable; an empty list is nothing to do"
