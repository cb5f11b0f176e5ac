#!/usr/bin/python3
"""A small, correct, threaded FTPS server that issues no TLS 1.3 tickets.

  ticketless_server.py --cert PEM --root DIR --port-file FILE [options]

Some deployed FTPS servers send no TLS 1.3 session tickets at all, so a
client cannot resume the control connection's session on its data channels
under TLS 1.3: every data channel is a full handshake, and the client must
check that it shows the control connection's certificate.  pyftpdlib cannot
be made to behave like that (pyOpenSSL has no switch for TLS 1.3 tickets);
Python's own ssl module can: SSLContext.num_tickets = 0.

Otherwise this is a well-behaved server, meant to be fast (a benchmark runs
against it): one thread per control connection (any number at once, for
`get -P 4`), TCP_NODELAY everywhere, no sleeps, pipelined commands read in
order.  TLS 1.2 clients are served too and resume by session ID (OpenSSL's
server-side session cache; Python sets a session ID context): TLS 1.2
session tickets are off by default (--tls12-tickets turns them on), so a
TLS 1.2 resumption here is always a session-ID resumption.

Commands: USER PASS (any user and password; "anonymous" too), AUTH TLS|SSL,
PBSZ, PROT, FEAT, OPTS, SYST, NOOP, TYPE, MODE, STRU, PWD, CWD, CDUP, EPSV,
PASV, LIST, NLST, MLSD, RETR, STOR, APPE, SIZE, MDTM, DELE, MKD, RMD, REST
(ignored unless 0), ABOR, QUIT.  Paths are confined to --root.

Options:
  --cert PEM            certificate (chain) and key in one file (control
                        connections, and data channels unless --data-cert)
  --data-cert PEM       a different certificate for data channels (a test
                        that the client refuses them)
  --root DIR            the served tree (uploads land here)
  --host ADDR           listen address (default 127.0.0.1)
  --port N              control port (default 0: kernel-chosen)
  --port-file FILE      the port, written atomically once listening
  --passive-ports LO-HI passive ports (default: kernel-chosen); needed behind
                        tests/lib/faultproxy.py
  --implicit            TLS from the first byte (no AUTH)
  --tls12               TLS 1.2 at most
  --tls12-tickets       allow TLS 1.2 session tickets (default: session IDs)
  --tickets N           send N TLS 1.3 tickets after each handshake after all
                        (default 0): the same server with resumption, for
                        a benchmark's comparison
  --events FILE         one line per data channel:
                          TLS data resumed=0|1 version=TLSv1.3
  --log FILE            every command line received (PASS shown as ****)
  --lifetime SECONDS    exit after this long (default 600)
"""

import argparse
import errno
import os
import select
import signal
import socket
import ssl
import sys
import threading
import time

CHUNK = 256 * 1024
TIMEOUT = 30


class Closed(Exception):
    pass


def nodelay(sock):
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass


def make_context(args, cert):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.num_tickets = args.tickets  # 0: no TLS 1.3 resumption
    if not args.tls12_tickets:
        ctx.options |= ssl.OP_NO_TICKET  # TLS 1.2: session IDs only
    ctx.load_cert_chain(cert)
    return ctx


class Server:
    def __init__(self, args):
        self.a = args
        self.ctx = make_context(args, args.cert)
        self.data_ctx = make_context(args, args.data_cert) if args.data_cert else self.ctx
        self.lock = threading.Lock()
        self.root = os.path.realpath(args.root)
        if args.passive_ports:
            lo, hi = (int(x) for x in args.passive_ports.split("-"))
            self.pasv = list(range(lo, hi + 1))
        else:
            self.pasv = None
        self.next_pasv = 0

    def append(self, path, line):
        if path:
            with self.lock, open(path, "a", encoding="utf-8", errors="replace") as f:
                f.write(line + "\n")

    def passive_listener(self, addr):
        """A listening socket on addr, in the passive range if one is set."""
        if self.pasv is None:
            s = socket.socket()
            s.bind((addr, 0))
            s.listen(1)
            return s
        with self.lock:
            start = self.next_pasv
            self.next_pasv = (self.next_pasv + 1) % len(self.pasv)
        for i in range(len(self.pasv)):
            port = self.pasv[(start + i) % len(self.pasv)]
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((addr, port))
            except OSError:
                s.close()
                continue
            s.listen(1)
            return s
        raise OSError(errno.EADDRINUSE, "no free passive port")


