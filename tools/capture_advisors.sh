#!/usr/bin/env bash
# Captures advisor exchanges from the real binary for docs/advisors.md "Sample exchanges":
# a fresh `startales serve` on a loopback port, one player, a campaign of 60 systems and 2 AI
# empires (seed 11) played for 15 s at 100 ms a day, paused, then one question per role over
# REST. Prints one Markdown line per exchange. Usage: tools/capture_advisors.sh [BINARY] [PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/src/app/startales}
port=${2:-4719}
d=$(mktemp -d)
$bin serve --host 127.0.0.1 --port $port --data-dir "$d" --access-log false > "$d/log" 2>&1 &
pid=$!
trap 'kill $pid; wait $pid 2>/dev/null || true; rm -rf "$d"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/api/ready" >/dev/null && break; sleep 0.2; done
u=http://127.0.0.1:$port
curl -fs -X POST $u/api/auth/register -H 'Content-Type: application/json' -d '{"username":"ada","password":"correct horse battery"}' >/dev/null
tok=$(curl -fs -X POST $u/api/auth/login -H 'Content-Type: application/json' -d '{"username":"ada","password":"correct horse battery"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
H=(-H "Authorization: Bearer $tok" -H 'Content-Type: application/json')
id=$(curl -fs -X POST $u/api/campaigns "${H[@]}" -d '{"name":"Docs","systems":60,"ai_empires":2,"max_players":1,"tick_ms":100,"seed":11}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')
curl -fs -X POST $u/api/campaigns/$id/start "${H[@]}" >/dev/null
sleep 15
curl -fs -X POST $u/api/campaigns/$id/pause "${H[@]}" >/dev/null
cast=$(curl -fs $u/api/campaigns/$id/characters "${H[@]}")
ask() {  # role question
  local cid
  cid=$(python3 -c 'import sys,json;r=sys.argv[1];print(next(c["id"] for c in json.loads(sys.argv[2])["characters"] if c["role"]==r))' "$1" "$cast")
  local out
  out=$(curl -fs -X POST "$u/api/campaigns/$id/characters/$cid/messages" "${H[@]}" -d "$(python3 -c 'import json,sys;print(json.dumps({"text":sys.argv[1]}))' "$2")")
  python3 - "$1" "$2" "$out" <<'PY'
import json,sys
role,q,body=sys.argv[1:4]
done=None
for block in body.split("\n\n"):
    if block.startswith("event: done"):
        data=[l[6:] for l in block.split("\n") if l.startswith("data: ")]
        done=json.loads("".join(data))
text=done["message"]["text"]
props=done.get("proposals",[])
p=f" (proposal: `{json.dumps(props[0]['command'])}`)" if props else ""
print(f"- {role}, \"{q}\": *{text}*{p}")
PY
}
ask treasury "How are our finances?"
ask treasury "What should we do next?"
ask treasury "Tell me a joke"
ask science "What should we research?"
ask interior "Why is unrest rising?"
ask defense "Should we declare war on the Vell?"
ask foreign_affairs "Who are our neighbours?"
ask intelligence "What are our rivals up to?"
ask game_master "What is happening in the galaxy?"
ask leader "Will you sign a trade agreement with us?" || true
