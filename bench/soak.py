#!/usr/bin/env python3
"""Soak driver for bench/soak.sh: many clients on loopback mixing commands, pipelines, pub/sub,
transactions, random disconnects and malformed frames against one server, for a bounded time.

Usage: soak.py --port P [--seconds 60] [--clients 40] [--seed N]
Prints a summary and exits 1 if any client saw an error it should not have (a wrong reply,
a legitimate request answered by a closed connection, a timeout).
Standard library only.
"""
import argparse
import random
import socket
import sys
import threading
import time

TIMEOUT = 10.0


class Closed(Exception):
    pass


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise Closed()
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            self._fill()

    def read(self):
        line = self._line()
        t, rest = line[:1], line[1:]
        if t in (b"+", b":"):
            return rest.decode() if t == b"+" else int(rest)
        if t == b"-":
            return Error(rest.decode(errors="replace"))
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < n + 2:
                self._fill()
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return data
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ValueError("unexpected reply line %r" % line)


class Error(str):
    pass


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if not isinstance(a, bytes):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


MALFORMED = [
    b"*2\r\n$3\r\nGET\r\n$x\r\n",          # invalid bulk length
    b"*1\r\n$-5\r\n",                        # negative bulk length
    b"*abc\r\n",                             # invalid multibulk length
    b"*1\r\n:1\r\n",                         # expected '$'
    b"\"unbalanced quotes\r\n",              # inline: unbalanced quotes
    b"*1\r\n$" + b"9" * 25 + b"\r\n",        # absurd length
    b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$9999999999\r\n",  # past proto-max-bulk-len
]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.ops = 0
        self.malformed = 0
        self.malformed_closed = 0
        self.disconnects = 0
        self.errors = []

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                setattr(self, k, getattr(self, k) + v)

    def error(self, msg):
        with self.lock:
            if len(self.errors) < 50:
                self.errors.append(msg)
            else:
                self.errors.append(None)


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def session(port, rnd, stats, deadline, ident):
    """One connection's life: a random number of operations, then a random way of ending."""
    c = Conn(port)
    try:
        mine = "soak:%d:%d" % (ident, rnd.randrange(1 << 30))
        for _ in range(rnd.randrange(5, 200)):
            if time.time() > deadline:
                return
            op = rnd.random()
            if op < 0.25:
                v = b"v" * rnd.choice([1, 10, 100, 1000, 20000])
                c.send(encode("SET", mine, v))
                check(c.read() == "OK", "SET")
                c.send(encode("GET", mine))
                check(c.read() == v, "GET returned another value")
            elif op < 0.35:
                c.send(encode("INCR", mine + ":n"))
                r = c.read()
                check(isinstance(r, int), "INCR %r" % (r,))
            elif op < 0.45:
                n = rnd.randrange(1, 50)
                c.send(b"".join(encode("RPUSH", mine + ":l", i) for i in range(n)))
                for _ in range(n):
                    check(isinstance(c.read(), int), "RPUSH")
                c.send(encode("LRANGE", mine + ":l", 0, -1))
                check(isinstance(c.read(), list), "LRANGE")
            elif op < 0.52:
                c.send(encode("HSET", mine + ":h", "f%d" % rnd.randrange(100), "x"))
                check(isinstance(c.read(), int), "HSET")
                c.send(encode("HGETALL", mine + ":h"))
                check(isinstance(c.read(), list), "HGETALL")
            elif op < 0.58:
                c.send(encode("ZADD", mine + ":z", rnd.random(), "m%d" % rnd.randrange(100)))
                check(isinstance(c.read(), int), "ZADD")
                c.send(encode("ZRANGE", mine + ":z", 0, -1, "WITHSCORES"))
                check(isinstance(c.read(), list), "ZRANGE")
            elif op < 0.63:
                c.send(encode("SADD", "soak:shared:set", rnd.randrange(1000)))
                check(isinstance(c.read(), int), "SADD")
                c.send(encode("SCARD", "soak:shared:set"))
                check(isinstance(c.read(), int), "SCARD")
            elif op < 0.68:
                c.send(encode("MULTI") + encode("INCR", "soak:shared:counter") + encode("EXPIRE", mine, 30)
                       + encode("EXEC"))
                check(c.read() == "OK", "MULTI")
                check(c.read() == "QUEUED", "QUEUED")
                check(c.read() == "QUEUED", "QUEUED")
                r = c.read()
                check(isinstance(r, list) and len(r) == 2, "EXEC %r" % (r,))
            elif op < 0.72:
                c.send(encode("PUBLISH", "soak:chan", "hello"))
                check(isinstance(c.read(), int), "PUBLISH")
            elif op < 0.75:
                c.send(encode("SUBSCRIBE", "soak:chan"))
                r = c.read()
                check(isinstance(r, list) and r[0] == b"subscribe", "SUBSCRIBE %r" % (r,))
                c.send(encode("UNSUBSCRIBE"))
                while True:  # messages published meanwhile come first
                    r = c.read()
                    if isinstance(r, list) and r[0] == b"unsubscribe":
                        break
                    check(isinstance(r, list) and r[0] == b"message", "message %r" % (r,))
            elif op < 0.80:
                keys = [mine + ":m%d" % i for i in range(10)]
                c.send(encode("MSET", *[x for k in keys for x in (k, "x")]))
                check(c.read() == "OK", "MSET")
                c.send(encode("MGET", *keys))
                check(c.read() == [b"x"] * 10, "MGET")
                c.send(encode("DEL", *keys))
                check(c.read() == 10, "DEL")
            elif op < 0.85:
                c.send(encode("SCAN", 0, "MATCH", "soak:%d:*" % ident, "COUNT", 100))
                check(isinstance(c.read(), list), "SCAN")
            elif op < 0.90:
                c.send(encode("NOSUCHCOMMAND", "x"))
                r = c.read()
                check(isinstance(r, Error) and r.startswith("ERR unknown command"), "unknown command %r" % (r,))
            elif op < 0.95:
                c.send(b"PING\r\n")
                check(c.read() == "PONG", "inline PING")
            else:
                c.send(encode("DEL", mine, mine + ":n", mine + ":l", mine + ":h", mine + ":z"))
                check(isinstance(c.read(), int), "DEL")
            stats.add(ops=1)
        # How this connection ends.
        end = rnd.random()
        if end < 0.15:
            stats.add(malformed=1)
            c.send(rnd.choice(MALFORMED))
            try:
                r = c.read()
                check(isinstance(r, Error) and r.startswith("ERR Protocol error"), "protocol error reply %r" % (r,))
                c.read()
                raise AssertionError("connection still open after a protocol error")
            except (Closed, ConnectionResetError):
                stats.add(malformed_closed=1)
        elif end < 0.35:
            # Vanish mid-request: half a bulk, then close.
            stats.add(disconnects=1)
            c.send(b"*3\r\n$3\r\nSET\r\n$5\r\nhalf\r\n$100\r\nabc")
        elif end < 0.45:
            stats.add(disconnects=1)
            c.send(encode("LRANGE", mine + ":l", 0, -1) * 20)  # ask, then leave without reading
        else:
            c.send(encode("QUIT"))
            check(c.read() == "OK", "QUIT")
    finally:
        c.close()


