#!/usr/bin/python3
"""A scripted, misbehaving FTP(S) server for the ftps tests.

  hostile_server.py --scenario NAME --port-file FILE --log FILE [--cert PEM]

Listens on 127.0.0.1 (kernel-chosen port, written to --port-file once
listening), serves one connection at a time, and appends every command line
it receives to --log, so a test can assert on what the client sent.

Scenarios:
  auth-refused-500   answers AUTH with 500, everything else with 530
  auth-refused-534   answers AUTH with 534, everything else with 530
  silent             accepts the connection and never says anything
"""

import argparse
import os
import socket


def serve(conn, scenario, log):
    f = conn.makefile("rwb", buffering=0)

    def say(line):
        f.write(line.encode() + b"\r\n")

    if scenario == "silent":
        conn.recv(1)  # until the client gives up
        return
    say("220 hostile test server")
    while True:
        line = f.readline(4096)
        if not line:
            return
        text = line.decode("latin-1").rstrip("\r\n")
        with open(log, "a") as lf:
            lf.write(text + "\n")
        verb = text.split(" ", 1)[0].upper()
        if verb == "AUTH":
            say("500 AUTH not understood" if scenario == "auth-refused-500"
                else "534 TLS not available")
        elif verb == "QUIT":
            say("221 bye")
            return
        else:
            say("530 Please login with USER and PASS")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    open(args.log, "a").close()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as pf:
        pf.write(str(srv.getsockname()[1]))
    os.rename(tmp, args.port_file)
    while True:
        conn, _ = srv.accept()
        conn.settimeout(120)
        try:
            serve(conn, args.scenario, args.log)
        except (OSError, ValueError):
            pass
        finally:
            conn.close()


if __name__ == "__main__":
    main()