class Session:
    def __init__(self, srv, sock):
        self.srv = srv
        self.a = srv.a
        self.raw = sock
        self.sock = sock  # plain or SSLSocket
        self.tls = False
        self.rbuf = b""
        self.cwd = "/"
        self.listener = None
        self.prot_p = False
        self.rest = 0
        self.verb = ""
        self.local_addr = sock.getsockname()[0]

    # -- control channel --
    def send(self, text):
        try:
            self.sock.sendall(text.encode("utf-8", "surrogateescape") + b"\r\n")
        except OSError as e:
            raise Closed(str(e))

    def readline(self):
        while b"\n" not in self.rbuf:
            if len(self.rbuf) > 8192:
                raise Closed("line too long")
            try:
                data = self.sock.recv(8192)
            except (OSError, ssl.SSLError) as e:
                raise Closed(str(e))
            if not data:
                raise Closed("EOF")
            self.rbuf += data
        line, _, self.rbuf = self.rbuf.partition(b"\n")
        return line.decode("utf-8", "surrogateescape").rstrip("\r")

    def start_tls(self):
        if self.rbuf:  # plain text after AUTH: refuse it (CVE-2021-22947 style)
            raise Closed("data buffered before the TLS handshake")
        try:
            self.sock = self.srv.ctx.wrap_socket(self.raw, server_side=True)
        except (OSError, ssl.SSLError) as e:
            raise Closed("TLS handshake: %s" % e)
        self.tls = True

    def run(self):
        self.raw.settimeout(TIMEOUT * 4)
        if self.a.implicit:
            self.start_tls()
        self.send("220 ticketless test server")
        while True:
            line = self.readline()
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            self.verb = verb
            self.srv.append(self.a.log, "PASS ****" if verb == "PASS" else line)
            h = getattr(self, "cmd_" + verb, None)
            if h is None:
                self.send("502 %s not implemented" % verb)
                continue
            if not self.tls and verb not in ("AUTH", "FEAT", "QUIT", "SYST", "NOOP"):
                self.send("530 Use AUTH TLS first")
                continue
            if h(arg) == "quit":
                return

    # -- paths --
    def vpath(self, arg):
        """The virtual absolute path of arg (relative to cwd)."""
        p = arg if arg.startswith("/") else self.cwd.rstrip("/") + "/" + arg
        parts = []
        for c in p.split("/"):
            if c in ("", "."):
                continue
            if c == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(c)
        return "/" + "/".join(parts)

    def real(self, arg):
        return os.path.join(self.srv.root, self.vpath(arg).lstrip("/"))

    # -- commands --
    def cmd_AUTH(self, arg):
        if self.tls:
            self.send("503 Already using TLS")
            return
        if arg.upper() not in ("TLS", "SSL", "TLS-C"):
            self.send("504 AUTH %s not supported" % arg)
            return
        self.send("234 AUTH TLS OK")
        self.start_tls()

    def cmd_USER(self, arg):
        if arg.lower() in ("anonymous", "ftp"):
            self.send("331 Any password will do")
        else:
            self.send("331 Password required")

    def cmd_PASS(self, arg):
        self.send("230 Logged in")

    def cmd_PBSZ(self, arg):
        self.send("200 PBSZ=0")

    def cmd_PROT(self, arg):
        if arg.upper() not in ("P", "C"):
            self.send("504 PROT %s not supported" % arg)
            return
        self.prot_p = arg.upper() == "P"
        self.send("200 PROT now %s" % ("Private" if self.prot_p else "Clear"))

    def cmd_FEAT(self, arg):
        feats = ["AUTH TLS", "PBSZ", "PROT", "EPSV", "PASV", "SIZE", "MDTM",
                 "REST STREAM", "UTF8", "MLSD type*;size*;modify*;perm*;"]
        self.send("211-Features:\r\n" + "".join(" %s\r\n" % f for f in feats)
                  + "211 End")

    def cmd_OPTS(self, arg):
        self.send("200 OK")

    def cmd_SYST(self, arg):
        self.send("215 UNIX Type: L8")

    def cmd_NOOP(self, arg):
        self.send("200 NOOP ok")

    def cmd_TYPE(self, arg):
        self.send("200 Type set to %s" % arg)

    def cmd_MODE(self, arg):
        self.send("200 Mode S" if arg.upper() == "S" else "504 Mode S only")

    def cmd_STRU(self, arg):
        self.send("200 Structure F" if arg.upper() == "F" else "504 Structure F only")

    def cmd_PWD(self, arg):
        self.send('257 "%s" is the current directory' % self.cwd.replace('"', '""'))

    def cmd_CWD(self, arg):
        v = self.vpath(arg or "/")
        if os.path.isdir(self.real(v)):
            self.cwd = v
            self.send("250 Directory changed to %s" % v)
        else:
            self.send("550 No such directory")

    def cmd_CDUP(self, arg):
        self.cmd_CWD("..")

    cmd_XPWD = cmd_PWD

    def cmd_QUIT(self, arg):
        self.send("221 Goodbye")
        return "quit"

    def cmd_ABOR(self, arg):
        self.send("226 ABOR ok")

    def cmd_REST(self, arg):
        try:
            self.rest = int(arg)
        except ValueError:
            self.send("501 Bad offset")
            return
        self.send("350 Restarting at %d" % self.rest)

    def cmd_SIZE(self, arg):
        p = self.real(arg)
        if os.path.isfile(p):
            self.send("213 %d" % os.path.getsize(p))
        else:
            self.send("550 No such file")

    def cmd_MDTM(self, arg):
        p = self.real(arg)
        if os.path.isfile(p):
            self.send("213 " + time.strftime("%Y%m%d%H%M%S",
                                             time.gmtime(os.path.getmtime(p))))
        else:
            self.send("550 No such file")

    def cmd_DELE(self, arg):
        try:
            os.unlink(self.real(arg))
            self.send("250 Deleted")
        except OSError:
            self.send("550 Cannot delete")

    def cmd_MKD(self, arg):
        try:
            os.mkdir(self.real(arg))
            self.send('257 "%s" created' % self.vpath(arg))
        except OSError:
            self.send("550 Cannot create")

    def cmd_RMD(self, arg):
        try:
            os.rmdir(self.real(arg))
            self.send("250 Removed")
        except OSError:
            self.send("550 Cannot remove")

    # -- passive mode and data channels --
    def close_listener(self):
        if self.listener:
            self.listener.close()
            self.listener = None

    def cmd_EPSV(self, arg):
        self.close_listener()
        self.listener = self.srv.passive_listener(self.local_addr)
        self.send("229 Entering Extended Passive Mode (|||%d|)"
                  % self.listener.getsockname()[1])

    def cmd_PASV(self, arg):
        self.close_listener()
        self.listener = self.srv.passive_listener(self.local_addr)
        port = self.listener.getsockname()[1]
        self.send("227 Entering Passive Mode (%s,%d,%d)."
                  % (self.local_addr.replace(".", ","), port >> 8, port & 255))

    def open_data(self):
        """150, accept, TLS: the data socket, or None (reply sent)."""
        if not self.listener:
            self.send("425 Use PASV or EPSV first")
            return None
        self.send("150 Opening data connection")
        r, _, _ = select.select([self.listener], [], [], TIMEOUT)
        if not r:
            self.close_listener()
            self.send("425 No data connection")
            return None
        d, _ = self.listener.accept()
        self.close_listener()
        nodelay(d)
        d.settimeout(TIMEOUT)
        if not self.prot_p:
            return d
        try:
            # a FIN without close_notify is an error, not an end of file
            t = self.srv.data_ctx.wrap_socket(d, server_side=True,
                                              suppress_ragged_eofs=False)
        except (OSError, ssl.SSLError) as e:
            d.close()
            self.send("425 TLS on the data connection failed: %s" % e)
            return None
        self.srv.append(self.a.events, "TLS data resumed=%d version=%s"
                        % (t.session_reused, t.version()))
        return t

    def end_download(self, d):
        """close_notify and FIN now; 226; then read to EOF before closing,
        so that what the client still sends never turns into an RST."""
        if isinstance(d, ssl.SSLSocket):
            d.setblocking(False)
            try:
                d.unwrap()  # the first SSL_shutdown sends close_notify
            except (ssl.SSLError, OSError):
                pass  # SSLWantReadError: the peer's close_notify not here yet
            d.setblocking(True)
        fd = d.fileno()
        try:
            socket.socket(fileno=os.dup(fd)).shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.send("226 Transfer complete")
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], deadline - time.monotonic())
            if not r:
                break
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
        d.close()

    def listing(self, arg):
        names = [w for w in arg.split() if not w.startswith("-")]
        p = self.real(names[0] if names else ".")
        if os.path.isdir(p):
            entries = sorted(os.listdir(p))
            base = p
        elif os.path.exists(p):
            entries = [os.path.basename(p)]
            base = os.path.dirname(p)
        else:
            return None
        out = []
        for n in entries:
            try:
                st = os.stat(os.path.join(base, n))
            except OSError:
                continue
            isdir = os.path.isdir(os.path.join(base, n))
            if self.verb == "NLST":
                out.append(n)
            elif self.verb == "MLSD":
                out.append("type=%s;size=%d;modify=%s;perm=%s; %s" % (
                    "dir" if isdir else "file", st.st_size,
                    time.strftime("%Y%m%d%H%M%S", time.gmtime(st.st_mtime)),
                    "elcdf" if isdir else "radfw", n))
            else:
                out.append("%s   1 ftp      ftp      %8d %s %s" % (
                    "drwxr-xr-x" if isdir else "-rw-r--r--", st.st_size,
                    time.strftime("%b %d %H:%M", time.gmtime(st.st_mtime)), n))
        return "".join(l + "\r\n" for l in out).encode("utf-8", "surrogateescape")

    def cmd_LIST(self, arg):
        data = self.listing(arg)
        if data is None:
            self.close_listener()
            self.send("550 No such file or directory")
            return
        d = self.open_data()
        if d is None:
            return
        try:
            d.sendall(data)
        except (OSError, ssl.SSLError) as e:
            d.close()
            self.send("426 Transfer failed: %s" % e)
            return
        self.end_download(d)

    cmd_NLST = cmd_LIST
    cmd_MLSD = cmd_LIST

    def cmd_RETR(self, arg):
        rest, self.rest = self.rest, 0
        p = self.real(arg)
        try:
            f = open(p, "rb")
            if not os.path.isfile(p):
                raise OSError("not a file")
        except OSError:
            self.close_listener()
            self.send("550 No such file")
            return
        with f:
            f.seek(rest)
            d = self.open_data()
            if d is None:
                return
            try:
                while True:
                    block = f.read(CHUNK)
                    if not block:
                        break
                    d.sendall(block)
            except (OSError, ssl.SSLError) as e:
                d.close()
                self.send("426 Transfer failed: %s" % e)
                return
        self.end_download(d)

    def cmd_STOR(self, arg):
        rest, self.rest = self.rest, 0
        p = self.real(arg)
        if not os.path.isdir(os.path.dirname(p)) or os.path.isdir(p):
            self.close_listener()
            self.send("553 Cannot store there")
            return
        mode = "ab" if self.verb == "APPE" else ("r+b" if rest and os.path.exists(p) else "wb")
        d = self.open_data()
        if d is None:
            return
        clean = True
        with open(p, mode) as f:
            if rest and mode == "r+b":
                f.seek(rest)
                f.truncate()
            while True:
                try:
                    block = d.recv(CHUNK)
                except ssl.SSLZeroReturnError:
                    break
                except (OSError, ssl.SSLError):
                    clean = False
                    break
                if not block:
                    break
                f.write(block)
        if isinstance(d, ssl.SSLSocket) and clean:
            try:
                d.unwrap()  # the client's close_notify is in: answer it
            except (OSError, ssl.SSLError):
                clean = False
        d.close()
        if clean:
            self.send("226 Transfer complete")
        else:
            self.send("426 Connection closed; transfer aborted")

    cmd_APPE = cmd_STOR


