#!/usr/bin/env python3
"""Randomized multi-type differential fuzzer: Mnemos against a real redis-server (7.0.x).

Dev tool, not part of the test suite. It sends one seeded command stream to both servers over raw
RESP sockets and compares every reply byte for byte (after sorting replies whose order is a hash
table's iteration order, and reducing random choices and clock-dependent values to their shape).
Every --check-every commands it also compares DEBUG DIGEST, DBSIZE, OBJECT ENCODING and DUMP of
every key in databases 0-2, so state divergences are caught even when replies agree. It mixes all data
types with COPY/RENAME/MOVE/SWAPDB/SELECT, streams (explicit IDs only: a '*' ID reads each server's
clock), the EXPIRE family, CONFIG SET of the listpack/intset
thresholds, DEBUG RELOAD, DUMP/RESTORE (each server's payload restored into itself), MULTI/EXEC
batches, wrong types and garbled arguments.

Usage (servers must run with --enable-debug-command yes and --save ''):
  redis-server --port 7650 --save '' --daemonize yes --enable-debug-command yes
  java -jar target/mnemos-server.jar --port 7655 --save '' --enable-debug-command yes
  scripts/differential_fuzz.py --redis 7650 --mnemos 7655 --seed 1 --steps 20000
  scripts/differential_fuzz.py ... --seeds 1-50           # many seeds, stop at the first divergence
  scripts/differential_fuzz.py ... --seed 7 --minimize    # shrink the failing stream, print it
  scripts/differential_fuzz.py ... --replay FILE          # replay a saved stream (one JSON list a line)
  scripts/differential_fuzz.py ... --resp3                # the stream over HELLO 3 connections
  scripts/differential_fuzz.py ... --getkeys              # also COMMAND GETKEYSANDFLAGS of every command

Replica mode (--replica-port P): a real redis-server replicates Mnemos and must end up with the same
dataset, which tests Mnemos's command propagation (the stream the AOF also gets). At every check the
fuzzer waits until the replica's slave_repl_offset reaches Mnemos's master_repl_offset (link up),
then compares DEBUG DIGEST and XINFO STREAM FULL of each stream, and on a mismatch DBSIZE and DEBUG
DIGEST-VALUE of each key (logically expired keys included: a replica never expires keys itself).
This mode also generates consumer-group commands, EVAL scripts running several commands, full
resynchronizations (the replica loads an RDB Mnemos made for it) and broken links (the replica
continues from Mnemos's backlog). It leaves out what Redis 7.0 does not replicate faithfully either
(BITFIELD OVERFLOW FAIL: a failed write pads the string unpropagated; a group's entries-read and
lag; consumers an XREADGROUP created; XREADGROUP of a consumer's history, which counts deliveries
unpropagated). The replica gets the fuzzer's CONFIG SETs too.
  redis-server --port 7712 --replicaof 127.0.0.1 7655 --save '' --enable-debug-command yes --daemonize yes
  scripts/differential_fuzz.py --redis 7650 --mnemos 7655 --replica-port 7712 --seeds 1-50
The other way round, Mnemos as the replica of a redis-server master: give two redis-servers as
--redis and --mnemos and a Mnemos replica of the second as --replica-port.
  java -jar target/mnemos-server.jar --port 7713 --replicaof 127.0.0.1 7656 --save '' --enable-debug-command yes
  scripts/differential_fuzz.py --redis 7650 --mnemos 7656 --replica-port 7713 --seeds 1-50

On a divergence the full stream is saved to --out-dir (default /tmp) as fuzz-SEED.jsonl. The
fuzzer FLUSHALLs both servers and resets the thresholds it changes before each seed; it never uses
relative TTLs under 100 s, so no reply depends on timing.
"""
import argparse
import json
import os
import random
import socket
import sys
import time

# ---------------------------------------------------------------- RESP

