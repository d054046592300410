#!/usr/bin/env python3
"""attack: the hostile clients of tests/hostile_test.sh, on loopback only and
for a fixed time. From 127.0.0.2 a client replays a monitor's logged entries;
from 127.0.0.3 two clients flood reports with bad signatures; from 127.0.0.4
slow clients hold connections open with headers and bodies sent a byte at a
time. Meanwhile the monitor (127.0.0.1) submits its genuine reports and a
prober (127.0.0.5, a new connection each time) times GET /healthz. Prints one
JSON object of what each side saw."""
import http.client
import json
import socket
import sys
import threading
import time

PORT = int(sys.argv[1])
REPLAY, FORGED, GENUINE = (open(path, "rb").read() for path in sys.argv[2:5])
SECONDS = float(sys.argv[5])
stop = threading.Event()
lock = threading.Lock()
seen = {"replay": {}, "forged": {}, "genuine": [], "health_ms": [], "health_failed": 0, "slow_opened": 0}


def count(what, status):
    with lock:
        seen[what][status] = seen[what].get(status, 0) + 1


def flood(what, address, body):
    """Posts body again and again on one kept-alive connection."""
    connection = None
    while not stop.is_set():
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5, source_address=(address, 0))
            connection.request("POST", "/v1/reports", body, {"Content-Type": "application/x-ndjson"})
            response = connection.getresponse()
            response.read()
            count(what, response.status)
            if response.status == 429:
                time.sleep(0.005)   # spare this machine's cores (the server's too) from a busy loop in Python
        except (OSError, http.client.HTTPException):
            count(what, "error")
            connection = None
            time.sleep(0.01)


def slow(address, body_phase):
    """Keeps up to 40 connections open, each sending a byte every 0.3 s."""
    sockets = []
    head = b"POST /v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" if body_phase else b"GET / HTTP/1.1\r\n"
    while not stop.is_set():
        while len(sockets) < 40 and not stop.is_set():
            try:
                s = socket.socket()
                s.bind((address, 0))
                s.settimeout(0.2)
                s.connect(("127.0.0.1", PORT))
                s.sendall(head)
                sockets.append(s)
                with lock:
                    seen["slow_opened"] += 1
            except OSError:
                s.close()
                break
        time.sleep(0.3)
        alive = []
        for s in sockets:
            try:
                s.sendall(b"{" if body_phase else b"X: y\r\n")
                alive.append(s)
            except OSError:
                s.close()
        sockets = alive
    for s in sockets:
        s.close()


def probe():
    """GET /healthz on a new connection from a new client every 20 ms."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5, source_address=("127.0.0.5", 0))
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            connection.close()
            with lock:
                if response.status == 200:
                    seen["health_ms"].append((time.monotonic() - started) * 1000)
                else:
                    seen["health_failed"] += 1
        except (OSError, http.client.HTTPException):
            with lock:
                seen["health_failed"] += 1
        time.sleep(0.02)


def monitor():
    """The monitor's genuine reports, one at a time, spread over the attack."""
    time.sleep(SECONDS / 5)
    lines = [line for line in GENUINE.split(b"\n") if line.strip()]
    for line in lines:
        if stop.is_set():
            break
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            connection.request("POST", "/v1/reports", line)
            response = connection.getresponse()
            answer = json.loads(response.read())
            connection.close()
            seen["genuine"].append(answer["results"][0]["status"] if "results" in answer else answer.get("error"))
        except (OSError, http.client.HTTPException, ValueError) as error:
            seen["genuine"].append("error: %s" % error)
        time.sleep(SECONDS * 0.6 / len(lines))


threads = [threading.Thread(target=flood, args=("replay", "127.0.0.2", REPLAY)),
           threading.Thread(target=flood, args=("forged", "127.0.0.3", FORGED)),
           threading.Thread(target=flood, args=("forged", "127.0.0.3", FORGED)),
           threading.Thread(target=slow, args=("127.0.0.4", False)),
           threading.Thread(target=slow, args=("127.0.0.4", True)),
           threading.Thread(target=probe), threading.Thread(target=monitor)]
for t in threads:
    t.start()
time.sleep(SECONDS)
stop.set()
for t in threads:
    t.join()
latencies = sorted(seen.pop("health_ms"))
seen["health_count"] = len(latencies)
seen["health_p99_ms"] = round(latencies[int(len(latencies) * 0.99) - 1], 2) if latencies else None
seen["health_max_ms"] = round(latencies[-1], 2) if latencies else None
print(json.dumps(seen))
