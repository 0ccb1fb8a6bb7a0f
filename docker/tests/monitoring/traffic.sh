# shellcheck shell=bash
# Sourced by docker/tests/monitoring.sh: a little of every kind of traffic on the live cluster
# of stack.sh, so that labelled metric families exist and histograms have observations.
# Needs fail(), $work, api1_port, api2_port, stt1_port, tts1_port, $speech_token.
# shellcheck disable=SC2154  # the variables are the sourcing script's

# call PORT METHOD PATH [BODY] [AUTH]: the answer's body in $work/answer, its status in $code.
call() {
  local port=$1 method=$2 path=$3 body=${4:-} auth=${5:-}
  local args=(-sS -o "$work/answer" -w '%{http_code}' -X "$method" --max-time 30)
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  [ -n "$auth" ] && args+=(-H "Authorization: Bearer $auth")
  code="$(curl "${args[@]}" "http://127.0.0.1:$port$path")" || code=000
}
expect_code() {  # expect_code WANT WHAT
  [ "$code" = "$1" ] || fail "$2: HTTP $code, expected $1: $(head -c 500 "$work/answer")"
}

traffic() {
  local creds='{"username":"mon_player","password":"a long secret"}' token campaign character
  call "$api1_port" POST /api/auth/register "$creds"; expect_code 201 "register"
  call "$api2_port" POST /api/auth/login "$creds"; expect_code 200 "login on api2"
  token="$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$work/answer")"
  call "$api1_port" POST /api/campaigns \
    '{"name":"Watched","systems":20,"max_players":1,"ai_empires":1,"tick_ms":200,"seed":5}' "$token"
  expect_code 201 "create a campaign"
  campaign="$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' "$work/answer")"
  call "$api1_port" POST "/api/campaigns/$campaign/start" "" "$token"; expect_code 200 "start the campaign"

  # A command through each node: the one that does not own the campaign forwards it over NATS.
  # Right after the start its owner may hold the lease before it has loaded it: 503, retry.
  local port i
  for port in "$api1_port" "$api2_port"; do
    for i in $(seq 1 50); do
      call "$port" POST "/api/campaigns/$campaign/commands" "{\"type\":\"set_policy\",\"tax_rate\":$((20 + i))}" "$token"
      [ "$code" = 503 ] || break
      sleep 0.2
    done
    expect_code 202 "a command through port $port"
    call "$port" GET "/api/campaigns/$campaign/state" "" "$token"; expect_code 200 "the state through port $port"
  done

  # A character: the fake Ollama answers the first call 503 (retried) then 500, so the built-in
  # engine answers; the next message is the model's.
  call "$api1_port" GET "/api/campaigns/$campaign/characters" "" "$token"; expect_code 200 "the cast"
  character="$(sed -n 's/^{"characters":\[{"id":\([0-9]*\),.*/\1/p' "$work/answer")"
  [ -n "$character" ] || fail "no character in the cast: $(head -c 300 "$work/answer")"
  call "$api1_port" POST "/api/campaigns/$campaign/characters/$character/messages" '{"text":"How is the treasury?"}' "$token"
  expect_code 200 "a message to a character"
  grep -q '"engine":"builtin"' "$work/answer" || fail "the first reply (model failing) was not the built-in engine's: $(tail -c 500 "$work/answer")"
  call "$api2_port" POST "/api/campaigns/$campaign/characters/$character/messages" '{"text":"And now?"}' "$token"
  expect_code 200 "a second message to a character"
  grep -q '"engine":"ollama"' "$work/answer" || fail "the second reply was not the model's: $(tail -c 500 "$work/answer")"

  # Readiness, and speech through an api node (its own engines, a player's token).
  call "$api1_port" GET /api/ready; expect_code 200 "readiness of api1"
  call "$api2_port" POST /api/tts/synthesize '{"text":"Ready."}' "$token"; expect_code 200 "synthesis through api2"

  # A request the server cannot parse (http_rejected_total{reason="bad_request"}).
  timeout 5 bash -c "printf 'NONSENSE\r\n\r\n' >/dev/tcp/127.0.0.1/$api1_port" 2>/dev/null || true

  # Speech: synthesize on tts, transcribe that on stt.
  curl -fsS --max-time 30 -o "$work/speech.wav" -X POST "http://127.0.0.1:$tts1_port/synthesize" \
    -H "Authorization: Bearer $speech_token" -H 'Content-Type: application/json' \
    --data-binary '{"text":"Hail, Altair."}' || fail "synthesis on tts failed"
  code="$(curl -sS --max-time 30 -o "$work/answer" -w '%{http_code}' -X POST "http://127.0.0.1:$stt1_port/transcribe" \
    -H "Authorization: Bearer $speech_token" -H 'Content-Type: audio/wav' --data-binary "@$work/speech.wav")" || code=000
  expect_code 200 "transcription on stt"
  sleep 1  # a few more ticks (every 200 ms)
}