def serve(srv, conn):
    s = Session(srv, conn)
    try:
        s.run()
    except (Closed, OSError, ssl.SSLError, ValueError):
        pass
    finally:
        s.close_listener()
        if isinstance(s.sock, ssl.SSLSocket):
            # close_notify: OpenSSL drops a session from its cache when the
            # connection ends without one, and TLS 1.2 clients resume by
            # session ID from that cache, on later connections too
            try:
                s.sock.setblocking(False)
                s.sock.unwrap()
            except (OSError, ssl.SSLError, ValueError):
                pass
        try:
            s.sock.close()
        except OSError:
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cert", required=True)
    ap.add_argument("--data-cert")
    ap.add_argument("--root", required=True)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--passive-ports")
    ap.add_argument("--implicit", action="store_true")
    ap.add_argument("--tls12", action="store_true")
    ap.add_argument("--tls12-tickets", action="store_true")
    ap.add_argument("--tickets", type=int, default=0)
    ap.add_argument("--events")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=int, default=600)
    args = ap.parse_args()
    for f in (args.events, args.log):
        if f:
            open(f, "a").close()
    signal.alarm(args.lifetime)
    srv = Server(args)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.host, args.port))
    ls.listen(64)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, args.port_file)
    while True:
        conn, _ = ls.accept()
        nodelay(conn)
        threading.Thread(target=serve, args=(srv, conn), daemon=True).start()


if __name__ == "__main__":
    main()
