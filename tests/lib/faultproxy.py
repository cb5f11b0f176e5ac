#!/usr/bin/python3
"""A fault-injecting, latency-injecting TCP proxy for the ftps loopback tests.

  faultproxy.py --listen 127.0.0.2 --target 127.0.0.1 --port CTRL \\
                [--target-port T] [--range LO-HI] [rules...] \\
                [--port-file F] [--events F] [--control F] [--lifetime SECONDS]

The kernel has no netem, so latency, cuts, stalls and refused reconnects are
made here.  The proxy listens on --listen for the control port and for every
port of --range (the server's passive range, same numbers as the server's)
and forwards each accepted connection to --target on the same port number
(the control port goes to --target-port, default the same as --port).  An
FTP client connects its data channels to the control connection's peer
address with the port from EPSV, so every byte passes through the proxy; the
server sees control and data connections coming from the same address, so
vsftpd and pyftpdlib accept them.  --port 0 picks a free control port on
--listen (needs --target-port); the port is written to --port-file (written
atomically, once every listener is up).

One process, one thread, epoll: any number of concurrent connections; bulk
throughput on loopback is bounded by the endpoints, not by the proxy (256 KiB
reads, no copy when the destination keeps up).  It exits by itself after
--lifetime seconds (default 300), on SIGTERM/SIGINT, or on the "quit" command.

Options:
  --listen ADDR        address to listen on (default 127.0.0.2)
  --target ADDR        address to forward to (default 127.0.0.1)
  --port N             control port on --listen (0 = kernel-chosen)
  --target-port N      control port on --target (default: --port)
  --range LO-HI        passive ports: listened on and forwarded 1:1
  --port-file FILE     the control port, once everything listens
  --events FILE        event log (below), appended, one line per event
  --control FILE       runtime commands (below), polled every 50 ms
  --lifetime SECONDS   exit after this long whatever happens (default 300)

Rules (repeatable; for one direction of one connection they are tried in the
order given, the lowest threshold reached first wins):
  --cut KIND:DIR:BYTES[:COUNT]
        KIND is "ctrl" (a connection to the control port) or "data" (one to
        a port of --range); DIR is "down" (server -> client) or "up"
        (client -> server).  Once exactly BYTES bytes have been forwarded in
        that direction on a matching connection, both sides are closed
        abruptly (SO_LINGER 0: an RST each way, buffered data is dropped).
        The rule fires at most COUNT times (default 1; "all" = every
        matching connection); until then every matching connection is
        watched, so "--cut data:down:52428800" cuts the first data
        connection that carries 50 MB down (a LIST before it is harmless).
        BYTES may carry a suffix k, M, G (powers of 1024).
  --cut-session
        a rule cut of a data connection also resets every control
        connection open at that moment ("the link dropped").
  --stall KIND:DIR:BYTES[:COUNT]
        same matching, but after BYTES bytes that direction forwards nothing
        more and stops reading (the sender fills its buffers and blocks, like
        a dead link); the sockets stay open.  A stalled connection is torn
        down (RST) when the other direction reaches end of file or an
        error, or by cut-all / the end of the proxy.
  --refuse-after-cut SECONDS|forever
        after any cut (rule, --cut-session or a cut-all command), new control
        connections are accepted and at once reset (RST) for SECONDS, or
        for the rest of the proxy's life with "forever" (retries exhausted).
        Data connections are not refused.
  --delay MS
        MS milliseconds of one-way delay in each direction (RTT + 2*MS):
        each chunk read is timestamped and forwarded MS later, in order
        (end of file too).  Up to 64 MiB per direction is buffered, so the
        throughput is not limited below 64 MiB / delay.  For an RTT of R
        ms, use --delay R/2.  Timers have microsecond resolution: one byte
        ping-ponged through the proxy (tests/bench/rtt_probe.py) takes
        2*MS + about 0.5 ms (the proxy's own cost, as without --delay) on
        an idle machine: --delay 10 measures 20.6-21 ms.

Runtime commands: append one line per command to the --control file (the
proxy reads the new complete lines every 50 ms and logs "CONTROL N CMD" to
the events once it has acted on line N, counting from 1):
  cut-all            reset every open connection now (counts as a cut for
                     --refuse-after-cut)
  cut ctrl|data      reset every open connection of that kind
  stall-all          stall both directions of every open connection
  refuse on|off      reset new control connections (until "refuse off")
  refuse SECONDS     reset new control connections for SECONDS
  delay MS           change the one-way delay for data read from now on
  quit               exit now

Events (--events), one line each; #ID numbers the connections from 1:
  LISTEN ADDR CTRLPORT LO-HI                 all listeners are up
  OPEN ctrl|data PORT #ID                    a connection was accepted
  NOCONNECT ctrl|data PORT #ID ERROR         the target refused it (RST sent)
  CUT ctrl|data PORT after N bytes down|up #ID [(session)|(cut-all)|(cut)]
                                             N = bytes forwarded that way
  STALL ctrl|data PORT after N bytes down|up #ID [(stall-all)]
  REFUSED PORT                               a control connection was reset
  CLOSE ctrl|data PORT down=N up=M #ID HOW   the connection is gone; HOW is
        normal (both sides closed), reset (a side reset or failed; RST
        passed on), cut, stalled (torn down after a stall), shutdown (the
        proxy exited)
  CONTROL N CMD                              runtime command line N done
  EXIT REASON                                lifetime, signal or quit
"""

