#!/usr/bin/python3
"""A scripted, misbehaving FTP(S) server for the ftps tests.

  hostile_server.py --scenario NAME --port-file FILE --log FILE [options]

Listens on --host (default 127.0.0.1; kernel-chosen port, written to
--port-file once listening), serves one control connection at a time, and
appends every command line it receives to --log (exactly the lines, nothing
else), so a test can assert on what the client sent.  Everything else worth
asserting (where data connections arrived, whether their TLS session was
resumed, key updates sent, ...) goes to --events, one line each:

  DATA to=ADDR:PORT from=ADDR:PORT     a data connection was accepted
  NOHANDSHAKE after S s                handshake-before-150: gave up (425)
  TLS data resumed=0|1 version=...     its handshake finished
  KEYUPDATE control|data               a TLS 1.3 KeyUpdate was sent
  RENEGOTIATE data                     a TLS 1.2 HelloRequest was sent
  SENT N                               payload bytes sent on a data channel
  RECEIVED N clean=True|False|reset    upload bytes, and how it ended
  RESET data                           data socket closed with an RST
  STALL                                the server went quiet on purpose
  PRELIM N                             endless-1xx: 1xx replies sent to PWD
  DRIPPED N                            drip-reply: bytes of the PWD reply sent
  END reason                           a control connection ended abnormally

TLS is real (Python's ssl module over memory BIOs, so that the server
decides what reaches the socket and how): explicit (AUTH TLS) by default,
--implicit for TLS from the first byte.  Data channels use the control
connection's SSLContext, so a client presenting the control session's ticket
is resumed.  Files for RETR come from --root; STOR writes into --root.

Options:
  --cert PEM          certificate (chain) and key in one file
  --implicit          TLS before the greeting
  --tls12             TLS 1.2 at most (for renegotiation)
  --host ADDR         listen on ADDR (control and data)
  --root DIR          files for RETR / LIST, uploads land here
  --greeting TEXT     greeting line (Python escapes: \\x00, \\x1b ...)
  --pwd-reply TEXT    raw reply line(s) to PWD (Python escapes; CRLF added)
  --no-epsv           answer EPSV with 500 (client must fall back to PASV)
  --pasv-addr ADDR    address named in 227 (and epsv-with-address's 229)
                      replies; the data port is also
                      opened there so that a client obeying it is logged
  --mlsd              announce MLSD in FEAT
  --trickle SECONDS   send every control-connection byte (TLS records
                      included) as its own TCP segment, sleeping in between
  --ticket-lifetime S every control connection gets its own SSLContext, and
                      data channels opened more than S seconds after it
                      started cannot resume (its tickets "expired"): they
                      get "522 ... session reuse required" and both
                      connections are dropped, as vsftpd does
  --fresh-data-tls    a new SSLContext for every data channel: resumption is
                      impossible, every data handshake is a full one (after
                      which OpenSSL sends two TLS 1.3 tickets, not one)
  --final-reply TEXT  reply after a STOR instead of "226 Transfer complete"
  --lifetime SECONDS  exit after this long whatever happens (default 300)
  --go-file PATH      for stor-wait-go: the file whose existence means "go"

Scenarios (the name selects the misbehaviour; "normal" has none):
  normal               a small, correct FTPS server
  auth-refused-500     plain text only: AUTH -> 500, everything else -> 530
  auth-refused-534     plain text only: AUTH -> 534, everything else -> 530
  silent               accepts the connection and never says anything
  epsv-with-address    EPSV -> 229 (|1|ADDR|port|) naming --pasv-addr
  reply-huge-line      PWD -> one reply line of 1 MiB
  reply-endless-line   PWD -> "257 " then bytes without a line end, forever
  reply-endless-multi  PWD -> "257-" then continuation lines, forever
  listing-hostile      LIST / MLSD name "../x", "/etc/x", "a/b", escapes,
                       "safe"; at the top also the directories "sub",
                       "../up", "/etc" and ".."; RETR serves the basename
                       of what is asked from --root
  retr-truncate        RETR: half the file, TCP close without close_notify,
                       then 226
  retr-early-226       RETR: 226 on the control channel first, then the
                       data, slowly
  retr-426-after-data  RETR: whole file and close_notify, then 426
  retr-stall           RETR: half the file, then silence on both channels
  stor-stall           STOR: accepts the data channel, then never reads
  retr-keyupdate       TLS 1.3 KeyUpdate (update_requested) on the control
                       channel before every 150 and 257 reply, and on the
                       data channel in the middle of every RETR and STOR
  pwd-421              first connection only: PWD -> 421, then hang up
  keyupdate-flood      PWD: 20 KeyUpdates in a row, then the reply (GnuTLS
                       accepts at most 8 a second)
  retr-renegotiate     RETR: a TLS 1.2 HelloRequest halfway (use --tls12)
  reuse-required-522   data channels get a fresh TLS context (no resumption
                       possible); a non-resumed data channel gets "522 ...
                       session reuse required" and both connections are
                       dropped, as vsftpd does
  stor-slow-reader     STOR: small receive buffer, slow reads: the end of an
                       upload waits in the client's socket buffers while the
                       two TLS 1.3 tickets sent after the handshake wait
                       unread (two only after a full handshake: use with
                       --fresh-data-tls); answers 226 whatever arrived
  stor-reset           STOR: read 64 KiB, then close the data socket with
                       SO_LINGER 0 (TCP RST); then --final-reply or 226
  hash-lies            FEAT offers XSHA256, whose answer (ProFTPD's format)
                       is a hash of other content than the file's
  stor-wait-go         STOR: small receive buffer; after the handshake,
                       read nothing (event "WAITING") until the file
                       --go-file exists, then read the upload as normal: a
                       test can change the local file while the client is
                       blocked mid-upload
  auth-inject          AUTH TLS -> "234 Proceed with negotiation.", "331
                       forged password request" and "230 forged login" in
                       one plain-text write (what a man in the middle would
                       append after the 234), then TLS and "normal"
  endless-1xx          PWD -> "150 still working" every 0.1 s until the
                       client goes away (event "PRELIM N" at the end)
  drip-reply           PWD -> '257 "/" is the current directory' one byte a
                       second, each byte in its own TLS record (event
                       "DRIPPED N" at the end)
  handshake-before-150 LIST / NLST / MLSD / RETR / STOR: no 150 until the
                       client's data connection has arrived *and* finished
                       its TLS handshake (some Node.js servers do this); if
                       that has not happened within 5 s of the command, "425
                       No connection established" (event "NOHANDSHAKE ...")
                       and the data connection is dropped; otherwise 150 and
                       a normal transfer of real files from --root
  listing-branching    LIST / MLSD of any path -> directories "a" and "b"
                       and a 10-byte file "f" (NLST: the three names), so a
                       recursive walk never ends; CWD anywhere succeeds;
                       RETR / SIZE of any path ending in "f" -> 10 bytes
"""

