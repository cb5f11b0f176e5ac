#!/usr/bin/python3
"""Measure the round-trip time through tests/lib/faultproxy.py.

  rtt_probe.py --delay MS [--count N] [--listen 127.0.0.2]
  rtt_probe.py --connect HOST:PORT [--count N]

With --delay: starts a one-byte echo server on 127.0.0.1 and a faultproxy
with --delay MS in front of it on --listen, then ping-pongs one byte N times
(TCP_NODELAY) through the proxy.  With --connect: ping-pongs against an echo
service that is already there (not used by the benchmark).  Prints
"rtt_ms MEDIAN MIN MAX" (milliseconds).  faultproxy's --delay is one-way,
in each direction, so --delay 10 should print about 20.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def echo_server():
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)

    def serve():
        while True:
            c, _ = ls.accept()
            c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                while True:
                    b = c.recv(64)
                    if not b:
                        break
                    c.sendall(b)
            except OSError:
                pass
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    return ls.getsockname()[1]


def pingpong(host, port, count):
    s = socket.create_connection((host, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(b"w")  # warm-up
    s.recv(1)
    out = []
    for _ in range(count):
        t0 = time.monotonic()
        s.sendall(b"x")
        if not s.recv(1):
            raise SystemExit("echo closed")
        out.append((time.monotonic() - t0) * 1000)
    s.close()
    out.sort()
    return out[len(out) // 2], out[0], out[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay", type=float)
    ap.add_argument("--connect")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--listen", default="127.0.0.2")
    a = ap.parse_args()
    if a.connect:
        host, port = a.connect.rsplit(":", 1)
        r = pingpong(host, int(port), a.count)
    else:
        eport = echo_server()
        with tempfile.TemporaryDirectory() as d:
            pf = os.path.join(d, "port")
            p = subprocess.Popen([sys.executable, os.path.join(HERE, "../lib/faultproxy.py"),
                                  "--listen", a.listen, "--port", "0",
                                  "--target-port", str(eport), "--port-file", pf,
                                  "--delay", str(a.delay or 0), "--lifetime", "60"])
            try:
                for _ in range(500):
                    if os.path.exists(pf):
                        break
                    time.sleep(0.01)
                with open(pf) as f:
                    pport = int(f.read())
                r = pingpong(a.listen, pport, a.count)
            finally:
                p.terminate()
                p.wait()
    print("rtt_ms %.2f %.2f %.2f" % r)


if __name__ == "__main__":
    main()