import argparse
import collections
import errno
import heapq
import os
import select
import selectors
import signal
import socket
import struct
import sys
import time

CHUNK = 256 * 1024
HIGH = 1 << 20           # bytes buffered per direction before reading pauses
HIGH_DELAYED = 64 << 20  # the same with --delay (bandwidth x delay)
LINGER0 = struct.pack("ii", 1, 0)
R, W = selectors.EVENT_READ, selectors.EVENT_WRITE


def parse_bytes(text):
    mult = {"k": 1 << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20,
            "g": 1 << 30, "G": 1 << 30}
    if text and text[-1] in mult:
        return int(text[:-1]) * mult[text[-1]]
    return int(text)


class Rule:
    def __init__(self, action, spec, session=False):
        parts = spec.split(":")
        if len(parts) not in (3, 4):
            raise ValueError("%s: KIND:DIR:BYTES[:COUNT] expected" % spec)
        self.action = action
        self.kind, self.dir = parts[0], parts[1]
        if self.kind not in ("ctrl", "data"):
            raise ValueError("%s: KIND must be ctrl or data" % spec)
        if self.dir not in ("down", "up"):
            raise ValueError("%s: DIR must be down or up" % spec)
        self.bytes = parse_bytes(parts[2])
        if self.bytes < 0:
            raise ValueError("%s: negative BYTES" % spec)
        count = parts[3] if len(parts) == 4 else "1"
        self.remaining = None if count in ("all", "*") else int(count)
        self.session = session

    def live(self):
        return self.remaining is None or self.remaining > 0

    def take(self):
        if self.remaining is None:
            return True
        if self.remaining > 0:
            self.remaining -= 1
            return True
        return False


class Pipe:
    """One direction of a connection: src -> dst."""

    def __init__(self, conn, direction, src, dst):
        self.conn, self.dir, self.src, self.dst = conn, direction, src, dst
        self.buf = collections.deque()  # [due, memoryview]
        self.nbuf = 0
        self.count = 0          # bytes forwarded
        self.eof = False        # src gave end of file
        self.eof_due = 0.0
        self.shut = False       # dst was shut down for writing
        self.stalled = False
        self.blocked = False    # dst send buffer full: wait for EVENT_WRITE
        self.timer_due = None
        self.rules = []
        self.limit = None
        self.other = None

    def arm(self, rules):
        self.rules = [r for r in rules
                      if r.kind == self.conn.kind and r.dir == self.dir]
        self.recompute()

    def recompute(self):
        self.rules = [r for r in self.rules if r.live()]
        self.limit = min((r.bytes for r in self.rules), default=None)


class Conn:
    def __init__(self, cid, kind, port, csock, ssock):
        self.id, self.kind, self.port = cid, kind, port
        self.csock, self.ssock = csock, ssock
        self.connected = False
        self.dead = False
        self.down = Pipe(self, "down", ssock, csock)
        self.up = Pipe(self, "up", csock, ssock)
        self.down.other, self.up.other = self.up, self.down
        self.masks = {csock: 0, ssock: 0}

    def tag(self):
        return "%s %d" % (self.kind, self.port)