import argparse
import codecs
import ctypes
import os
import select
import signal
import socket
import ssl
import struct
import sys
import time

CHUNK = 64 * 1024
BRANCH_FILE = b"branching\n"  # listing-branching's "f": 10 bytes


class Closed(Exception):
    """The peer went away."""


def unescape(text):
    """Python escapes in command-line text -> raw bytes."""
    return codecs.decode(text, "unicode_escape").encode("latin-1")


# --- TLS 1.3 KeyUpdate through ctypes --------------------------------------
# Python's ssl module has no KeyUpdate call.  The _ssl object's C struct is
# {PyObject_HEAD; PyObject *Socket; SSL *ssl; PySSLContext *ctx; ...}: the
# layout is checked (ctx must point at our SSLContext) before the SSL* is
# used, so a different Python fails loudly instead of crashing.
_libssl = None


def _ssl_pointer(sslobj, ctx):
    global _libssl
    if _libssl is None:
        _libssl = ctypes.CDLL("libssl.so.3")
        for name in ("SSL_key_update", "SSL_renegotiate"):
            fn = getattr(_libssl, name)
            fn.argtypes = [ctypes.c_void_p] + ([ctypes.c_int] if name == "SSL_key_update" else [])
            fn.restype = ctypes.c_int
    raw = sslobj._sslobj
    hdr = struct.calcsize("nP")  # PyObject_HEAD: refcount + type pointer
    ptr = ctypes.sizeof(ctypes.c_void_p)
    if ctypes.c_void_p.from_address(id(raw) + hdr + 2 * ptr).value != id(ctx):
        raise RuntimeError("unexpected _ssl object layout: no KeyUpdate")
    return ctypes.c_void_p.from_address(id(raw) + hdr + ptr).value


