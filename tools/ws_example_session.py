#!/usr/bin/env python3
"""Plays the example session of docs/protocol.md against a running server and prints it.

Standard library only (a minimal RFC 6455 client on a raw socket). Usage:

    startales serve --port 4000 --data-dir /tmp/example &
    python3 tools/ws_example_session.py http://127.0.0.1:4000

Prints every HTTP request/response and WebSocket message ("> " sent, "< " received) as it
happens; long messages (snapshots) are cut with "...". Exit status 1 on any surprise.
"""

import base64
import http.client
import json
import os
import random
import socket
import string
import struct
import sys
import time
import urllib.parse

CUT = 400  # characters of a message to print


def show(prefix, text):
    text = text if isinstance(text, str) else json.dumps(text, separators=(",", ":"))
    print(prefix + (text if len(text) <= CUT else text[:CUT] + "..."), flush=True)


class Rest:
    def __init__(self, host, port):
        self.conn = http.client.HTTPConnection(host, port, timeout=10)

    def call(self, method, path, body=None, token=None, quiet=False):
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = "Bearer " + token
        data = json.dumps(body) if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        res = self.conn.getresponse()
        raw = res.read().decode()
        if not quiet:
            show("HTTP %s %s %s -> " % (method, path, data or ""), "%d %s" % (res.status, raw))
        return res.status, (json.loads(raw) if raw else None)


class WebSocket:
    def __init__(self, host, port, target, token):
        self.sock = socket.create_connection((host, port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
            "Authorization: Bearer %s\r\n\r\n" % (target, host, port, key, token)
        )
        self.sock.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("connection closed during the handshake")
            head += chunk
        self.status_line = head.split(b"\r\n")[0].decode()
        self.buffer = b""

    def send_text(self, text, quiet=False):
        if not quiet:
            show("> ", text)
        self._send_frame(0x1, text.encode())

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("connection closed")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def receive(self, timeout=10, quiet=False):
        """The next text message as a dict; ("close", code, reason) for a close frame."""
        self.sock.settimeout(timeout)
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            if opcode == 0x9:  # ping: answer with a pong
                self._send_frame(0xA, payload)
                continue
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                return ("close", code, payload[2:].decode())
            message += payload
            if b0 & 0x80:
                text = message.decode()
                if not quiet:
                    show("< ", text)
                return json.loads(text)

    def until(self, predicate, timeout=10, quiet=False):
        deadline = time.time() + timeout
        while time.time() < deadline:
            msg = self.receive(max(0.1, deadline - time.time()), quiet)
            if isinstance(msg, tuple) or predicate(msg):
                return msg
        raise RuntimeError("timed out")

    def close(self, code=1000):
        show("> ", "(close %d)" % code)
        self._send_frame(0x8, struct.pack("!H", code))
        reply = self.receive()
        show("< ", "(close %d %s)" % (reply[1], reply[2]) if isinstance(reply, tuple) else reply)
        self.sock.close()


def main():
    url = urllib.parse.urlparse(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:4000")
    host, port = url.hostname, url.port or 80
    rest = Rest(host, port)
    suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(4))
    vega, altair = "vega_" + suffix, "altair_" + suffix
    password = "a long secret"

    print("## REST: accounts and a campaign")
    tokens = {}
    for name in (vega, altair):
        rest.call("POST", "/api/auth/register", {"username": name, "password": password})
        _, login = rest.call("POST", "/api/auth/login", {"username": name, "password": password})
        tokens[name] = login["token"]
    _, campaign = rest.call(
        "POST", "/api/campaigns",
        {"name": "Orion Reach", "systems": 20, "max_players": 2, "ai_empires": 1,
         "tick_ms": 1000, "seed": 7}, tokens[vega])
    cid = campaign["id"]
    rest.call("POST", "/api/campaigns/%d/join" % cid, {"civ_name": "Altair League"},
              tokens[altair])
    rest.call("POST", "/api/campaigns/%d/ready" % cid, {"ready": True}, tokens[altair])
    rest.call("POST", "/api/campaigns/%d/start" % cid, None, tokens[vega])

    print("\n## WebSocket: vega plays")
    ws = WebSocket(host, port, "/ws", tokens[vega])
    print("(handshake: %s)" % ws.status_line)
    ws.receive()  # welcome
    ws.send_text('{"type":"ping","id":1}')
    ws.until(lambda m: m.get("type") == "pong")
    ws.send_text('{"type":"join","campaign":%d,"id":2}' % cid)
    ws.until(lambda m: m.get("type") == "joined")
    ws.until(lambda m: m.get("type") == "snapshot")
    ws.send_text('{"type":"command","id":3,"command":{"type":"set_policy","tax_rate":30}}')
    ws.until(lambda m: m.get("id") == 3)
    ws.send_text('{"type":"command","id":4,"command":{"type":"trade","resource":"credits",'
                 '"amount":5}}')
    ws.until(lambda m: m.get("id") == 4)
    ws.send_text('{"type":"command","id":5,"command":{"type":"build","planet":0}}')
    ws.until(lambda m: m.get("id") == 5)
    ws.send_text('{"type":"chat","id":6,"text":"Hail, Altair."}')
    ws.until(lambda m: m.get("type") == "chat")
    ws.send_text('{"type":"dance","id":7}')
    ws.until(lambda m: m.get("id") == 7)
    ws.send_text("not json")
    ws.until(lambda m: m.get("type") == "error")
    delta = ws.until(lambda m: m.get("type") == "delta", timeout=5)
    last_tick = delta["tick"]
    ws.close()

    print("\n## Reconnect and resume after tick %d" % last_tick)
    time.sleep(2.2)  # two more ticks happen while we are away
    ws = WebSocket(host, port, "/ws", tokens[vega])
    ws.receive()  # welcome
    ws.send_text('{"type":"join","campaign":%d,"last_tick":%d,"id":8}' % (cid, last_tick))
    ws.until(lambda m: m.get("type") == "joined")
    ws.until(lambda m: m.get("type") == "delta" and m["tick"] > last_tick + 1, timeout=5)

    print("\n## Rate limit: 50 pings at once (default: 20 a second, burst 40)")
    for i in range(50):
        ws.send_text('{"type":"ping","id":%d}' % (100 + i), quiet=True)
    print("(sent pings with ids 100..149 without waiting)")
    pongs = 0
    answers = []
    while len(answers) < 50:
        msg = ws.receive(quiet=True)
        if isinstance(msg, dict) and msg.get("type") in ("pong", "error"):
            answers.append(msg)
    pongs = sum(1 for m in answers if m["type"] == "pong")
    print("(%d pongs, ids 100..%d, not shown)" % (pongs, 100 + pongs - 1))
    limited = [m for m in answers if m["type"] == "error"]
    if not limited or "retry_after_ms" not in limited[0] or limited[0]["code"] != "rate_limited":
        raise RuntimeError("expected rate_limited errors with retry_after_ms")
    show("< ", limited[0])
    print("(%d more like it, ids %d..149)" % (len(limited) - 1, limited[0]["id"] + 1))
    time.sleep(0.5)  # the bucket refills
    ws.send_text('{"type":"leave","id":9}')
    ws.until(lambda m: m.get("id") == 9, timeout=5)
    ws.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # noqa: BLE001 - a script: report and fail
        print("error: %s" % e, file=sys.stderr)
        sys.exit(1)