class Conn:
    def __init__(self, port, host="127.0.0.1", resp3=False):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        if resp3:
            self.call("HELLO", "3")

    def send(self, args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def _line(self, pos):
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill()

    def _parse(self, pos):
        """Returns (value, end): value is (type, payload), arrays hold a list of values."""
        end = self._line(pos)
        t = self.buf[pos:pos + 1]
        line = self.buf[pos + 1:end]
        if t in (b"+", b"-", b":", b",", b"#", b"("):
            return (t, line), end + 2
        if t == b"_":
            return (t, None), end + 2
        if t in (b"$", b"=", b"!"):
            n = int(line)
            if n < 0:
                return (t, None), end + 2
            while len(self.buf) < end + 2 + n + 2:
                self._fill()
            return (t, self.buf[end + 2:end + 2 + n]), end + 2 + n + 2
        if t in (b"*", b"~", b">", b"%", b"|"):
            n = int(line)
            if n < 0:
                return (t, None), end + 2
            items = []
            p = end + 2
            for _ in range(2 * n if t in (b"%", b"|") else n):
                v, p = self._parse(p)
                items.append(v)
            if t == b"|":  # an attribute precedes the value it annotates
                v, p = self._parse(p)
                return (t, (items, v)), p
            return (t, items), p
        raise ValueError("bad RESP type %r in %r" % (t, self.buf[pos:pos + 80]))

    def read(self):
        v, end = self._parse(0)
        raw = self.buf[:end]
        self.buf = self.buf[end:]
        return raw, v

    def call(self, *args):
        self.send(list(args))
        return self.read()


def encode(v):
    t, p = v
    if t == b"|":
        items, value = p
        return b"|%d\r\n" % (len(items) // 2) + b"".join(encode(x) for x in items) + encode(value)
    if t in (b"*", b"~", b">", b"%"):
        if p is None:
            return t + b"-1\r\n"
        n = len(p) // 2 if t == b"%" else len(p)
        return t + b"%d\r\n" % n + b"".join(encode(x) for x in p)
    if t in (b"$", b"=", b"!"):
        return t + b"-1\r\n" if p is None else t + b"%d\r\n%s\r\n" % (len(p), p)
    if t == b"_":
        return b"_\r\n"
    return t + p + b"\r\n"

# ---------------------------------------------------------------- reply views

def view(mode, v):
    """The part of reply v that must match, given how the command's reply may legitimately differ."""
    t, p = v
    if t == b"-" or mode == "exact":
        return encode(v)
    if mode == "sorted" and t in (b"*", b"~") and p is not None:
        return t + b"sorted" + b"|".join(sorted(encode(x) for x in p))
    if mode == "pairs" and t in (b"*", b"%") and p is not None:
        pairs = [encode(p[i]) + encode(p[i + 1]) for i in range(0, len(p) - 1, 2)]
        return t + b"pairs" + b"|".join(sorted(pairs))
    if mode in ("scan", "scanpairs") and t == b"*" and p is not None and len(p) == 2:
        return encode(p[0]) + view("pairs" if mode == "scanpairs" else "sorted", p[1])
    if mode == "shape":
        if t in (b"*", b"~", b"%"):
            return t + (b"nil" if p is None else b"%d:" % len(p) + b"".join(x[0] for x in p))
        if t == b"$":
            return b"$nil" if p is None else b"$bulk"
        return encode(v)
    if mode == "type":
        return t
    if mode == "ttl" and t == b":":
        return b":positive" if int(p) > 0 else encode(v)
    if mode == "dump":
        return b"$nil" if p is None else b"$payload"
    return encode(v)

# ---------------------------------------------------------------- command generator

KEYS = ["a", "b", "c", "d", "e", "f", "g", "s1", "z1", "z2", "z3", "p1", "x1", "x2"]
# The keys each family prefers, so that most commands meet a value of their type (the rest collide).
PREFERRED = {
    "strings": ["a", "b", "p1"], "bitmaps": ["a", "b"], "hll": ["p1", "a"], "lists": ["c", "d"],
    "hashes": ["e", "f"], "sets": ["g", "s1"], "zsets": ["z1", "z2", "z3"], "geo": ["z3", "z2"],
    "sort": ["c", "d", "g", "s1", "z1"], "streams": ["x1", "x2"], "groups": ["x1", "x2"],
}
WKEYS = ["w_1", "w_2", "w_3", "w_a", "w_b", "h_1", "h_a"]
MEMBERS = ["1", "2", "3", "10", "-1", "7", "a", "b", "c", "d", "x", "yy", "100000", "9999999999",
           "1.5", "m" * 70]
VALUES = ["", "0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808", "12345678901",
          "3.5", "1e3", "inf", "nan", "abc", "hello world", "x" * 70, "007", " 1", "-0"]
INTS = ["0", "1", "-1", "2", "3", "5", "-3", "10", "100", "-100", "9223372036854775807",
        "-9223372036854775808", "abc", "1.5", ""]
FLOATS = ["0", "1", "-1", "1.5", "-2.25", "0.1", "1e3", "3.0e3", "inf", "-inf", "+inf", "nan", "abc",
          "1e400", "123456789.123", "5"]
SCORES = ["0", "1", "2", "-1", "1.5", "3", "10", "inf", "-inf", "+inf", "nan", "abc", "1e308", "2"]
GARBAGE = ["abc", "", "-1", "0", "1.5", "9223372036854775808", "nan", "xyz", "-9999999999999999999",
           "1e400", "NX", "WITHSCORES"]

CONFIGS = {
    "list-max-listpack-size": ["-2", "-1", "2", "4", "8", "128"],
    "hash-max-listpack-entries": ["2", "4", "8", "128"],
    "hash-max-listpack-value": ["4", "8", "64"],
    "set-max-intset-entries": ["2", "4", "8", "512"],
    "zset-max-listpack-entries": ["2", "4", "8", "128"],
    "zset-max-listpack-value": ["4", "8", "64"],
}
CONFIG_DEFAULTS = {
    "list-max-listpack-size": "-2", "hash-max-listpack-entries": "128", "hash-max-listpack-value": "64",
    "set-max-intset-entries": "512", "zset-max-listpack-entries": "128", "zset-max-listpack-value": "64",
}


class Gen:
    def __init__(self, rnd):
        self.r = rnd

    pref = None

    def key(self):
        x = self.r.random()
        if self.pref and x < 0.75:
            return self.r.choice(self.pref)
        return self.r.choice(KEYS) if x < 0.95 else self.r.choice(WKEYS)

    def keys(self, lo=1, hi=3):
        return [self.key() for _ in range(self.r.randint(lo, hi))]

    def mem(self):
        return self.r.choice(MEMBERS)

    def mems(self, lo=1, hi=4):
        return [self.mem() for _ in range(self.r.randint(lo, hi))]

    def val(self):
        return self.r.choice(VALUES) if self.r.random() < 0.8 else self.mem()

    def i(self, lo=-5, hi=10):
        return str(self.r.randint(lo, hi)) if self.r.random() < 0.9 else self.r.choice(INTS)

    def f(self):
        return self.r.choice(FLOATS)

    def score(self):
        return self.r.choice(SCORES) if self.r.random() < 0.3 else str(self.r.randint(-3, 12))

    def opt(self, p, *toks):
        return list(toks) if self.r.random() < p else []

    def ttl_opt(self):
        c = self.r.random()
        if c < 0.25:
            return ["EX", str(self.r.randint(100, 100000))]
        if c < 0.4:
            return ["PX", str(self.r.randint(100000, 10000000))]
        # No past EXAT/PXAT here: Redis 7.0's SET keeps such a key until active expiry reaps it,
        # so DBSIZE would depend on when each server's expire cycle runs.
        if c < 0.5:
            return ["EXAT", self.r.choice(["4000000000", "4100000000"])]
        if c < 0.55:
            return ["PXAT", self.r.choice(["4000000000000", "4000000000001"])]
        if c < 0.62:
            return ["KEEPTTL"]
        if c < 0.66:
            return [self.r.choice(["EX", "PX"]), self.r.choice(["0", "-1", "abc", "9223372036854775807"])]
        return []

    def score_range(self):
        def one():
            c = self.r.random()
            if c < 0.15:
                return self.r.choice(["-inf", "+inf", "inf"])
            s = str(self.r.randint(-2, 12))
            return "(" + s if c < 0.35 else s
        return one(), one()

    def lex_range(self):
        def one():
            c = self.r.random()
            if c < 0.2:
                return self.r.choice(["-", "+"])
            if c < 0.25:
                return self.r.choice(["a", "bad"])
            return self.r.choice(["[", "("]) + self.mem()
        return one(), one()

    def limit(self):
        return ["LIMIT", self.i(-1, 3), self.i(-1, 5)] if self.r.random() < 0.3 else []

    # Each generator returns (argv, mode) or a list of those (several commands in a row).

    def strings(self):
        r, k = self.r, self.key()
        c = r.randint(0, 24)
        if c == 0:
            return ["SET", k, self.val()] + self.opt(0.2, r.choice(["NX", "XX"])) + self.ttl_opt() \
                + self.opt(0.1, "GET"), "exact"
        if c == 1:
            return ["GET", k], "exact"
        if c == 2:
            return ["APPEND", k, self.val()], "exact"
        if c == 3:
            off = r.choice([str(r.randint(0, 40)), str(r.randint(0, 200)), "-1", "536870912", "abc"])
            return ["SETRANGE", k, off, r.choice(["", "xy", "hello", "7"])], "exact"
        if c == 4:
            return ["GETRANGE", k, self.i(-10, 20), self.i(-10, 20)], "exact"
        if c == 5:
            return [r.choice(["INCR", "DECR"]), k], "exact"
        if c == 6:
            return [r.choice(["INCRBY", "DECRBY"]), k, r.choice(INTS)], "exact"
        if c == 7:
            return ["INCRBYFLOAT", k, self.f()], "exact"
        if c == 8:
            ex = r.choice([["EX", str(r.randint(100, 9999))], ["PX", "500000"], ["PERSIST"], [],
                           ["EXAT", "1"], ["PXAT", "4000000000000"], ["EX", "0"], ["EX", "abc"]])
            return ["GETEX", k] + ex, "exact"
        if c == 9:
            return ["GETDEL", k], "exact"
        if c == 10:
            return ["GETSET", k, self.val()], "exact"
        if c == 11:
            return ["STRLEN", k], "exact"
        if c == 12:
            a = ["LCS", k, self.key()]
            a += self.opt(0.3, "LEN")
            a += self.opt(0.4, "IDX")
            a += self.opt(0.3, "MINMATCHLEN", self.i(0, 3))
            a += self.opt(0.3, "WITHMATCHLEN")
            return a, "exact"
        if c == 13:
            kv = []
            for _ in range(r.randint(1, 3)):
                kv += [self.key(), self.val()]
            return [r.choice(["MSET", "MSETNX"])] + kv, "exact"
        if c == 14:
            return ["MGET"] + self.keys(1, 4), "exact"
        if c == 15:
            return ["SETNX", k, self.val()], "exact"
        if c == 16:
            return [r.choice(["SETEX", "PSETEX"]), k, r.choice(["200000", "100000", "0", "-5", "abc"]),
                    self.val()], "exact"
        if c == 17:
            return ["SUBSTR", k, self.i(-3, 5), self.i(-3, 10)], "exact"
        if c == 18:
            return ["SET", r.choice(WKEYS), str(r.randint(-3, 20))], "exact"
        if c == 19:
            return ["SET", k, r.choice(["1", "12", "123456", "-7", "hello", "x" * 50])], "exact"
        return ["SET", k, self.val()], "exact"

    def lists(self):
        r, k = self.r, self.key()
        c = r.randint(0, 20)
        if c <= 3:
            return [r.choice(["LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]), k] + self.mems(1, 5), "exact"
        if c == 4:
            return [r.choice(["LPOP", "RPOP"]), k] + self.opt(0.5, self.i(-1, 4)), "exact"
        if c == 5:
            return ["LRANGE", k, self.i(-6, 3), self.i(-3, 8)], "exact"
        if c == 6:
            return ["LINDEX", k, self.i(-6, 6)], "exact"
        if c == 7:
            return ["LSET", k, self.i(-4, 4), self.mem()], "exact"
        if c == 8:
            return ["LINSERT", k, r.choice(["BEFORE", "AFTER", "MIDDLE"]), self.mem(), self.mem()], "exact"
        if c == 9:
            return ["LREM", k, self.i(-2, 2), self.mem()], "exact"
        if c == 10:
            return ["LTRIM", k, self.i(-6, 3), self.i(-3, 8)], "exact"
        if c == 11:
            a = ["LPOS", k, self.mem()]
            a += self.opt(0.4, "RANK", r.choice(["1", "-1", "2", "-2", "0"]))
            a += self.opt(0.4, "COUNT", r.choice(["0", "1", "2", "-1"]))
            a += self.opt(0.3, "MAXLEN", r.choice(["0", "1", "3"]))
            return a, "exact"
        if c == 12:
            return ["LMOVE", k, self.key(), r.choice(["LEFT", "RIGHT"]), r.choice(["LEFT", "RIGHT"])], "exact"
        if c == 13:
            return ["RPOPLPUSH", k, self.key()], "exact"
        if c == 14:
            ks = self.keys(1, 3)
            return ["LMPOP", str(len(ks))] + ks + [r.choice(["LEFT", "RIGHT"])] \
                + self.opt(0.5, "COUNT", self.i(0, 4)), "exact"
        if c == 15:
            return ["LLEN", k], "exact"
        return ["RPUSH", k] + self.mems(1, 3), "exact"

    def hashes(self):
        r, k = self.r, self.key()
        c = r.randint(0, 18)
        if c <= 3:
            fv = []
            for _ in range(r.randint(1, 3)):
                fv += [self.mem(), self.val()]
            return [r.choice(["HSET", "HSET", "HMSET"]), k] + fv, "exact"
        if c == 4:
            return ["HSETNX", k, self.mem(), self.val()], "exact"
        if c == 5:
            return ["HGET", k, self.mem()], "exact"
        if c == 6:
            return ["HMGET", k] + self.mems(), "exact"
        if c == 7:
            return ["HDEL", k] + self.mems(), "exact"
        if c == 8:
            return [r.choice(["HLEN", "HSTRLEN"]), k] + ([self.mem()] if r.random() < 0.5 else []), "exact"
        if c == 9:
            return ["HINCRBY", k, self.mem(), r.choice(INTS)], "exact"
        if c == 10:
            return ["HINCRBYFLOAT", k, self.mem(), self.f()], "exact"
        if c == 11:
            return ["HEXISTS", k, self.mem()], "exact"
        if c == 12:
            return [r.choice(["HKEYS", "HVALS"]), k], "sorted"
        if c == 13:
            return ["HGETALL", k], "pairs"
        if c == 14:
            return ["HRANDFIELD", k] + self.opt(0.6, self.i(-3, 5)) + self.opt(0.3, "WITHVALUES"), "shape"
        if c == 15:
            return ["HSCAN", k, "0", "COUNT", "1000"] + self.opt(0.2, "MATCH", r.choice(["*", "a*", "1*"])), \
                "scanpairs"
        if c == 16:
            return ["HSET", r.choice(["h_1", "h_a"]), "f", str(r.randint(-5, 20))], "exact"
        return ["HSET", k, self.mem(), self.val()], "exact"

    def sid(self):
        """A stream ID near the small range the fuzzer adds in (explicit IDs: '*' reads the clock)."""
        r = self.r
        x = r.random()
        if x < 0.1:
            return r.choice(["-", "+", "0", "abc", "1-*", "18446744073709551615-18446744073709551615"])
        return "%d-%d" % (r.randint(0, 60), r.randint(0, 3)) if x < 0.8 else str(r.randint(0, 60))

    def streams(self):
        r, k = self.r, self.key()
        c = r.randint(0, 14)
        if c <= 4:
            trim = []
            if r.random() < 0.2:
                trim = [r.choice(["MAXLEN", "MINID"])] + self.opt(0.6, r.choice(["~", "="]))
                trim += [str(r.randint(0, 8)) if trim[0] == "MAXLEN" else self.sid()]
            fv = []
            for _ in range(r.randint(1, 3)):
                fv += [r.choice(["f", "g", self.mem()]), self.val()]
            return ["XADD", k] + self.opt(0.1, "NOMKSTREAM") + trim + [self.sid()] + fv, "exact"
        if c == 5:
            return ["XDEL", k] + [self.sid() for _ in range(r.randint(1, 3))], "exact"
        if c == 6:
            return ["XTRIM", k, r.choice(["MAXLEN", "MINID"])] + self.opt(0.5, r.choice(["~", "="])) \
                + [str(r.randint(0, 8)) if r.random() < 0.5 else self.sid()], "exact"
        if c <= 9:
            cmd = r.choice(["XRANGE", "XREVRANGE"])
            lo, hi = ("-", "+") if cmd == "XRANGE" else ("+", "-")
            return [cmd, k, self.sid() if r.random() < 0.5 else lo, self.sid() if r.random() < 0.5 else hi] \
                + self.opt(0.4, "COUNT", self.i(-1, 5)), "exact"
        if c == 10:
            return ["XLEN", k], "exact"
        if c == 11:
            return ["XREAD"] + self.opt(0.4, "COUNT", self.i(0, 4)) + ["STREAMS", k, self.sid()], "exact"
        if c == 12:
            return ["XSETID", k, self.sid()] + self.opt(0.3, "ENTRIESADDED", str(r.randint(0, 80))) \
                + self.opt(0.3, "MAXDELETEDID", self.sid()), "exact"
        if c == 13:
            return ["XINFO", "STREAM", k], "exact"
        return ["XADD", r.choice(["x1", "x2"]), "%d-*" % r.randint(0, 60), "f", self.val()], "exact"

    def groups(self):
        """Consumer groups (only with a replica: each server stamps deliveries with its own clock,
        so their DUMPs differ from Redis's; min-idle-time 0 keeps claims clock-independent)."""
        r, k = self.r, self.key()
        g = r.choice(["g1", "g2"])
        cons = r.choice(["c1", "c2", "c3"])
        c = r.randint(0, 14)
        if c <= 1:
            return ["XGROUP", "CREATE", k, g, r.choice(["0", "$", self.sid()])] + self.opt(0.4, "MKSTREAM") \
                + self.opt(0.2, "ENTRIESREAD", str(r.randint(0, 20))), "exact"
        if c == 2:
            return ["XGROUP", "SETID", k, g, r.choice(["0", "$", self.sid()])] \
                + self.opt(0.2, "ENTRIESREAD", str(r.randint(0, 20))), "exact"
        if c == 3:
            return ["XGROUP", r.choice(["DESTROY", "CREATECONSUMER", "DELCONSUMER"]), k, g] \
                + ([] if r.random() < 0.3 else [cons]), "exact"
        if c <= 7:
            # Only '>': a read of the consumer's history counts a delivery Redis 7.0 does not
            # propagate (its replicas diverge too).
            return ["XREADGROUP", "GROUP", g, cons] + self.opt(0.5, "COUNT", str(r.randint(1, 4))) \
                + self.opt(0.2, "NOACK") + ["STREAMS", k, ">"], "exact"
        if c == 8:
            return ["XACK", k, g] + [self.sid() for _ in range(r.randint(1, 3))], "exact"
        if c <= 10:
            return ["XCLAIM", k, g, cons, "0"] + [self.sid() for _ in range(r.randint(1, 3))] \
                + self.opt(0.3, "JUSTID") + self.opt(0.2, "FORCE") \
                + self.opt(0.2, "RETRYCOUNT", str(r.randint(0, 5))) + self.opt(0.2, "LASTID", self.sid()), "exact"
        if c == 11:
            return ["XAUTOCLAIM", k, g, cons, "0", r.choice(["0", "0-0", self.sid()])] \
                + self.opt(0.4, "COUNT", str(r.randint(1, 4))) + self.opt(0.3, "JUSTID"), "exact"
        if c == 12:
            return ["XPENDING", k, g], "exact"
        if c == 13:
            return ["XINFO", "GROUPS", k], "exact"
        return ["XADD", k, self.sid(), "f", self.val()], "exact"

    def sets(self):
        r, k = self.r, self.key()
        c = r.randint(0, 18)
        if c <= 3:
            return ["SADD", k] + self.mems(1, 5), "exact"
        if c == 4:
            return ["SREM", k] + self.mems(), "exact"
        if c == 5:
            return [r.choice(["SCARD", "SMEMBERS"]), k], "sorted"
        if c == 6:
            return ["SISMEMBER", k, self.mem()], "exact"
        if c == 7:
            return ["SMISMEMBER", k] + self.mems(), "exact"
        if c == 8:
            return [r.choice(["SINTER", "SUNION", "SDIFF"])] + self.keys(1, 3), "sorted"
        if c == 9:
            return [r.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), self.key()] + self.keys(1, 3), "exact"
        if c == 10:
            ks = self.keys(1, 3)
            return ["SINTERCARD", str(len(ks))] + ks + self.opt(0.4, "LIMIT", self.i(0, 3)), "exact"
        if c == 11:
            return ["SMOVE", k, self.key(), self.mem()], "exact"
        if c == 12:
            # Only counts that empty the set: the popped members are the same, in some order.
            return ["SPOP", k, r.choice(["100", "1000"])], "sorted"
        if c == 13:
            return ["SRANDMEMBER", k] + self.opt(0.7, self.i(-4, 5)), "shape"
        if c == 14:
            return ["SSCAN", k, "0", "COUNT", "1000"] + self.opt(0.2, "MATCH", r.choice(["*", "1*", "a*"])), "scan"
        if c == 15:
            return ["SADD", k] + [str(r.randint(-3, 12)) for _ in range(r.randint(1, 4))], "exact"
        return ["SADD", k, self.mem()], "exact"

    def zsets(self):
        r, k = self.r, self.key()
        c = r.randint(0, 34)
        if c <= 4:
            a = ["ZADD", k]
            a += self.opt(0.15, r.choice(["NX", "XX"]))
            a += self.opt(0.15, r.choice(["GT", "LT"]))
            a += self.opt(0.2, "CH")
            if r.random() < 0.1:
                return a + ["INCR", self.score(), self.mem()], "exact"
            for _ in range(r.randint(1, 4)):
                a += [self.score(), self.mem()]
            return a, "exact"
        if c == 5:
            return ["ZINCRBY", k, self.score(), self.mem()], "exact"
        if c == 6:
            return ["ZREM", k] + self.mems(), "exact"
        if c == 7:
            return [r.choice(["ZCARD"]), k], "exact"
        if c == 8:
            return ["ZSCORE", k, self.mem()], "exact"
        if c == 9:
            return ["ZMSCORE", k] + self.mems(), "exact"
        if c == 10:
            return [r.choice(["ZRANK", "ZREVRANK"]), k, self.mem()], "exact"
        if c == 11:
            lo, hi = self.score_range()
            return ["ZCOUNT", k, lo, hi], "exact"
        if c == 12:
            lo, hi = self.lex_range()
            return ["ZLEXCOUNT", k, lo, hi], "exact"
        if c in (13, 14):
            kind = r.choice(["rank", "score", "lex"])
            rev = r.random() < 0.3
            if kind == "rank":
                if r.random() < 0.3:
                    a = ["ZREVRANGE", k, self.i(-5, 3), self.i(-3, 8)]
                else:
                    a = ["ZRANGE", k, self.i(-5, 3), self.i(-3, 8)] + self.opt(0.3, "REV")
                    a += self.opt(0.1, "LIMIT", "0", "1")
            elif kind == "score":
                lo, hi = self.score_range()
                a = ["ZRANGE", k] + ([hi, lo, "BYSCORE", "REV"] if rev else [lo, hi, "BYSCORE"]) + self.limit()
            else:
                lo, hi = self.lex_range()
                a = ["ZRANGE", k] + ([hi, lo, "BYLEX", "REV"] if rev else [lo, hi, "BYLEX"]) + self.limit()
            a += self.opt(0.4, "WITHSCORES")
            return a, "exact"
        if c == 15:
            lo, hi = self.score_range()
            cmd = r.choice(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])
            if cmd == "ZREVRANGEBYSCORE":
                lo, hi = hi, lo
            return [cmd, k, lo, hi] + self.opt(0.4, "WITHSCORES") + self.limit(), "exact"
        if c == 16:
            lo, hi = self.lex_range()
            cmd = r.choice(["ZRANGEBYLEX", "ZREVRANGEBYLEX"])
            if cmd == "ZREVRANGEBYLEX":
                lo, hi = hi, lo
            return [cmd, k, lo, hi] + self.limit(), "exact"
        if c == 17:
            kind = r.choice(["rank", "score", "lex"])
            if kind == "rank":
                a = ["ZRANGESTORE", self.key(), k, self.i(-5, 3), self.i(-3, 8)] + self.opt(0.3, "REV")
            elif kind == "score":
                lo, hi = self.score_range()
                a = ["ZRANGESTORE", self.key(), k, lo, hi, "BYSCORE"] + self.opt(0.2, "REV") + self.limit()
            else:
                lo, hi = self.lex_range()
                a = ["ZRANGESTORE", self.key(), k, lo, hi, "BYLEX"] + self.opt(0.2, "REV") + self.limit()
            return a, "exact"
        if c == 18:
            return ["ZREMRANGEBYRANK", k, self.i(-4, 2), self.i(-2, 5)], "exact"
        if c == 19:
            lo, hi = self.score_range()
            return ["ZREMRANGEBYSCORE", k, lo, hi], "exact"
        if c == 20:
            lo, hi = self.lex_range()
            return ["ZREMRANGEBYLEX", k, lo, hi], "exact"
        if c == 21:
            return [r.choice(["ZPOPMIN", "ZPOPMAX"]), k] + self.opt(0.5, self.i(-1, 4)), "exact"
        if c == 22:
            ks = self.keys(1, 3)
            return ["ZMPOP", str(len(ks))] + ks + [r.choice(["MIN", "MAX"])] \
                + self.opt(0.5, "COUNT", self.i(0, 3)), "exact"
        if c in (23, 24):
            ks = self.keys(1, 3)
            a = [r.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), self.key(), str(len(ks))] + ks
            if a[0] != "ZDIFFSTORE":
                if r.random() < 0.4:
                    a += ["WEIGHTS"] + [r.choice(["1", "2", "0", "-1", "1.5", "inf", "abc"]) for _ in ks]
                a += self.opt(0.4, "AGGREGATE", r.choice(["SUM", "MIN", "MAX", "AVG"]))
            return a, "exact"
        if c == 25:
            ks = self.keys(1, 3)
            a = [r.choice(["ZUNION", "ZINTER", "ZDIFF"]), str(len(ks))] + ks
            if a[0] != "ZDIFF":
                a += self.opt(0.3, "WEIGHTS", *[r.choice(["1", "2", "-1", "0.5"]) for _ in ks])
                a += self.opt(0.3, "AGGREGATE", r.choice(["SUM", "MIN", "MAX"]))
            return a + self.opt(0.5, "WITHSCORES"), "exact"
        if c == 26:
            ks = self.keys(1, 3)
            return ["ZINTERCARD", str(len(ks))] + ks + self.opt(0.3, "LIMIT", self.i(0, 3)), "exact"
        if c == 27:
            return ["ZRANDMEMBER", k] + self.opt(0.7, self.i(-4, 5)) + self.opt(0.3, "WITHSCORES"), "shape"
        if c == 28:
            return ["ZSCAN", k, "0", "COUNT", "1000"], "scanpairs"
        if c == 29:
            # same score, many members: lex order and BYLEX
            return ["ZADD", k] + sum([["0", self.mem()] for _ in range(r.randint(1, 4))], []), "exact"
        return ["ZADD", k, self.score(), self.mem()], "exact"

    def bitmaps(self):
        r, k = self.r, self.key()
        c = r.randint(0, 12)
        if c <= 2:
            return ["SETBIT", k, r.choice([str(r.randint(0, 100)), str(r.randint(0, 600)), "-1",
                                           "4294967296", "abc"]), r.choice(["0", "1", "1", "2"])], "exact"
        if c == 3:
            return ["GETBIT", k, str(r.randint(0, 120))], "exact"
        if c == 4:
            a = ["BITCOUNT", k]
            if r.random() < 0.6:
                a += [self.i(-5, 10), self.i(-5, 20)] + self.opt(0.5, r.choice(["BYTE", "BIT"]))
            return a, "exact"
        if c == 5:
            a = ["BITPOS", k, r.choice(["0", "1", "2"])]
            if r.random() < 0.6:
                a += [self.i(-5, 10)]
                if r.random() < 0.6:
                    a += [self.i(-5, 20)] + self.opt(0.5, r.choice(["BYTE", "BIT"]))
            return a, "exact"
        if c == 6:
            op = r.choice(["AND", "OR", "XOR", "NOT"])
            srcs = [self.key()] if op == "NOT" and r.random() < 0.9 else self.keys(1, 3)
            return ["BITOP", op, self.key()] + srcs, "exact"
        if c in (7, 8):
            a = [r.choice(["BITFIELD", "BITFIELD", "BITFIELD_RO"]), k]
            for _ in range(r.randint(1, 3)):
                t = r.choice(["u8", "i8", "u4", "i16", "u1", "i64", "u63", "u64", "i5", "x8"])
                off = r.choice([str(r.randint(0, 40)), "#" + str(r.randint(0, 5)), "-1"])
                op = r.random()
                if op < 0.3:
                    a += ["GET", t, off]
                elif op < 0.6:
                    a += ["SET", t, off, self.i(-200, 300)]
                elif op < 0.85:
                    a += ["INCRBY", t, off, self.i(-200, 300)]
                else:
                    # With a replica, no FAIL: a BITFIELD whose every write fails still pads the
                    # string, and Redis 7.0 does not propagate it (its own replicas diverge too).
                    a += ["OVERFLOW", r.choice(["WRAP", "SAT", "SAT" if self.replica else "FAIL", "BAD"])]
            return a, "exact"
        return ["SETBIT", k, str(r.randint(0, 64)), "1"], "exact"

    def hll(self):
        r, k = self.r, self.key()
        c = r.randint(0, 5)
        if c <= 2:
            els = self.mems(0, 6)
            if r.random() < 0.2:
                els += ["e%d" % r.randint(0, 3000) for _ in range(r.randint(10, 200))]
            return ["PFADD", k] + els, "exact"
        if c == 3:
            return ["PFCOUNT"] + self.keys(1, 3), "exact"
        if c == 4:
            return ["PFMERGE", self.key()] + self.keys(0, 3), "exact"
        return ["PFADD", k, self.mem()], "exact"

    def geo(self):
        r, k = self.r, self.key()
        c = r.randint(0, 12)

        def lonlat():
            if r.random() < 0.05:
                return [r.choice(["181", "-200", "abc"]), r.choice(["86", "0"])]
            return ["%.4f" % (13 + r.random()), "%.4f" % (38 + r.random())]
        if c <= 2:
            a = ["GEOADD", k] + self.opt(0.15, r.choice(["NX", "XX"])) + self.opt(0.15, "CH")
            for _ in range(r.randint(1, 3)):
                a += lonlat() + [self.mem()]
            return a, "exact"
        if c == 3:
            return ["GEOPOS", k] + self.mems(), "exact"
        if c == 4:
            return ["GEODIST", k, self.mem(), self.mem()] + self.opt(0.5, r.choice(["m", "km", "mi", "ft"])), "exact"
        if c == 5:
            return ["GEOHASH", k] + self.mems(), "exact"
        if c in (6, 7, 8):
            store = c == 8
            a = ["GEOSEARCHSTORE", self.key(), k] if store else ["GEOSEARCH", k]
            a += ["FROMMEMBER", self.mem()] if r.random() < 0.5 else ["FROMLONLAT"] + lonlat()
            if r.random() < 0.5:
                a += ["BYRADIUS", str(r.choice([10, 50, 100, 200])), "km"]
            else:
                a += ["BYBOX", str(r.choice([50, 100, 300])), str(r.choice([50, 100, 300])), "km"]
            order = r.choice(["ASC", "DESC", None])
            if order:
                a.append(order)
            if r.random() < 0.3:
                a += ["COUNT", str(r.randint(1, 3))] + self.opt(0.3, "ANY")
            if store:
                a += self.opt(0.4, "STOREDIST")
            else:
                a += self.opt(0.3, "WITHDIST") + self.opt(0.3, "WITHCOORD") + self.opt(0.2, "WITHHASH")
            # Ties in distance (and ANY) leave the order, or the chosen members, unspecified.
            mode = "exact" if store else "sorted"
            if "ANY" in a or ("COUNT" in a and not store):
                mode = "shape"
            if store and ("ANY" in a or "COUNT" in a):
                return None
            return a, mode
        if c >= 9:
            return self.georadius(k, lonlat)
        return ["GEOADD", k] + lonlat() + [self.mem()], "exact"

    def georadius(self, k, lonlat):
        """GEORADIUS and GEORADIUSBYMEMBER (older clients' and Spring Data Redis's geo queries)."""
        r = self.r
        bymember = r.random() < 0.5
        name = "GEORADIUSBYMEMBER" if bymember else "GEORADIUS"
        ro = r.random() < 0.3
        a = [name + ("_RO" if ro else ""), k] + ([self.mem()] if bymember else lonlat())
        a += [str(r.choice([10, 50, 100, 200, -1])), r.choice(["km", "m", "mi", "ft", "parsec"])]
        a += self.opt(0.3, "WITHDIST") + self.opt(0.3, "WITHCOORD") + self.opt(0.2, "WITHHASH")
        order = r.choice(["ASC", "DESC", None])
        if order:
            a.append(order)
        if r.random() < 0.3:
            a += ["COUNT", r.choice(["1", "2", "3", "0", "-1"])] + self.opt(0.3, "ANY")
        store = not ro and r.random() < 0.3
        if store:
            a += [r.choice(["STORE", "STOREDIST"]), self.key()]
        # Ties in distance (and ANY) leave the order, or the chosen members, unspecified.
        if store and ("ANY" in a or "COUNT" in a):
            return None
        if "ANY" in a or "COUNT" in a:
            return a, "shape"
        return a, "exact" if store else "sorted"

    def sort(self):
        r, k = self.r, self.key()
        a = ["SORT", k]
        by = r.random()
        if by < 0.2:
            a += ["BY", "w_*"]
        elif by < 0.3:
            a += ["BY", "h_*->f"]
        if r.random() < 0.3:
            a += ["LIMIT", self.i(-1, 3), self.i(-1, 5)]
        for _ in range(r.choice([0, 0, 1, 2])):
            a += ["GET", r.choice(["#", "w_*", "h_*->f", "nokey_*"])]
        a += self.opt(0.3, r.choice(["ASC", "DESC"]))
        # With BY and ALPHA Redis leaves ties unbroken (set and zset input comes in hash order).
        if "BY" not in a:
            a += self.opt(0.4, "ALPHA")
        if r.random() < 0.4:
            a += ["STORE", self.key()]
        return a, "exact"

    def keyspace(self):
        r, k = self.r, self.key()
        c = r.randint(0, 30)
        if c <= 1:
            return [r.choice(["DEL", "UNLINK", "EXISTS", "TOUCH"])] + self.keys(1, 3), "exact"
        if c == 2:
            return ["TYPE", k], "exact"
        if c == 3:
            return ["COPY", k, self.key()] + self.opt(0.3, "DB", r.choice(["0", "1", "2", "16", "x"])) \
                + self.opt(0.4, "REPLACE"), "exact"
        if c == 4:
            return [r.choice(["RENAME", "RENAMENX"]), k, self.key()], "exact"
        if c == 5:
            return ["MOVE", k, r.choice(["0", "1", "2", "99", "abc"])], "exact"
        if c == 6:
            return ["SWAPDB", r.choice(["0", "1", "2"]), r.choice(["0", "1", "2", "x"])], "exact"
        if c == 7:
            return ["SELECT", r.choice(["0", "0", "1", "2"])], "exact"
        if c in (8, 9):
            cmd = r.choice(["EXPIRE", "PEXPIRE"])
            unit = 1000 if cmd == "PEXPIRE" else 1  # at least 100 s either way
            v = r.choice([str(r.randint(100, 100000) * unit), str(r.randint(100000, 9999999) * unit), "0", "-1",
                          "9223372036854775807", "9223372036854775", "-9223372036854775808", "abc"])
            return [cmd, k, v] + self.opt(0.3, r.choice(["NX", "XX", "GT", "LT", "BAD"])), "exact"
        if c == 10:
            cmd = r.choice(["EXPIREAT", "PEXPIREAT"])
            v = r.choice(["1", "100", "4000000000", "4000000000000", "9223372036854775807", "-1"])
            return [cmd, k, v] + self.opt(0.3, r.choice(["NX", "XX", "GT", "LT"])), "exact"
        if c == 11:
            return ["PERSIST", k], "exact"
        if c == 12:
            return [r.choice(["TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"]), k], "ttl"
        if c == 13:
            return ["OBJECT", "ENCODING", k], "exact"
        if c == 14:
            return ["DBSIZE"], "exact"
        if c == 15:
            return ["RANDOMKEY"], "shape"
        if c == 16:
            return ["KEYS", r.choice(["*", "?", "w_*", "[a-c]"])], "sorted"
        if c == 17:
            return ["SCAN", "0", "COUNT", "1000"] + self.opt(0.3, "TYPE", r.choice(
                ["string", "list", "set", "zset", "hash", "none"])), "scan"
        if c == 18:
            return "DUMPRESTORE"
        if c == 19:
            return "CONFIG"
        if c == 20 and r.random() < 0.15:
            return "RELOAD"
        if c == 21:
            return ["SET", k, self.val(), "EX", str(r.randint(100, 5000))], "exact"
        return ["EXISTS", k], "exact"

    replica = False

    def one(self):
        r = self.r
        while True:
            fam = r.choices(
                [self.strings, self.lists, self.hashes, self.sets, self.zsets, self.bitmaps, self.hll,
                 self.geo, self.sort, self.keyspace, self.streams, self.groups],
                weights=[12, 10, 9, 9, 14, 5, 3, 4, 3, 12, 8, 8 if self.replica else 0])[0]
            self.pref = PREFERRED.get(fam.__name__)
            got = fam()
            if got is None:
                continue
            if isinstance(got, str):
                return got
            cmd, mode = got
            if cmd[0] == "SPOP":
                return cmd, mode  # a garbled count would pop members chosen at random
            if r.random() < 0.03 and len(cmd) > 1:
                # Garble an argument: wrong numbers, options in the wrong place.
                cmd = list(cmd)
                cmd[r.randrange(1, len(cmd))] = r.choice(GARBAGE)
            if r.random() < 0.01:
                cmd = cmd[:r.randrange(1, len(cmd) + 1)]  # wrong arity
            if cmd[0] == "SORT" and "BY" in cmd[:-1] and "*" not in cmd[cmd.index("BY") + 1] \
                    and "STORE" not in cmd:
                # BY without '*' does not sort: a set comes out in hash-table order.
                mode = "shape" if "LIMIT" in cmd else "sorted"
            scan_cursor = 1 if cmd[0] == "SCAN" else 2
            if cmd[0].endswith("SCAN") and (len(cmd) <= scan_cursor or cmd[scan_cursor] != "0"
                                            or "1000" not in cmd):
                # Another cursor, or a smaller COUNT, visits only some buckets: which keys sit
                # there depends on each server's hash seed.
                mode = "type"
                if cmd[0] == "SCAN" and "TYPE" in cmd[:-1]:
                    # TYPE looks each visited key up, a keyspace hit each: seed-dependent too.
                    at = cmd.index("TYPE")
                    cmd = cmd[:at] + cmd[at + 2:]
            return cmd, mode

# ---------------------------------------------------------------- the run

# Runs the commands in ARGV (each a count, then that many arguments) with redis.pcall, returning
# how many ran: replies converted to Lua and back are not compared.
SCRIPT_BATCH = """local i, n = 1, 0
while i <= #ARGV do
  local c = tonumber(ARGV[i])
  redis.pcall(unpack(ARGV, i + 1, i + c))
  i, n = i + c + 1, n + 1
end
return n"""


class Divergence(Exception):
    pass


def lex_source(argv):
    """The sorted set a lex-range command reads, or None if argv is not one."""
    name = argv[0].upper()
    if name in ("ZLEXCOUNT", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREMRANGEBYLEX") and len(argv) > 1:
        return argv[1]
    if name == "ZRANGE" and "BYLEX" in argv and len(argv) > 1:
        return argv[1]
    if name == "ZRANGESTORE" and "BYLEX" in argv and len(argv) > 2:
        return argv[2]
    return None


class Pair:
    """One connection per server for the stream, and one per server for the state checks; with a
    replica port, one more to the redis-server replicating Mnemos."""

    def __init__(self, rport, mport, replica_port=None, resp3=False, getkeys=False, stats=False, memory=False):
        self.rport, self.mport = rport, mport
        self.getkeys = getkeys
        self.stats = stats
        self.memory = memory
        self.r, self.m = Conn(rport, resp3=resp3), Conn(mport, resp3=resp3)
        self.rc, self.mc = Conn(rport), Conn(mport)
        self.rep = Conn(replica_port) if replica_port else None

    def close(self):
        for c in (self.r, self.m, self.rc, self.mc, self.rep):
            if c:
                c.sock.close()


# Fields of XINFO STREAM FULL a Redis 7.0 replica of Redis does not reproduce either: when a
# consumer was last seen (the replica's clock), and a group's entries-read and lag (an XREADGROUP
# propagates as XCLAIMs, which do not carry the read counter).
UNREPLICATED = {b"seen-time", b"entries-read", b"lag"}


def idle_consumer(v):
    """A consumer without pending entries: one XREADGROUP created and Redis 7.0 did not propagate."""
    t, p = v
    if t != b"*" or p is None or (b"$", b"seen-time") not in p:
        return False
    i = p.index((b"$", b"pel-count"))
    return p[i + 1] == (b":", b"0")


def without_unreplicated(v):
    """RESP value v with the value after every UNREPLICATED field blanked, idle consumers left out."""
    t, p = v
    if t != b"*" or p is None:
        return encode(v)
    out = []
    for i, x in enumerate(p):
        if idle_consumer(x):
            continue
        blank = i > 0 and p[i - 1][0] == b"$" and p[i - 1][1] in UNREPLICATED
        out.append(b"<time>" if blank else without_unreplicated(x))
    return b"*[" + b",".join(out) + b"]"


def info_fields(conn, section):
    raw = conn.call("INFO", section)[1][1].decode()
    return dict(line.split(":", 1) for line in raw.split("\r\n") if ":" in line)


STATS = ("keyspace_hits", "keyspace_misses", "expired_keys", "evicted_keys", "total_error_replies",
         "total_commands_processed")


def stats_of(conn):
    """The counters --stats compares (INFO commandstats without its timings, INFO keyspace without
    avg_ttl)."""
    out = {k: v for k, v in info_fields(conn, "stats").items() if k in STATS}
    for k, v in info_fields(conn, "commandstats").items():
        fields = dict(x.split("=") for x in v.split(","))
        out[k] = "calls=%s,rejected_calls=%s,failed_calls=%s" % (
            fields["calls"], fields["rejected_calls"], fields["failed_calls"])
    out.update(info_fields(conn, "errorstats"))
    for k, v in info_fields(conn, "keyspace").items():
        out[k] = ",".join(x for x in v.split(",") if not x.startswith("avg_ttl="))
    return out


class Run:
    def __init__(self, pair, verbose=False):
        self.p = pair
        self.getkeys = pair.getkeys
        self.log = []        # the stream: ["cmd", argv, mode] / ["check"] / ...
        self.history = []    # human-readable recent history
        self.verbose = verbose
        self.in_multi = False
        self.db = 0

    def configured(self):
        """The servers CONFIG SET applies to: a replica is configured like its master (a listpack
        and a skiplist keep a -0 score differently), once it applied the stream so far."""
        if self.p.rep:
            self.sync_replica("before CONFIG SET")
        return [c for c in (self.p.rc, self.p.mc, self.p.rep) if c]

    def reset(self):
        for c in (self.p.rc, self.p.mc):
            c.call("FLUSHALL")
            c.call("CONFIG", "RESETSTAT")
        for c in self.configured():
            for name, v in CONFIG_DEFAULTS.items():
                c.call("CONFIG", "SET", name, v)
        for c in (self.p.r, self.p.m):
            c.call("DISCARD")
            c.call("SELECT", "0")
        self.in_multi = False

    def note(self, s):
        self.history.append(s)
        if len(self.history) > 40:
            del self.history[:-40]

    def fail(self, what):
        raise Divergence(what + "\nrecent:\n  " + "\n  ".join(self.history))

    def reset_errno(self):
        """Redis 7.0's SORT reads a stale errno: after a strtod overflow elsewhere (a "1e400" score, say)
        it fails with "One or more scores can't be converted into double" until something clears
        errno. A ZADD XX of a missing key parses a score (clearing errno) and changes nothing."""
        for c in (self.p.rc, self.p.mc):
            c.call("ZADD", "__fuzz_errno__", "XX", "1", "x")

    def cmd(self, argv, mode, log=True):
        if log:
            self.log.append(["cmd", argv, mode])
        if self.getkeys and not self.in_multi:
            self.compare_getkeys(argv)
        if argv[0].upper() in ("SORT", "SORT_RO") and not self.in_multi:
            self.reset_errno()
        self.p.r.send(argv)
        self.p.m.send(argv)
        rr, rv = self.p.r.read()
        mr, mv = self.p.m.read()
        self.note("%s -> %r" % (" ".join(argv)[:200], rr[:200]))
        if argv[0].upper() == "SELECT" and rr == b"+OK\r\n" and not self.in_multi:
            self.db = int(argv[1])
        if argv[0].upper() == "MULTI" and rv[0] == b"+":
            self.in_multi = True
        if argv[0].upper() in ("EXEC", "DISCARD"):
            self.in_multi = False
        if view(mode, rv) != view(mode, mv):
            self.fail("reply differs for %s\n  redis:  %r\n  mnemos: %r" % (argv, rr[:2000], mr[:2000]))
        return rv, mv

    def compare_getkeys(self, argv):
        """COMMAND GETKEYSANDFLAGS of argv: the key positions and key-spec flags ACL key patterns,
        cluster clients and proxies rely on, and its errors for an argv that does not parse."""
        q = ["COMMAND", "GETKEYSANDFLAGS"] + argv
        rr, mr = self.p.rc.call(*q)[0], self.p.mc.call(*q)[0]
        if rr != mr:
            self.fail("COMMAND GETKEYSANDFLAGS differs for %s\n  redis:  %r\n  mnemos: %r" % (argv, rr[:500], mr[:500]))

    def exec_batch(self, items):
        """MULTI, the items, EXEC; EXEC's elements are compared with each item's own view."""
        self.log.append(["multi", items])
        modes = []
        if any(argv[0].upper() in ("SORT", "SORT_RO") for argv, _ in items):
            self.reset_errno()
            # An overflowing score queued before a SORT would leave errno stale for it too.
            reset = [["ZADD", "__fuzz_errno__", "XX", "1", "x"], "exact"]
            items = [x for item in items
                     for x in ([reset, item] if item[0][0].upper() in ("SORT", "SORT_RO") else [item])]
        self.cmd(["MULTI"], "exact", log=False)
        for argv, mode in items:
            self.cmd(argv, "exact", log=False)
            modes.append(mode)
        self.p.r.send(["EXEC"])
        self.p.m.send(["EXEC"])
        rr, rv = self.p.r.read()
        mr, mv = self.p.m.read()
        self.in_multi = False
        self.note("EXEC -> %r" % rr[:300])
        if rv[0] == b"*" and rv[1] is not None and mv[0] == b"*" and mv[1] is not None \
                and len(rv[1]) == len(mv[1]) == len(modes):
            for mode, a, b in zip(modes, rv[1], mv[1]):
                if view(mode, a) != view(mode, b):
                    self.fail("EXEC element differs\n  redis:  %r\n  mnemos: %r" % (rr[:2000], mr[:2000]))
        elif rr != mr:
            self.fail("EXEC differs\n  redis:  %r\n  mnemos: %r" % (rr[:2000], mr[:2000]))

    def config(self, rnd):
        name = rnd.choice(list(CONFIGS))
        v = rnd.choice(CONFIGS[name])
        self.log.append(["config", name, v])
        for c in self.configured():
            c.call("CONFIG", "SET", name, v)
        self.note("CONFIG SET %s %s" % (name, v))

    def dump_restore(self, src, dst, extra):
        """DUMP src and RESTORE it as dst, each server into itself; payloads may differ."""
        self.log.append(["dumprestore", src, dst, extra])
        rr, rv = self.p.r.call("DUMP", src)
        mr, mv = self.p.m.call("DUMP", src)
        self.note("DUMP %s -> %s" % (src, "nil" if rv[1] is None else "payload"))
        if view("dump", rv) != view("dump", mv):
            self.fail("DUMP differs for %s\n  redis:  %r\n  mnemos: %r" % (src, rr[:300], mr[:300]))
        if rv[1] is None:
            return
        rr, _ = self.p.r.call(*(["RESTORE", dst, extra[0], rv[1]] + extra[1:]))
        mr, _ = self.p.m.call(*(["RESTORE", dst, extra[0], mv[1]] + extra[1:]))
        self.note("RESTORE %s %s -> %r" % (dst, " ".join(extra), rr))
        if rr != mr:
            self.fail("RESTORE differs for %s %s\n  redis:  %r\n  mnemos: %r" % (dst, extra, rr, mr))

    def reload(self):
        self.log.append(["reload"])
        self.check("before DEBUG RELOAD")
        for c in (self.p.rc, self.p.mc):
            raw, _ = c.call("DEBUG", "RELOAD")
            if raw != b"+OK\r\n":
                self.fail("DEBUG RELOAD on port %d: %r" % (c.sock.getpeername()[1], raw))
        self.note("DEBUG RELOAD")
        self.check("after DEBUG RELOAD")

    def both(self, *args):
        """A state check's command on both check connections (so both servers count the same
        commands, keyspace hits and misses); Redis's reply."""
        self.p.mc.call(*args)
        return self.p.rc.call(*args)

    def compare_stats(self, why):
        """INFO's counters of what the stream did: calls, rejected and failed calls per command,
        replies per error code, keyspace hits and misses, expired and evicted keys."""
        r, m = stats_of(self.p.rc), stats_of(self.p.mc)
        if r != m:
            diff = sorted((k, r.get(k), m.get(k)) for k in set(r) | set(m) if r.get(k) != m.get(k))
            self.fail("stats differ (%s):\n  " % why + "\n  ".join("%s redis %s mnemos %s" % d for d in diff))

    def lex_defined(self, key):
        """Lex ranges over a skiplist whose scores differ depend on its random levels: skip those."""
        both = self.both
        both("SELECT", str(self.db))
        if both("TYPE", key)[1][1] != b"zset" or both("OBJECT", "ENCODING", key)[1][1] != b"skiplist":
            return True
        lo = both("ZRANGE", key, "0", "0", "WITHSCORES")[1][1]
        hi = both("ZRANGE", key, "-1", "-1", "WITHSCORES")[1][1]
        return lo[1][1] == hi[1][1]

    def memory_comparable(self, k, encoding):
        """Whether MEMORY USAGE of a key is the same for any two redis-servers: not for a skiplist
        (its nodes' random levels), a hashtable in the middle of incremental rehashing (how far it got
        follows the process's random hash seed), a quicklist of more than one node (Mnemos keeps no
        node layout) or a HyperLogLog (its sparse sds's resizing is not modelled)."""
        r = self.p.rc
        if b"skiplist" in encoding:
            return False
        if b"hashtable" in encoding:
            return b"rehashing" not in r.call("DEBUG", "HTSTATS-KEY", k)[0]
        if b"quicklist" in encoding:
            return all(b"ql_nodes:1 " in c.call("DEBUG", "OBJECT", k)[0] for c in (r, self.p.mc))
        if b"raw" in encoding:
            return r.call("GETRANGE", k, "0", "3")[0] != b"$4\r\nHYLL\r\n"
        return True

    def check(self, why="periodic"):
        r, m = self.p.rc, self.p.mc
        rd, md = r.call("DEBUG", "DIGEST")[0], m.call("DEBUG", "DIGEST")[0]
        problems = []
        for db in ("0", "1", "2"):
            r.call("SELECT", db)
            m.call("SELECT", db)
            rs, ms = r.call("DBSIZE")[0], m.call("DBSIZE")[0]
            if rs != ms:
                problems.append("db %s DBSIZE redis %r mnemos %r (INFO keyspace: redis %r mnemos %r)" % (
                    db, rs, ms, r.call("INFO", "keyspace")[1][1], m.call("INFO", "keyspace")[1][1]))
            rk = sorted(x[1] for x in r.call("KEYS", "*")[1][1])
            mk = sorted(x[1] for x in m.call("KEYS", "*")[1][1])
            if rk != mk:
                problems.append("db %s keys redis %r mnemos %r" % (db, rk, mk))
                continue
            for k in rk:
                re_, me = r.call("OBJECT", "ENCODING", k)[0], m.call("OBJECT", "ENCODING", k)[0]
                if re_ != me:
                    problems.append("db %s key %r encoding redis %r mnemos %r" % (db, k, re_, me))
                rv_, mv_ = r.call("DEBUG", "DIGEST-VALUE", k)[0], m.call("DEBUG", "DIGEST-VALUE", k)[0]
                if rv_ != mv_:
                    problems.append("db %s key %r value digest differs (type %r)" % (
                        db, k, r.call("TYPE", k)[0]))
                # DUMP payloads are Redis's byte for byte, except for hashtables and hashes (a
                # hashtable's order follows each Redis process's random hash seed, and a hash
                # packed again after DUMP/RESTORE or a reload keeps that order) and a list Mnemos
                # writes with more than one node (it outgrew one quicklist node, whose layout
                # Mnemos does not keep).
                rdump, mdump = r.call("DUMP", k)[0], m.call("DUMP", k)[0]
                ktype = self.both("TYPE", k)[1][1]
                # A consumer group's pending entries carry each server's delivery times.
                grouped = ktype == b"stream" and self.both("XINFO", "GROUPS", k)[1][1]
                if rdump != mdump and not grouped and b"hashtable" not in re_ and ktype != b"hash" and not (
                        mdump[:1] == b"$" and mdump.split(b"\r\n", 1)[1][:2] != b"\x12\x01"
                        and ktype == b"list"):
                    problems.append("db %s key %r DUMP redis %r mnemos %r" % (db, k, rdump[:80], mdump[:80]))
                # A skiplist's node sizes follow its random levels, and how far a hashtable's
                # incremental rehashing got follows the process's random hash seed (which buckets
                # are empty): no two processes agree on those.
                if self.p.memory and self.memory_comparable(k, re_):
                    ru, mu = r.call("MEMORY", "USAGE", k, "SAMPLES", "0")[0], m.call("MEMORY", "USAGE", k, "SAMPLES", "0")[0]
                    if ru != mu:
                        problems.append("db %s key %r (%s) MEMORY USAGE redis %r mnemos %r" % (db, k, re_, ru, mu))
                rt, mt = r.call("PTTL", k)[1], m.call("PTTL", k)[1]
                if (int(rt[1]) > 0) != (int(mt[1]) > 0):
                    problems.append("db %s key %r PTTL redis %r mnemos %r" % (db, k, rt, mt))
        if rd != md and not problems:
            problems.append("DEBUG DIGEST redis %r mnemos %r" % (rd, md))
        if problems:
            self.fail("state differs (%s):\n  " % why + "\n  ".join(problems))
        if self.p.stats:
            self.compare_stats(why)
        if self.p.rep:
            self.check_replica(why)

    def sync_replica(self, why):
        """Waits until the replica applied all of Mnemos's stream (its link up)."""
        target = int(info_fields(self.p.mc, "replication")["master_repl_offset"])
        deadline = time.time() + 10
        while True:
            f = info_fields(self.p.rep, "replication")
            if f.get("master_link_status") == "up" and int(f.get("slave_repl_offset", -1)) >= target:
                return
            if time.time() > deadline:
                self.fail("replica did not catch up (%s): master_repl_offset %d, replica %r" % (why, target, f))
            time.sleep(0.002)

    def resync(self, full=True):
        """A full resynchronization, where the replica loads an RDB Mnemos makes for it (REPLICAOF
        NO ONE gives the replica a replication ID of its own, which its PSYNC then offers in vain),
        or a broken link the replica's PSYNC continues from Mnemos's backlog."""
        self.log.append(["resync", "full" if full else "partial"])
        self.check_replica("before resync")
        rep = self.p.rep
        if full:
            rep.call("REPLICAOF", "NO", "ONE")
            rep.call("REPLICAOF", "127.0.0.1", str(self.p.mport))
        else:
            rep.call("CLIENT", "KILL", "TYPE", "master")
        self.note("replica: %s resync" % ("full" if full else "partial"))
        self.check_replica("after %s resync" % ("full" if full else "partial"))

    def check_replica(self, why):
        """Waits until the replica applied all of Mnemos's stream, then compares their datasets."""
        m, rep = self.p.mc, self.p.rep
        self.sync_replica(why)
        problems = []
        for db in ("0", "1", "2"):
            # DEBUG DIGEST covers a stream's entries only: compare the groups, their consumers and
            # pending entries too.
            m.call("SELECT", db)
            rep.call("SELECT", db)
            for k in [x[1] for x in m.call("SCAN", "0", "COUNT", "1000", "TYPE", "stream")[1][1][1][1]]:
                mx, px = m.call("XINFO", "STREAM", k, "FULL")[1], rep.call("XINFO", "STREAM", k, "FULL")[1]
                if without_unreplicated(mx) != without_unreplicated(px):
                    problems.append("db %s key %r XINFO STREAM FULL mnemos %r replica %r" % (
                        db, k, encode(mx)[:1500], encode(px)[:1500]))
        md, pd = m.call("DEBUG", "DIGEST")[0], rep.call("DEBUG", "DIGEST")[0]
        if md == pd and not problems:
            return
        for db in ("0", "1", "2"):
            m.call("SELECT", db)
            rep.call("SELECT", db)
            mk = sorted(x[1] for x in m.call("KEYS", "*")[1][1])
            pk = sorted(x[1] for x in rep.call("KEYS", "*")[1][1])
            if mk != pk:
                problems.append("db %s keys mnemos %r replica %r" % (db, mk, pk))
            ms, ps = m.call("DBSIZE")[0], rep.call("DBSIZE")[0]
            if ms != ps:
                # A replica never expires keys itself: KEYS hides the ones past their TTL, DBSIZE not.
                problems.append("db %s DBSIZE mnemos %r replica %r" % (db, ms, ps))
            names = set(mk) | set(pk) | {k.encode() for k in KEYS + WKEYS}
            for k in sorted(names):
                mv_, pv_ = m.call("DEBUG", "DIGEST-VALUE", k)[0], rep.call("DEBUG", "DIGEST-VALUE", k)[0]
                if mv_ != pv_:
                    problems.append("db %s key %r value digest differs (type %r)" % (
                        db, k, m.call("TYPE", k)[0]))
                mt, pt = m.call("PTTL", k)[1], rep.call("PTTL", k)[1]
                if (int(mt[1]) > 0) != (int(pt[1]) > 0):
                    problems.append("db %s key %r PTTL mnemos %r replica %r" % (db, k, mt, pt))
        if md != pd and not problems:
            problems.append("DEBUG DIGEST mnemos %r replica %r" % (md, pd))
        self.fail("replica differs (%s):\n  " % why + "\n  ".join(problems))

    def run_seed(self, seed, steps, check_every):
        rnd = random.Random(seed)
        g = Gen(rnd)
        g.replica = self.p.rep is not None
        self.reset()
        for _ in range(rnd.randint(0, 4)):
            self.config(rnd)
        for step in range(steps):
            if step % check_every == check_every - 1:
                self.log.append(["check"])
                self.check()
            x = rnd.random()
            if x < 0.04:
                items = []
                for _ in range(rnd.randint(1, 5)):
                    got = g.one()
                    if isinstance(got, tuple) and got[0][0] not in ("SELECT", "MULTI") \
                            and lex_source(got[0]) is None:
                        items.append(got)
                if rnd.random() < 0.2:
                    self.cmd(["WATCH"] + g.keys(1, 2), "exact")
                self.exec_batch(items)
                continue
            if self.p.rep and 0.07 <= x < 0.072:
                self.resync(full=x < 0.071)
                continue
            if self.p.rep and x < 0.07:
                # A script's writes propagate as their effects (MULTI/EXEC around several).
                argv = ["EVAL", SCRIPT_BATCH, "0"]
                for _ in range(rnd.randint(1, 4)):
                    got = g.one()
                    if isinstance(got, tuple) and got[0][0] not in ("SELECT", "MULTI") \
                            and lex_source(got[0]) is None:
                        argv += [str(len(got[0]))] + got[0]
                self.cmd(argv, "exact")
                continue
            got = g.one()
            if got == "DUMPRESTORE":
                extra = rnd.choice([["0"], ["0", "REPLACE"], ["100000", "REPLACE"], ["0", "REPLACE", "ABSTTL"],
                                    ["1", "REPLACE", "ABSTTL"], ["-1"], ["0", "REPLACE", "IDLETIME", "10"]])
                self.dump_restore(g.key(), g.key(), extra)
            elif got == "CONFIG":
                self.config(rnd)
            elif got == "RELOAD":
                self.reload()
            elif lex_source(got[0]) is None or self.lex_defined(lex_source(got[0])):
                self.cmd(*got)
        self.log.append(["check"])
        self.check("final")

    def replay(self, log):
        """Replays a saved stream; raises Divergence where it diverges."""
        self.reset()
        for item in log:
            kind = item[0]
            if kind == "cmd":
                self.cmd(item[1], item[2])
            elif kind == "multi":
                self.exec_batch([tuple(x) for x in item[1]])
            elif kind == "config":
                self.log.append(item)
                for c in self.configured():
                    c.call("CONFIG", "SET", item[1], item[2])
                self.note("CONFIG SET %s %s" % (item[1], item[2]))
            elif kind == "dumprestore":
                self.dump_restore(item[1], item[2], item[3])
            elif kind == "reload":
                self.reload()
            elif kind == "resync":
                if self.p.rep:
                    self.resync(item[1:] != ["partial"])
            elif kind == "check":
                self.log.append(item)
                self.check()
        self.check("end of replay")


def fails(pair, log):
    run = Run(pair)
    try:
        run.replay(log)
        return None
    except Divergence as e:
        return str(e)


def signature(msg):
    """What kind of divergence msg is: the differing command's name, or the state check's finding."""
    first = msg.split("\n")[0]
    if first.startswith("reply differs for"):
        return first.split(",")[0]
    if first.startswith("stats differ"):
        return "stats differ " + " ".join(line.split(" redis")[0].strip() for line in msg.split("\n")[1:]
                                          if " redis " in line and " mnemos " in line)
    if first.startswith("state differs") or first.startswith("replica differs"):
        lines = msg.split("\n")
        if len(lines) < 2:
            return first
        finding = lines[1].split(" redis")[0].split(" mnemos")[0].split(" value digest")[0].strip()[:60]
        return first.split(" (")[0] + " " + finding
    return first[:40]


def minimize(pair, log):
    """Delta debugging over the stream items; 'check' items are dropped (the replay checks at the end)."""
    log = [x for x in log if x[0] != "check"]
    msg = fails(pair, log)
    assert msg, "the stream does not fail when replayed"
    sig = signature(msg)
    print("minimizing: " + sig, flush=True)

    def same(cand):
        m = fails(pair, cand)
        return m is not None and signature(m) == sig
    n = 2
    while len(log) >= 2:
        chunk = max(1, len(log) // n)
        removed = False
        for start in range(0, len(log), chunk):
            cand = log[:start] + log[start + chunk:]
            if cand and same(cand):
                log = cand
                n = max(n - 1, 2)
                removed = True
                break
        if not removed:
            if chunk == 1:
                break
            n = min(n * 2, len(log))
    # Shrink MULTI batches to their elements where the failure survives.
    for i, item in enumerate(log):
        if item[0] == "multi":
            for j in range(len(item[1]) - 1, -1, -1):
                cand_items = item[1][:j] + item[1][j + 1:]
                cand = log[:i] + [["multi", cand_items]] + log[i + 1:]
                if same(cand):
                    item[1] = cand_items
                    log[i] = item
    return log


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--redis", type=int, default=7650)
    ap.add_argument("--mnemos", type=int, default=7655)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seeds", help="a range like 1-100")
    ap.add_argument("--steps", type=int, default=5000)
    ap.add_argument("--check-every", type=int, default=50)
    ap.add_argument("--minimize", action="store_true")
    ap.add_argument("--replay")
    ap.add_argument("--out-dir", default="/tmp")
    ap.add_argument("--replica-port", type=int,
                    help="a redis-server replicating Mnemos (--replicaof): at every check, compare its dataset")
    ap.add_argument("--resp3", action="store_true",
                    help="send the stream over RESP3 connections (HELLO 3): every reply in its RESP3 form")
    ap.add_argument("--getkeys", action="store_true",
                    help="also compare COMMAND GETKEYSANDFLAGS of every command before sending it")
    ap.add_argument("--stats", action="store_true",
                    help="also compare INFO's command, error and keyspace counters at every check")
    ap.add_argument("--memory", action="store_true",
                    help="also compare MEMORY USAGE ... SAMPLES 0 of every key (skiplists aside) at every check")
    a = ap.parse_args()
    if a.memory and a.stats:
        ap.error("--memory asks redis-server alone whether a dict is rehashing: its calls would skew --stats")
    pair = Pair(a.redis, a.mnemos, a.replica_port, a.resp3, a.getkeys, a.stats, a.memory)
    if a.replay:
        with open(a.replay) as fh:
            log = [json.loads(line) for line in fh if line.strip()]
        msg = fails(pair, log)
        print(msg or "replay: no divergence")
        if msg and a.minimize:
            for item in minimize(pair, log):
                print(json.dumps(item))
        return 1 if msg else 0
    if a.seeds:
        lo, hi = (int(x) for x in a.seeds.split("-"))
        seeds = range(lo, hi + 1)
    else:
        seeds = [a.seed]
    for seed in seeds:
        run = Run(pair)
        try:
            run.run_seed(seed, a.steps, a.check_every)
            print("seed %d: %d steps, no divergence" % (seed, a.steps), flush=True)
        except Divergence as e:
            path = os.path.join(a.out_dir, "fuzz-%d.jsonl" % seed)
            with open(path, "w") as fh:
                for item in run.log:
                    fh.write(json.dumps(item) + "\n")
            print("seed %d: DIVERGENCE (stream saved to %s)\n%s" % (seed, path, e), flush=True)
            if a.minimize:
                print("minimized stream:")
                for item in minimize(pair, run.log):
                    print(json.dumps(item))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