class Proxy:
    def __init__(self, a):
        self.a = a
        self.sel = selectors.DefaultSelector()
        self.conns = {}
        self.next_id = 1
        self.timers = []
        self.seq = 0
        self.delay = a.delay / 1000.0
        self.rules = a.rules
        self.refuse_until = 0.0
        self.events = open(a.events, "a", buffering=1) if a.events else None
        self.control_off = 0
        self.control_lines = 0
        self.control_partial = b""
        self.stop_reason = None
        self.listeners = []

    # ---------------------------------------------------------------- util
    def log(self, line):
        if self.events:
            self.events.write(line + "\n")

    def high(self):
        return HIGH_DELAYED if self.delay > 0 else HIGH

    def listen(self, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.a.listen, port))
        s.listen(128)
        s.setblocking(False)
        self.listeners.append(s)
        return s

    # ------------------------------------------------------------ interest
    def update(self, c):
        if c.dead:
            return
        high = self.high()
        for sock, out, inp in ((c.csock, c.up, c.down), (c.ssock, c.down, c.up)):
            m = 0
            if sock is c.ssock and not c.connected:
                m = W
            else:
                if not out.eof and not out.stalled and out.nbuf < high:
                    m |= R
                if inp.blocked and not inp.stalled:
                    m |= W
            old = c.masks[sock]
            if m == old:
                continue
            if old == 0:
                self.sel.register(sock, m, c)
            elif m == 0:
                self.sel.unregister(sock)
            else:
                self.sel.modify(sock, m, c)
            c.masks[sock] = m

    def drop(self, c, rst, how):
        if c.dead:
            return
        c.dead = True
        self.conns.pop(c.id, None)
        for sock in (c.csock, c.ssock):
            if c.masks[sock]:
                try:
                    self.sel.unregister(sock)
                except (KeyError, ValueError):
                    pass
            if rst:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
                except OSError:
                    pass
            try:
                sock.close()
            except OSError:
                pass
        c.down.buf.clear()
        c.up.buf.clear()
        self.log("CLOSE %s down=%d up=%d #%d %s"
                 % (c.tag(), c.down.count, c.up.count, c.id, how))

    # -------------------------------------------------------------- faults
    def note_cut(self):
        r = self.a.refuse_after_cut
        if r is None:
            return
        until = float("inf") if r == "forever" else time.monotonic() + float(r)
        self.refuse_until = max(self.refuse_until, until)

    def cut(self, c, p, why=""):
        self.log("CUT %s after %d bytes %s #%d%s"
                 % (c.tag(), p.count, p.dir, c.id, why))
        self.drop(c, True, "cut")

    def stall(self, p, why=""):
        if p.stalled:
            return
        c = p.conn
        p.stalled = True
        p.buf.clear()
        p.nbuf = 0
        p.blocked = False
        self.log("STALL %s after %d bytes %s #%d%s"
                 % (c.tag(), p.count, p.dir, c.id, why))

    def reached(self, p):
        """p.count reached p.limit: fire the first live rule there.
        Returns True if the pipe stopped (cut or stall)."""
        c = p.conn
        for r in p.rules:
            if r.bytes <= p.count and r.take():
                if r.action == "cut":
                    session = r.session and c.kind == "data"
                    self.cut(c, p)
                    if session:
                        for o in list(self.conns.values()):
                            if o.kind == "ctrl":
                                self.cut(o, o.down, " (session)")
                    self.note_cut()
                else:
                    self.stall(p)
                    self.update(c)
                return True
        p.rules = [r for r in p.rules if r.bytes > p.count]
        p.recompute()
        return False

    # ------------------------------------------------------------ forwarding
    def schedule(self, p, due):
        if p.timer_due is None or due < p.timer_due:
            p.timer_due = due
            self.seq += 1
            heapq.heappush(self.timers, (due, self.seq, p))

    def flush(self, p):
        c = p.conn
        if c.dead or p.stalled or (p.dir == "up" and not c.connected):
            return
        now = time.monotonic()
        while p.buf:
            item = p.buf[0]
            due, mv = item
            if due > now:
                self.schedule(p, due)
                return
            n = len(mv)
            if p.limit is not None and p.limit - p.count < n:
                n = p.limit - p.count
            try:
                sent = p.dst.send(mv if n == len(mv) else mv[:n])
            except (BlockingIOError, InterruptedError):
                p.blocked = True
                return
            except OSError:
                self.drop(c, True, "reset")
                return
            p.count += sent
            p.nbuf -= sent
            if sent == len(mv):
                p.buf.popleft()
            else:
                item[1] = mv[sent:]
            if p.limit is not None and p.count >= p.limit and self.reached(p):
                return
            if sent < n:
                p.blocked = True
                return
        if p.eof and not p.shut:
            if p.eof_due > now:
                self.schedule(p, p.eof_due)
                return
            try:
                p.dst.shutdown(socket.SHUT_WR)
            except OSError:
                self.drop(c, True, "reset")
                return
            p.shut = True
            if p.other.shut:
                self.drop(c, False, "normal")

    def read(self, p):
        c = p.conn
        try:
            data = p.src.recv(CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.drop(c, True, "reset")
            return
        now = time.monotonic()
        if not data:
            p.eof = True
            p.eof_due = now + self.delay
            if p.other.stalled:
                self.drop(c, True, "stalled")
                return
        else:
            p.buf.append([now + self.delay, memoryview(data)])
            p.nbuf += len(data)
        self.flush(p)

    # ------------------------------------------------------------- accepts
    def accept(self, lsock, kind, port):
        while True:
            try:
                csock, _ = lsock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if kind == "ctrl" and time.monotonic() < self.refuse_until:
                csock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER0)
                csock.close()
                self.log("REFUSED %d" % port)
                continue
            csock.setblocking(False)
            csock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            ssock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            ssock.setblocking(False)
            ssock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tport = self.a.target_port if kind == "ctrl" else port
            c = Conn(self.next_id, kind, port, csock, ssock)
            self.next_id += 1
            self.conns[c.id] = c
            self.log("OPEN %s #%d" % (c.tag(), c.id))
            err = ssock.connect_ex((self.a.target, tport))
            if err == 0:
                self.connected(c)
            elif err in (errno.EINPROGRESS, errno.EAGAIN):
                self.update(c)
            else:
                self.noconnect(c, err)

    def noconnect(self, c, err):
        self.log("NOCONNECT %s #%d %s" % (c.tag(), c.id, os.strerror(err)))
        self.drop(c, True, "reset")

    def connected(self, c):
        c.connected = True
        c.down.arm(self.rules)
        c.up.arm(self.rules)
        for p in (c.down, c.up):
            if p.limit is not None and p.limit <= 0 and self.reached(p):
                if c.dead:
                    return
        self.update(c)
        self.flush(c.up)  # what the client sent while connecting
        self.update(c)

    # ------------------------------------------------------------- control
    def poll_control(self):
        f = self.a.control
        if not f:
            return
        try:
            with open(f, "rb") as fh:
                fh.seek(self.control_off)
                new = fh.read()
        except OSError:
            return
        if not new:
            return
        self.control_off += len(new)
        data = self.control_partial + new
        lines = data.split(b"\n")
        self.control_partial = lines.pop()
        for raw in lines:
            self.control_lines += 1
            cmd = raw.decode("utf-8", "replace").strip()
            self.command(cmd)
            self.log("CONTROL %d %s" % (self.control_lines, cmd))

    def command(self, cmd):
        w = cmd.split()
        if not w:
            return
        if w[0] == "cut-all" or (w[0] == "cut" and len(w) == 2):
            kind = w[1] if len(w) == 2 else None
            why = " (cut-all)" if kind is None else " (cut)"
            for c in list(self.conns.values()):
                if kind is None or c.kind == kind:
                    self.cut(c, c.down, why)
            self.note_cut()
        elif w[0] == "stall-all":
            for c in list(self.conns.values()):
                self.stall(c.down, " (stall-all)")
                self.stall(c.up, " (stall-all)")
                self.update(c)
        elif w[0] == "refuse" and len(w) == 2:
            if w[1] == "on":
                self.refuse_until = float("inf")
            elif w[1] == "off":
                self.refuse_until = 0.0
            else:
                self.refuse_until = time.monotonic() + float(w[1])
        elif w[0] == "delay" and len(w) == 2:
            self.delay = float(w[1]) / 1000.0
            for c in list(self.conns.values()):
                self.update(c)
        elif w[0] == "quit":
            self.stop_reason = "quit"
        else:
            self.log("BADCONTROL %s" % cmd)

    # ---------------------------------------------------------------- loop
    def run(self):
        a = self.a
        lsock = self.listen(a.port)
        ctrl_port = lsock.getsockname()[1]
        if a.target_port is None:
            a.target_port = ctrl_port
        self.sel.register(lsock, R, ("L", "ctrl", ctrl_port))
        lo, hi = a.range if a.range else (0, -1)
        for port in range(lo, hi + 1):
            self.sel.register(self.listen(port), R, ("L", "data", port))
        self.log("LISTEN %s %d %s" % (a.listen, ctrl_port,
                                        "%d-%d" % (lo, hi) if a.range else "-"))
        if a.port_file:
            tmp = a.port_file + ".tmp"
            with open(tmp, "w") as fh:
                fh.write("%d\n" % ctrl_port)
            os.rename(tmp, a.port_file)
        end = time.monotonic() + a.lifetime
        next_poll = 0.0
        while self.stop_reason is None:
            now = time.monotonic()
            if now >= end:
                self.stop_reason = "lifetime"
                break
            if now >= next_poll:
                self.poll_control()
                next_poll = now + 0.05
                if self.stop_reason:
                    break
            timeout = min(end, next_poll) - now
            if self.timers:
                timeout = min(timeout, self.timers[0][0] - now)
            timeout = max(timeout, 0)
            if self.timers and timeout > 0:
                # epoll's timeout has millisecond steps, rounded up: each
                # delayed chunk would leave up to 1 ms late (about 10% of a
                # 20 ms RTT).  select() on the epoll descriptor waits with
                # microsecond resolution; then collect its events at once.
                select.select([self.sel.fileno()], [], [], timeout)
                timeout = 0
            for key, mask in self.sel.select(timeout):
                d = key.data
                if isinstance(d, tuple):
                    self.accept(key.fileobj, d[1], d[2])
                    continue
                c = d
                if c.dead:
                    continue
                if mask & W:
                    if key.fileobj is c.ssock and not c.connected:
                        err = c.ssock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                        if err:
                            self.noconnect(c, err)
                            continue
                        self.connected(c)
                        continue
                    inp = c.up if key.fileobj is c.ssock else c.down
                    inp.blocked = False
                    self.flush(inp)
                if mask & R and not c.dead:
                    self.read(c.up if key.fileobj is c.csock else c.down)
                if not c.dead:
                    self.update(c)
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                due, _, p = heapq.heappop(self.timers)
                if p.timer_due == due:
                    p.timer_due = None
                if not p.conn.dead:
                    self.flush(p)
                    self.update(p.conn)
        for c in list(self.conns.values()):
            self.drop(c, True, "shutdown")
        self.log("EXIT %s" % self.stop_reason)