def worker(port, seed, stats, deadline, ident):
    rnd = random.Random(seed)
    while time.time() < deadline:
        try:
            session(port, rnd, stats, deadline, ident)
        except AssertionError as e:
            stats.error("client %d: %s" % (ident, e))
        except (OSError, Closed, ValueError) as e:
            stats.error("client %d: %s: %s" % (ident, type(e).__name__, e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=40)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    a = ap.parse_args()
    stats = Stats()
    deadline = time.time() + a.seconds
    threads = [threading.Thread(target=worker, args=(a.port, a.seed * 1000 + i, stats, deadline, i), daemon=True)
               for i in range(a.clients)]
    start = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(a.seconds + 30)
    elapsed = time.time() - start
    # The server must still answer after all that.
    final = Conn(a.port)
    final.send(encode("PING"))
    alive = final.read() == "PONG"
    final.close()
    errors = [e for e in stats.errors if e is not None]
    print("seed=%d clients=%d seconds=%.0f" % (a.seed, a.clients, elapsed))
    print("operations=%d (%.0f/s) malformed_frames=%d closed_after_protocol_error=%d abrupt_disconnects=%d"
          % (stats.ops, stats.ops / elapsed, stats.malformed, stats.malformed_closed, stats.disconnects))
    print("client_errors=%d server_alive=%s" % (len(stats.errors), alive))
    for e in errors[:20]:
        print("  error: " + e)
    sys.exit(0 if alive and not stats.errors else 1)


if __name__ == "__main__":
    main()
