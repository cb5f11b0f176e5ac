#!/usr/bin/python3
"""pyftpdlib FTPS test server for the ftps end-to-end tests.

Run with Debian's /usr/bin/python3 (python3-pyftpdlib, python3-openssl).

  pyftpd_server.py --root DIR --certfile server-combined.pem --port-file FILE
                   [--implicit] [--passive-ports LO-HI] [--anonymous]
                   [--user alice --password s3cret] [--log FILE]

Binds 127.0.0.1 on a kernel-chosen port (or --port N) and, once listening,
writes the port number to --port-file (atomically).  TLS is required on
control and data (tls_control_required / tls_data_required).  TLS 1.3 is
allowed, so OpenSSL sends TLS 1.3 session tickets, also on data connections.
--implicit wraps every control connection in TLS from the first byte.
"""

import argparse
import logging
import os
import signal
import sys

from OpenSSL import SSL
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_DTPHandler, TLS_FTPHandler
from pyftpdlib.servers import FTPServer


class FixedTLS_DTPHandler(TLS_DTPHandler):
    """pyftpdlib 1.5.7 (Debian 12) closes a data connection whose TLS
    ClientHello arrives before the transfer command (curl does that):
    DTPHandler.readable() closes a channel that is not yet initialized.
    Upstream fixed it in 1.5.8 (PR #612) by making SSLConnection readable
    while the handshake is in progress; do the same here."""

    def readable(self):
        if self._ssl_accepting or self._ssl_want_read:
            return True
        return super().readable()


class ImplicitTLS_FTPHandler(TLS_FTPHandler):
    """Implicit FTPS: TLS handshake before the 220 banner."""

    def handle(self):
        self.secure_connection(self.ssl_context)
        if self._closed or self._closing:
            return
        # the banner is queued and flushed once the handshake is done
        super().handle()

    def ftp_AUTH(self, line):
        self.respond("503 Already using TLS.")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--certfile", required=True)
    ap.add_argument("--keyfile")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--passive-ports", default="")
    ap.add_argument("--user", default="alice")
    ap.add_argument("--password", default="s3cret")
    ap.add_argument("--anonymous", action="store_true",
                    help="also allow anonymous, read-only, same root")
    ap.add_argument("--implicit", action="store_true")
    ap.add_argument("--log", default="")
    ap.add_argument("--banner", default="",
                    help="greet with this text instead (e.g. another server's)")
    ap.add_argument("--stock-dtp", action="store_true",
                    help="keep pyftpdlib 1.5.7's data handler, which drops a "
                         "data connection whose TLS handshake starts before "
                         "the transfer command")
    args = ap.parse_args()

    logging.basicConfig(
        filename=args.log or None,
        level=logging.DEBUG if os.environ.get("PYFTPD_DEBUG") else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s")

    authorizer = DummyAuthorizer()
    authorizer.add_user(args.user, args.password, args.root,
                        perm="elradfmwMT")
    if args.anonymous:
        authorizer.add_anonymous(args.root, perm="elr")

    handler = ImplicitTLS_FTPHandler if args.implicit else TLS_FTPHandler
    handler.ssl_context = None
    handler.certfile = args.certfile
    handler.keyfile = args.keyfile
    # SSLv23_METHOD = TLS_method: every version OpenSSL allows, TLS 1.3 included
    handler.ssl_protocol = SSL.SSLv23_METHOD
    handler.authorizer = authorizer
    if not args.stock_dtp:
        handler.dtp_handler = FixedTLS_DTPHandler
    handler.tls_control_required = True
    handler.tls_data_required = True
    handler.banner = args.banner or "pyftpdlib test server ready%s." % (
        " (implicit TLS)" if args.implicit else "")
    handler.timeout = 120
    if args.passive_ports:
        lo, hi = (int(x) for x in args.passive_ports.split("-"))
        handler.passive_ports = list(range(lo, hi + 1))
    handler.permit_foreign_addresses = False

    server = FTPServer((args.host, args.port), handler)
    port = server.socket.getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, args.port_file)

    def stop(signum, frame):
        server.close_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever(handle_exit=True)


if __name__ == "__main__":
    main()