def key_update(sslobj, ctx):
    if _libssl_call("SSL_key_update", _ssl_pointer(sslobj, ctx), 1) != 1:
        raise RuntimeError("SSL_key_update failed")  # 1: update_requested


def renegotiate(sslobj, ctx):
    if _libssl_call("SSL_renegotiate", _ssl_pointer(sslobj, ctx)) != 1:
        raise RuntimeError("SSL_renegotiate failed")


def _libssl_call(name, *args):
    return getattr(_libssl, name)(*args)


class Conn:
    """A socket, plain or TLS over memory BIOs."""

    def __init__(self, sock, trickle=0.0):
        self.sock = sock
        self.trickle = trickle
        self.tls = None
        self.rbuf = b""
        self.clean_eof = None  # after EOF on TLS: close_notify seen?

    def _raw_send(self, data):
        try:
            if self.trickle:
                for i in range(len(data)):
                    self.sock.sendall(data[i:i + 1])
                    time.sleep(self.trickle)
            else:
                self.sock.sendall(data)
        except OSError as e:
            raise Closed(str(e))

    def _flush(self):
        if self.tls:
            data = self.out.read()
            if data:
                self._raw_send(data)

    def _fill(self):
        try:
            data = self.sock.recv(CHUNK)
        except OSError as e:
            raise Closed(str(e))
        if not data:
            self.inc.write_eof()
            return False
        self.inc.write(data)
        return True

    def start_tls(self, ctx):
        self.ctx = ctx
        self.inc, self.out = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.inc, self.out, server_side=True)
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush()
                if not self._fill():
                    raise Closed("EOF during the TLS handshake")
            except ssl.SSLError as e:
                self._flush()
                raise Closed("TLS handshake: %s" % e)
        self._flush()  # Finished and the TLS 1.3 tickets

    def recv(self, n=CHUNK):
        """Bytes, or b"" at EOF (then clean_eof tells how it ended)."""
        if not self.tls:
            try:
                return self.sock.recv(n)
            except OSError as e:
                raise Closed(str(e))
        while True:
            try:
                data = self.tls.read(n)
                self._flush()  # a KeyUpdate answer, if any
                if not data:
                    self.clean_eof = True  # close_notify
                return data
            except ssl.SSLWantReadError:
                self._flush()
                self._fill()
            except ssl.SSLZeroReturnError:
                self.clean_eof = True
                return b""
            except (ssl.SSLEOFError, ssl.SSLSyscallError):
                self.clean_eof = False
                return b""
            except ssl.SSLError as e:
                raise Closed("TLS: %s" % e)

    def readline(self, limit=8192):
        while b"\n" not in self.rbuf:
            if len(self.rbuf) > limit:
                break
            data = self.recv()
            if not data:
                raise Closed("EOF")
            self.rbuf += data
        line, sep, rest = self.rbuf.partition(b"\n")
        self.rbuf = rest
        return line + sep

    def send(self, data):
        if not self.tls:
            self._raw_send(data)
            return
        for i in range(0, len(data), CHUNK):
            try:
                self.tls.write(data[i:i + CHUNK])
            except ssl.SSLError as e:
                raise Closed("TLS: %s" % e)
            self._flush()

    def key_update(self):
        """Send a KeyUpdate (update_requested) now."""
        key_update(self.tls, self.ctx)
        self.tls.do_handshake()  # writes the pending KeyUpdate message
        self._flush()

    def renegotiate(self):
        """TLS 1.2: send a HelloRequest now (the client may ignore it)."""
        renegotiate(self.tls, self.ctx)
        try:
            self.tls.do_handshake()
        except ssl.SSLWantReadError:
            pass  # waiting for a ClientHello that may never come
        self._flush()

    def close_notify(self):
        if self.tls:
            try:
                self.tls.unwrap()
            except (ssl.SSLWantReadError, ssl.SSLError):
                pass
            try:
                self._flush()
            except Closed:
                pass

    def linger_until_eof(self, seconds=3.0):
        """Read (and drop) until the peer closes, so that closing our side
        never turns into an RST that could destroy data still in flight."""
        self.sock.settimeout(seconds)
        try:
            while self.recv():
                pass
        except (Closed, OSError):
            pass

    def reset(self):
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Session:
    def __init__(self, args, sock, ctx):
        self.a = args
        self.sc = args.scenario
        self.ctx = ctx
        if args.ticket_lifetime:
            # tickets of an earlier connection are as good as expired
            self.ctx = make_context(args)
        self.started = time.time()
        self.sock = sock
        self.c = Conn(sock, args.trickle)
        self.listeners = []
        self.logged_in = False
        self.verb = ""
        self.local_addr = sock.getsockname()[0]

    # -- logging --
    def log(self, text):
        with open(self.a.log, "a", encoding="latin-1") as f:  # bytes as sent
            f.write(text + "\n")

    def event(self, text):
        with open(self.a.events, "a") as f:
            f.write(text + "\n")

    def reply(self, line):
        if isinstance(line, str):
            line = line.encode()
        if (self.sc == "retr-keyupdate" and self.c.tls and
                line[:3] in (b"150", b"257")):
            self.c.key_update()
            self.event("KEYUPDATE control")
        self.c.send(line + b"\r\n")

    # -- main loop --
    def run(self):
        if self.sc == "silent":
            while self.sock.recv(CHUNK):  # until the client gives up
                pass
            return
        if self.a.implicit:
            self.c.start_tls(self.ctx)
        self.reply(unescape(self.a.greeting))
        while True:
            raw = self.c.readline()
            text = raw.decode("latin-1").rstrip("\r\n")
            self.log(text)
            verb, _, arg = text.partition(" ")
            verb = verb.upper()
            self.verb = verb
            if self.sc.startswith("auth-refused-"):
                if verb == "AUTH":
                    self.reply("500 AUTH not understood" if self.sc.endswith("500")
                               else "534 TLS not available")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("530 Please login with USER and PASS")
                continue
            handler = getattr(self, "cmd_" + verb, None)
            if handler is None:
                self.reply("502 %s not implemented" % verb)
                continue
            if handler(arg) == "quit":
                return

    # -- commands --
    def cmd_AUTH(self, arg):
        if self.c.tls:
            self.reply("503 already secured")
            return
        if self.sc == "auth-inject":
            # one write: the forged replies sit right behind the 234
            self.c.send(b"234 Proceed with negotiation.\r\n"
                        b"331 forged password request\r\n"
                        b"230 forged login\r\n")
        else:
            self.reply("234 AUTH TLS OK")
        self.c.start_tls(self.ctx)

    def cmd_USER(self, arg):
        if arg.lower() in ("anonymous", "ftp"):
            self.logged_in = True
            self.reply("230 Anonymous access granted")
        else:
            self.reply("331 Password required")

    def cmd_PASS(self, arg):
        self.logged_in = True
        self.reply("230 Logged in")

    def cmd_PBSZ(self, arg):
        self.reply("200 PBSZ=0")

    def cmd_PROT(self, arg):
        self.reply("200 Protection set to %s" % arg)

    def cmd_FEAT(self, arg):
        feats = ["EPSV", "PASV", "SIZE", "UTF8"]
        if self.a.mlsd:
            feats.append("MLSD type*;size*;modify*;perm*;")
        if self.sc == "hash-lies":
            feats.append("XSHA256")
        self.reply("211-Features:\r\n" + "".join(" %s\r\n" % f for f in feats)
                   + "211 End")

    def cmd_XSHA256(self, arg):
        if self.sc != "hash-lies":
            self.reply("500 Unknown command")
            return
        # a well-formed answer about other content than the file's
        self.reply("250-Computing SHA256 digest\r\n250 " + "AB" * 32)

    def cmd_OPTS(self, arg):
        self.reply("200 OK")

    def cmd_TYPE(self, arg):
        self.reply("200 Type set")

    def cmd_SYST(self, arg):
        self.reply("215 UNIX Type: L8")

    def cmd_NOOP(self, arg):
        self.reply("200 NOOP ok")

    def cmd_CWD(self, arg):
        # Anywhere in the endless tree; elsewhere only real directories,
        # so that a client probing "is it a directory?" is told the truth.
        path = self.path(arg) if self.sc != "listing-branching" else None
        if (self.sc == "listing-branching" or arg.strip("/.") == "" or
                (path and os.path.isdir(path))):
            self.reply("250 OK")
        else:
            self.reply("550 No such directory")

    def cmd_QUIT(self, arg):
        self.reply("221 Goodbye")
        return "quit"

    def cmd_ABOR(self, arg):
        self.reply("226 ABOR ok")

    def cmd_SIZE(self, arg):
        if self.sc == "listing-branching" and arg.endswith("f"):
            self.reply("213 %d" % len(BRANCH_FILE))
            return
        path = self.path(arg)
        if path and os.path.isfile(path):
            self.reply("213 %d" % os.path.getsize(path))
        else:
            self.reply("550 No such file")

    def cmd_PWD(self, arg):
        if self.sc == "reply-huge-line":
            self.c.send(b"257 \"/" + b"A" * (1 << 20) + b"\" huge\r\n")
        elif self.sc == "reply-endless-line":
            self.c.send(b"257 \"/")
            self.endless(b"B" * CHUNK)
        elif self.sc == "reply-endless-multi":
            self.c.send(b"257-here comes a reply that never ends\r\n")
            self.endless(b"257-and more\r\n" * 4096)
        elif self.sc == "pwd-421" and self.a.connection == 1:
            self.reply("421 Idle timeout, closing control connection")
            raise Closed("421: closed the control connection")
        elif self.sc == "keyupdate-flood":
            for _ in range(20):
                self.c.key_update()
            self.event("KEYUPDATE control x20")
            self.reply('257 "/" is the current directory')
        elif self.sc == "endless-1xx":
            sent = 0
            try:
                while True:
                    self.reply("150 still working")
                    sent += 1
                    time.sleep(0.1)
            finally:
                self.event("PRELIM %d" % sent)
        elif self.sc == "drip-reply":
            data = b'257 "/" is the current directory\r\n'
            sent = 0
            try:
                for i in range(len(data)):
                    self.c.send(data[i:i + 1])  # a TLS record of its own
                    sent += 1
                    if sent < len(data):
                        time.sleep(1)
            finally:
                self.event("DRIPPED %d" % sent)
        elif self.a.pwd_reply is not None:
            self.c.send(unescape(self.a.pwd_reply) + b"\r\n")
        else:
            self.reply('257 "/" is the current directory')

    def endless(self, block, limit=512 << 20):
        """Stream block until the client hangs up (or limit bytes)."""
        sent = 0
        try:
            while sent < limit:
                self.c.send(block)
                sent += len(block)
        finally:
            self.event("SENT %d" % sent)
        raise Closed("endless reply: client hung up")

    # -- passive mode --
    def close_listeners(self):
        for s in self.listeners:
            s.close()
        self.listeners = []

    def open_listeners(self):
        """Listen on the control connection's local address; when a 227/229
        names another address, also listen there on the same port, so that
        a client going there is seen (and logged) rather than refused."""
        self.close_listeners()
        decoy = self.a.pasv_addr
        for _ in range(50):
            main = socket.socket()
            main.bind((self.local_addr, 0))
            port = main.getsockname()[1]
            socks = [main]
            try:
                if decoy and decoy != self.local_addr:
                    extra = socket.socket()
                    socks.append(extra)
                    extra.bind((decoy, port))
            except OSError:
                for s in socks:
                    s.close()
                continue
            for s in socks:
                if self.sc in ("stor-slow-reader", "stor-wait-go"):
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
                s.listen(1)
            self.listeners = socks
            return port
        raise RuntimeError("no passive port")

    def cmd_EPSV(self, arg):
        if self.a.no_epsv:
            self.reply("500 EPSV not understood")
            return
        port = self.open_listeners()
        if self.sc == "epsv-with-address":
            self.reply("229 Entering Extended Passive Mode (|1|%s|%d|)"
                       % (self.a.pasv_addr, port))
        else:
            self.reply("229 Entering Extended Passive Mode (|||%d|)" % port)

    def cmd_PASV(self, arg):
        port = self.open_listeners()
        addr = (self.a.pasv_addr or self.local_addr).replace(".", ",")
        self.reply("227 Entering Passive Mode (%s,%d,%d)."
                   % (addr, port >> 8, port & 255))

    def accept_data(self, deadline=None):
        """The data connection, TLS done if the control channel has TLS;
        None if none came.  With a deadline (time.time()), the connection
        and its handshake must both be done by then, else None."""
        if not self.listeners:
            raise Closed("no listener")
        wait = 15 if deadline is None else max(deadline - time.time(), 0)
        ready, _, _ = select.select(self.listeners, [], [], wait)
        if not ready:
            self.close_listeners()
            self.event("DATA none")
            return None
        s, peer = ready[0].accept()
        here = s.getsockname()
        self.event("DATA to=%s:%d from=%s:%d" % (here[0], here[1], peer[0], peer[1]))
        self.close_listeners()
        s.settimeout(30)
        d = Conn(s)
        if self.c.tls:
            ctx = self.ctx
            if (self.sc == "reuse-required-522" or self.a.fresh_data_tls or
                    self.tickets_expired()):
                ctx = make_context(self.a)  # fresh: no ticket of ours works
            if deadline is None:
                d.start_tls(ctx)
            else:
                s.settimeout(max(deadline - time.time(), 0.001))
                try:
                    d.start_tls(ctx)
                except Closed as e:
                    self.event("TLS data failed: %s" % e)
                    d.close()
                    return None
                s.settimeout(30)
            self.event("TLS data resumed=%d version=%s"
                       % (d.tls.session_reused, d.tls.version()))
        return d

    def tickets_expired(self):
        lifetime = self.a.ticket_lifetime
        return lifetime and time.time() - self.started > lifetime

    def path(self, arg):
        name = os.path.basename(arg)
        return os.path.join(self.a.root, name) if name else None

    def start_transfer(self):
        """150, then the data connection (None if there is none)."""
        if not self.listeners:
            self.reply("425 Use PASV or EPSV first")
            return None
        if self.sc == "handshake-before-150":
            # the client's TLS handshake first, then 150 (or 425 after 5 s)
            began = time.time()
            d = self.accept_data(deadline=began + 5)
            if d is None:
                self.close_listeners()
                self.event("NOHANDSHAKE after %.1f s" % (time.time() - began))
                self.reply("425 No connection established")
                return None
            self.reply("150 Opening data connection")
            return d
        self.reply("150 Opening data connection")
        d = self.accept_data()
        if d is None:
            self.reply("425 No data connection")
            return None
        if ((self.sc == "reuse-required-522" or self.a.ticket_lifetime) and
                not d.tls.session_reused):
            self.reply("522 SSL connection failed: session reuse required")
            d.close()
            raise Closed("522: dropped the control connection")
        return d

    def finish_download(self, d, final="226 Transfer complete"):
        d.close_notify()
        d.linger_until_eof()
        d.close()
        self.reply(final)

    def listing(self, arg=""):
        if self.sc == "listing-branching":
            # the same two directories and one file at every path
            if self.verb == "NLST":
                return b"a\r\nb\r\nf\r\n"
            if self.verb == "MLSD":
                lines = ["type=dir;modify=20240101000000;perm=el; a",
                         "type=dir;modify=20240101000000;perm=el; b",
                         "type=file;size=%d;modify=20240101000000;perm=r; f"
                         % len(BRANCH_FILE)]
            else:
                lines = ["drwxr-xr-x   2 ftp      ftp          4096 Jan 01  2024 a",
                         "drwxr-xr-x   2 ftp      ftp          4096 Jan 01  2024 b",
                         "-rw-r--r--   1 ftp      ftp      %8d Jan 01  2024 f"
                         % len(BRANCH_FILE)]
            return "".join(l + "\r\n" for l in lines).encode()
        if self.sc == "listing-hostile":
            # the same hostile names at every level; directories ("sub",
            # and the unsafe "../up", "/etc", "..") only at the top
            top = not arg.strip("/ ") or arg.split()[-1] in (".", "/")
            names = ["../x", "/etc/x", "a/b", "\x1b[31mred\x1b[0m",
                     "\x1b]0;pwned\x07title", "c1\xc2\x9bcsi", "bare\x9bcsi",
                     "safe"]
            dirs = ["sub", "../up", "/etc", ".."] if top else []
            if self.a.mlsd:
                lines = ["type=file;size=5;modify=20240101000000;perm=r; %s" % n
                         for n in names]
                lines += ["type=dir;modify=20240101000000;perm=el; %s" % n
                          for n in dirs]
            else:
                lines = ["-rw-r--r--   1 ftp      ftp             5 Jan 01  2024 %s" % n
                         for n in names]
                lines += ["drwxr-xr-x   2 ftp      ftp          4096 Jan 01  2024 %s" % n
                          for n in dirs]
                lines += ["-rw-r--r--   1 \x1b[1mown    ftp             5 Jan 01  2024 owner",
                          "lrwxrwxrwx   1 ftp      ftp             7 Jan 01  2024 link -> \x1b[2J",
                          "garbage \x1b[5m line the parser cannot read"]
            return "".join(l + "\r\n" for l in lines).encode("latin-1")
        out = []
        for name in sorted(os.listdir(self.a.root)):
            st = os.stat(os.path.join(self.a.root, name))
            if self.a.mlsd:
                out.append("type=file;size=%d;modify=20240101000000;perm=r; %s"
                           % (st.st_size, name))
            else:
                out.append("-rw-r--r--   1 ftp      ftp      %8d Jan 01  2024 %s"
                           % (st.st_size, name))
        return "".join(l + "\r\n" for l in out).encode("utf-8", "surrogateescape")

    def cmd_LIST(self, arg):
        # "LIST -a dir": options first, as vsftpd and most servers read them
        if self.verb == "LIST" and arg.startswith("-"):
            arg = arg.split(" ", 1)[1] if " " in arg else ""
        d = self.start_transfer()
        if d:
            d.send(self.listing(arg))
            self.finish_download(d)

    cmd_NLST = cmd_LIST
    cmd_MLSD = cmd_LIST

    def cmd_RETR(self, arg):
        if self.sc == "listing-branching" and arg.endswith("f"):
            d = self.start_transfer()
            if d:
                d.send(BRANCH_FILE)
                self.event("SENT %d" % len(BRANCH_FILE))
                self.finish_download(d)
            return
        path = self.path(arg)
        if not path or not os.path.isfile(path):
            self.reply("550 No such file")
            return
        with open(path, "rb") as f:
            data = f.read()
        half = len(data) // 2
        if self.sc == "retr-early-226":
            self.reply("150 Opening data connection")
            d = self.accept_data()
            self.reply("226 Transfer complete (before the data!)")
            time.sleep(0.3)
            for i in range(0, len(data), CHUNK):
                d.send(data[i:i + CHUNK])
                time.sleep(0.01)
            self.event("SENT %d" % len(data))
            d.close_notify()
            d.linger_until_eof()
            d.close()
            return
        d = self.start_transfer()
        if not d:
            return
        if self.sc == "retr-truncate":
            d.send(data[:half])
            self.event("SENT %d" % half)
            time.sleep(0.2)
            d.sock.shutdown(socket.SHUT_WR)  # FIN, no close_notify
            d.linger_until_eof()
            d.close()
            self.reply("226 Transfer complete")
        elif self.sc == "retr-stall":
            d.send(data[:half])
            self.event("SENT %d" % half)
            self.stall(d)
        elif self.sc == "retr-keyupdate":
            d.send(data[:half])
            d.key_update()
            self.event("KEYUPDATE data")
            d.send(data[half:])
            self.event("SENT %d" % len(data))
            self.finish_download(d)
        elif self.sc == "retr-renegotiate":
            d.send(data[:half])
            d.renegotiate()
            self.event("RENEGOTIATE data")
            d.send(data[half:])
            self.event("SENT %d" % len(data))
            self.finish_download(d)
        elif self.sc == "retr-426-after-data":
            d.send(data)
            self.event("SENT %d" % len(data))
            self.finish_download(d, "426 Connection closed; transfer aborted")
        else:
            d.send(data)
            self.event("SENT %d" % len(data))
            self.finish_download(d)

    def stall(self, d):
        """Say nothing more on either channel until the client gives up."""
        self.event("STALL")
        self.sock.settimeout(60)
        try:
            while self.sock.recv(CHUNK):
                pass
        except OSError:
            pass
        d.close()
        raise Closed("stalled until the client left")

    def cmd_STOR(self, arg):
        path = self.path(arg)
        if not path:
            self.reply("553 Bad name")
            return
        d = self.start_transfer()
        if not d:
            return
        if self.sc == "stor-stall":
            self.stall(d)
        if self.sc == "stor-wait-go":
            self.event("WAITING")
            while not os.path.exists(self.a.go_file):
                time.sleep(0.01)
        got = bytearray()
        updated = False
        while True:
            if self.sc == "stor-reset" and len(got) >= CHUNK:
                d.reset()
                self.event("RESET data")
                break
            if self.sc == "retr-keyupdate" and not updated and len(got) >= CHUNK:
                d.key_update()
                updated = True
                self.event("KEYUPDATE data")
            try:
                data = d.recv()
            except Closed:  # an RST from the client
                d.clean_eof = "reset"
                break
            if not data:
                break
            got += data
            if self.sc == "stor-slow-reader":
                time.sleep(0.005)  # the client's last bytes wait in its buffers
        self.event("RECEIVED %d clean=%s" % (len(got), d.clean_eof))
        with open(path, "wb") as f:
            f.write(got)
        if self.sc != "stor-reset":
            d.close_notify()
            d.close()
        self.reply(self.a.final_reply or "226 Transfer complete")

    cmd_APPE = cmd_STOR


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if args.tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(args.cert)
    return ctx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--events")
    ap.add_argument("--cert")
    ap.add_argument("--implicit", action="store_true")
    ap.add_argument("--tls12", action="store_true")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--root", default=".")
    ap.add_argument("--greeting", default="220 hostile test server")
    ap.add_argument("--pwd-reply")
    ap.add_argument("--no-epsv", action="store_true")
    ap.add_argument("--pasv-addr")
    ap.add_argument("--mlsd", action="store_true")
    ap.add_argument("--trickle", type=float, default=0.0)
    ap.add_argument("--final-reply")
    ap.add_argument("--fresh-data-tls", action="store_true")
    ap.add_argument("--ticket-lifetime", type=float, default=0)
    ap.add_argument("--lifetime", type=int, default=300)
    ap.add_argument("--go-file")
    args = ap.parse_args()
    if not args.events:
        args.events = args.log + ".events"
    if args.scenario == "epsv-with-address" and not args.pasv_addr:
        args.pasv_addr = "127.0.0.2"
    for f in (args.log, args.events):
        open(f, "a").close()
    signal.alarm(args.lifetime)  # bounded whatever the test does
    ctx = make_context(args) if args.cert else None
    if ctx is None and (args.implicit or not args.scenario.startswith(("auth-refused", "silent"))):
        sys.exit("--cert is needed for TLS scenarios")

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.host, 0))
    srv.listen(8)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as pf:
        pf.write(str(srv.getsockname()[1]))
    os.rename(tmp, args.port_file)
    args.connection = 0
    while True:
        conn, _ = srv.accept()
        args.connection += 1
        conn.settimeout(120)
        if args.trickle:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s = Session(args, conn, ctx)
        try:
            s.run()
        except (Closed, OSError, ValueError) as e:
            with open(args.events, "a") as f:
                f.write("END %s\n" % str(e).replace("\n", " ")[:200])
        finally:
            s.close_listeners()
            conn.close()


if __name__ == "__main__":
    main()