def main():
    ap = argparse.ArgumentParser(
        description="fault-injecting TCP proxy (see the module docstring)")
    ap.add_argument("--listen", default="127.0.0.2")
    ap.add_argument("--target", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--target-port", type=int)
    ap.add_argument("--range")
    ap.add_argument("--port-file")
    ap.add_argument("--events")
    ap.add_argument("--control")
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--cut", action="append", default=[])
    ap.add_argument("--stall", action="append", default=[])
    ap.add_argument("--cut-session", action="store_true")
    ap.add_argument("--refuse-after-cut")
    ap.add_argument("--delay", type=float, default=0.0)
    # rules in command-line order
    order = [x for x in sys.argv[1:] if x in ("--cut", "--stall")
             or x.startswith("--cut=") or x.startswith("--stall=")]
    a = ap.parse_args()
    if a.port == 0 and a.target_port is None:
        ap.error("--port 0 needs --target-port")
    if a.range:
        try:
            lo, hi = (int(x) for x in a.range.split("-"))
        except ValueError:
            ap.error("--range LO-HI")
        a.range = (lo, hi)
    if a.refuse_after_cut not in (None, "forever"):
        try:
            float(a.refuse_after_cut)
        except ValueError:
            ap.error("--refuse-after-cut SECONDS|forever")
    cuts, stalls = iter(a.cut), iter(a.stall)
    rules = []
    try:
        for opt in order:
            if opt.startswith("--cut"):
                rules.append(Rule("cut", next(cuts), a.cut_session))
            else:
                rules.append(Rule("stall", next(stalls)))
    except (ValueError, StopIteration) as e:
        ap.error(str(e))
    a.rules = rules
    try:  # two descriptors per connection
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
    proxy = Proxy(a)

    def on_signal(signum, frame):
        proxy.stop_reason = "signal %d" % signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    try:
        proxy.run()
    except OSError as e:
        sys.stderr.write("faultproxy: %s\n" % e)
        sys.exit(1)


if __name__ == "__main__":
    main()
