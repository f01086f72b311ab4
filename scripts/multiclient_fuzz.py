#!/usr/bin/env python3
"""Randomized multi-client differential fuzzer: Mnemos against a real redis-server (7.0.x).

Dev tool, not part of the test suite (scripts/differential_fuzz.py is its single-client sibling).
Several connections to each server take one seeded stream of commands, each sent on the client of
the same index on both servers: blocking pops and moves, XREAD/XREADGROUP BLOCK, the writes that
serve them, Pub/Sub (SUBSCRIBE, PSUBSCRIBE, PUBLISH, keyspace notifications), MULTI/EXEC/WATCH,
CLIENT UNBLOCK, CLIENT PAUSE WRITE/UNPAUSE, CLIENT KILL, CLIENT REPLY, CLIENT TRACKING, HELLO 2/3,
RESET, FLUSHDB/SELECT/MOVE/COPY, commands sent to a client that is blocked, paused or subscribed. After every command the fuzzer makes sure each server has finished
with it (two PING round trips on a separate connection: the second PING is read in a later
event-loop iteration, after every reply of the earlier one was written), then reads whatever every
client has received, and compares each client's byte stream between the two servers.

Blocking commands use timeout 0 or 100 s only, so that nothing depends on timing; they end through
data, CLIENT UNBLOCK, a type change, or RESET.

Usage (servers with --save ''):
  redis-server --port 7650 --save '' --daemonize yes
  java -jar target/mnemos-server.jar --port 7655 --save ''
  scripts/multiclient_fuzz.py --redis 7650 --mnemos 7655 --seeds 1-50 --steps 2000
  scripts/multiclient_fuzz.py ... --seeds 7 --minimize   # shrink a failing stream, print it
  scripts/multiclient_fuzz.py ... --stats                # also compare INFO's counters every 10 steps
"""
import argparse
import os
import random
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import differential_fuzz  # noqa: E402 (its RESP parser)

# ---------------------------------------------------------------- connections

def encode_command(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.closed = False

    def send(self, args):
        if not self.closed:
            try:
                self.sock.sendall(encode_command(args))
            except OSError:
                self.closed = True

    def drain(self):
        """Everything received so far, without waiting."""
        out = b""
        while not self.closed:
            try:
                chunk = self.sock.recv(1 << 16, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            except OSError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            out += chunk
        return out

    def call(self, *args):
        """A command and its one-line (or one-bulk) reply, on a connection nothing else uses."""
        self.sock.sendall(encode_command(list(args)))
        buf = b""
        while True:
            buf += self.sock.recv(1 << 16)
            if buf.startswith(b"$") and b"\r\n" in buf:
                n = int(buf[1:buf.index(b"\r\n")])
                if n < 0 or len(buf) >= buf.index(b"\r\n") + 2 + n + 2:
                    return buf
            elif buf.endswith(b"\r\n"):
                return buf

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Side:
    """One server: the fuzzed clients, a control connection, and each client's received bytes."""

    def __init__(self, port, clients):
        self.port = port
        self.control = Conn(port)
        # The previous run's clients must be gone first: a server frees a closed client only once it
        # has read the EOF, and a push in between could still be served to it.
        for _ in range(500):
            if b"connected_clients:1\r\n" in self.control.call("INFO", "clients"):
                break
            time.sleep(0.01)
        self.clients = [Conn(port) for _ in range(clients)]
        self.ids = [int(self.control_id(c)) for c in self.clients]
        self.received = [b"" for _ in range(clients)]

    @staticmethod
    def control_id(conn):
        reply = conn.call("CLIENT", "ID")
        return reply[1:].strip()

    def settle(self):
        # Two round trips: the second PING is read after the iteration that handled the step ended.
        for _ in range(2):
            reply = self.control.call("PING")
            assert reply == b"+PONG\r\n", reply
        for i, c in enumerate(self.clients):
            self.received[i] += c.drain()

    def close(self):
        for c in self.clients + [self.control]:
            c.close()

# ---------------------------------------------------------------- generator

LISTS = ["l1", "l2", "l3"]
ZSETS = ["z1", "z2"]
STREAMS = ["x1", "x2"]
OTHER = ["s", "h"]
CHANNELS = ["ch1", "ch2", "news.a", "news.b", "__redis__:invalidate"]
# No channel matches two of these: Redis tries a message against a client's patterns in the order of
# its pattern dict, whose hash seed is random per process.
PATTERNS = ["ch*", "news.*", "__keyspace@0__:*", "__keyspace@1__:*", "__keyevent@*__:*"]
FUNCTIONS = ("#!lua name=fuzz\n"
             "redis.register_function('pushpub', function(keys, args)\n"
             "  redis.call('lpush', keys[1], args[1]); redis.call('zadd', keys[2], 1, args[1])\n"
             "  return redis.call('publish', 'ch1', args[1]) end)")
# Clients below this index stay in RESP2 (tracking redirects go to them).
RESP2_ONLY = 2


class Gen:
    def __init__(self, rnd, ids_of):
        self.r = rnd
        self.ids_of = ids_of
        self.stream_ms = 1
        self.paused_once = False
        self.unblocked_once = False

    def pick(self, seq):
        return self.r.choice(seq)

    def some(self, seq, lo=1, hi=3):
        return self.r.sample(seq, self.r.randint(lo, min(hi, len(seq))))

    def timeout(self):
        """Seconds for the list and sorted-set pops: forever, or longer than any run."""
        return self.pick(["0", "0", "100"])

    def block_ms(self):
        """XREAD's BLOCK is in milliseconds."""
        return self.pick(["0", "0", "100000"])

    def stream_id(self):
        self.stream_ms += self.r.randint(0, 2)
        return "%d-%d" % (self.stream_ms, self.r.randint(0, 3))

    def command(self, client):
        r = self.r
        k = r.random()
        if k < 0.22:
            return self.blocking()
        if k < 0.50:
            return self.write()
        if k < 0.68:
            return self.pubsub(client)
        if k < 0.74:
            return self.transaction(client)
        if k < 0.80:
            return self.indirect_write()
        if k < 0.88:
            return self.control(client)
        if k < 0.94:
            return self.plain()
        return self.read()

    def blocking(self):
        r = self.r
        c = r.randint(0, 9)
        if c == 0:
            return ["BLPOP"] + self.some(LISTS + OTHER[:1]) + [self.timeout()]
        if c == 1:
            return ["BRPOP"] + self.some(LISTS) + [self.timeout()]
        if c == 2:
            return ["BLMOVE", self.pick(LISTS), self.pick(LISTS), self.pick(["LEFT", "RIGHT"]),
                    self.pick(["LEFT", "RIGHT"]), self.timeout()]
        if c == 3:
            return ["BRPOPLPUSH", self.pick(LISTS), self.pick(LISTS + ZSETS[:1]), self.timeout()]
        if c == 4:
            keys = self.some(LISTS)
            cmd = ["BLMPOP", self.timeout(), str(len(keys))] + keys + [self.pick(["LEFT", "RIGHT"])]
            return cmd + (["COUNT", str(r.randint(1, 3))] if r.random() < 0.5 else [])
        if c == 5:
            return [self.pick(["BZPOPMIN", "BZPOPMAX"])] + self.some(ZSETS + LISTS[:1]) + [self.timeout()]
        if c == 6:
            keys = self.some(ZSETS)
            cmd = ["BZMPOP", self.timeout(), str(len(keys))] + keys + [self.pick(["MIN", "MAX"])]
            return cmd + (["COUNT", str(r.randint(1, 3))] if r.random() < 0.5 else [])
        if c == 7:
            keys = self.some(STREAMS, 1, 2)
            ids = [self.pick(["$", "0", "$", "%d-0" % self.stream_ms]) for _ in keys]
            cmd = ["XREAD"] + (["COUNT", "2"] if r.random() < 0.3 else []) + ["BLOCK", self.block_ms(), "STREAMS"]
            return cmd + keys + ids
        if c == 8:
            keys = self.some(STREAMS, 1, 2)
            cmd = ["XREADGROUP", "GROUP", "g", self.pick(["c1", "c2"])]
            cmd += (["NOACK"] if r.random() < 0.2 else []) + ["BLOCK", self.block_ms(), "STREAMS"]
            return cmd + keys + [self.pick([">", ">", "0"]) for _ in keys]
        return ["WAIT", "0", "0"]

    def write(self):
        r = self.r
        c = r.randint(0, 13)
        if c <= 2:
            return [self.pick(["LPUSH", "RPUSH"]), self.pick(LISTS)] + [self.pick("abcdef") for _ in range(r.randint(1, 3))]
        if c == 3:
            return [self.pick(["LPUSHX", "RPUSHX"]), self.pick(LISTS), "v"]
        if c <= 5:
            args = []
            for _ in range(r.randint(1, 3)):
                args += [str(r.randint(-2, 5)), self.pick("mnopq")]
            return ["ZADD", self.pick(ZSETS)] + args
        if c <= 7:
            return ["XADD", self.pick(STREAMS)] + (["NOMKSTREAM"] if r.random() < 0.1 else []) + \
                   [self.stream_id(), "f", self.pick("uvw")]
        if c == 8:
            return ["XGROUP", "CREATE", self.pick(STREAMS), "g", self.pick(["$", "0"]), "MKSTREAM"]
        if c == 9:
            return ["DEL"] + self.some(LISTS + ZSETS + STREAMS)
        if c == 10:
            return ["SET", self.pick(LISTS + ZSETS + STREAMS + OTHER), "str"]
        if c == 11:
            return [self.pick(["RENAME", "LMOVE"]), self.pick(LISTS), self.pick(LISTS)] + \
                   (["LEFT", "RIGHT"] if r.random() < 0.5 else [])
        if c == 12:
            # No SWAPDB: it wakes waiters key by key in the order of Redis's blocking-keys dict (random
            # hash seed), so a waiter on two keys may be served from either.
            return self.pick([["FLUSHDB"], ["SELECT", self.pick(["0", "0", "1"])],
                              ["MOVE", self.pick(LISTS + ZSETS + STREAMS), self.pick(["0", "1"])],
                              ["COPY", self.pick(LISTS), self.pick(LISTS)],
                              ["COPY", self.pick(LISTS + ZSETS + STREAMS), self.pick(LISTS + ZSETS + STREAMS), "DB",
                               self.pick(["0", "1"])] + (["REPLACE"] if self.r.random() < 0.5 else [])])
        return ["EXPIRE", self.pick(LISTS + ZSETS), "1000"]

    def indirect_write(self):
        """Writes that reach waiting clients by another way than a push: a key (re)created by a
        STORE, a script's writes (served once the script ended), pops that empty a key."""
        r = self.r
        c = r.randint(0, 7)
        if c == 0:
            return ["SORT", self.pick(LISTS + ZSETS), "ALPHA"] + \
                   (["LIMIT", "0", str(r.randint(1, 3))] if r.random() < 0.3 else []) + ["STORE", self.pick(LISTS + ZSETS)]
        if c == 1:
            keys = self.some(ZSETS + LISTS[:1], 1, 2)
            return [self.pick(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), self.pick(ZSETS), str(len(keys))] + keys
        if c == 2:
            return ["ZRANGESTORE", self.pick(ZSETS), self.pick(ZSETS), "0", str(r.randint(-1, 2))]
        if c == 3:
            # Pushed and popped again in one script: a waiter on the key finds nothing once it ended.
            return ["EVAL", "redis.call('rpush', KEYS[1], ARGV[1]); return redis.call('lpop', KEYS[1])",
                    "1", self.pick(LISTS), self.pick("gh")]
        if c == 4:
            if r.random() < 0.5:
                # The same through a function (loaded on both servers before the stream).
                return ["FCALL", "pushpub", "2", self.pick(LISTS), self.pick(ZSETS), self.pick("ijk")]
            return ["EVAL", "redis.call('lpush', KEYS[1], ARGV[1]); redis.call('zadd', KEYS[2], 1, ARGV[1]);"
                    " return redis.call('publish', 'ch1', ARGV[1])", "2", self.pick(LISTS), self.pick(ZSETS),
                    self.pick("ijk")]
        if c == 5:
            keys = self.some(LISTS)
            return ["LMPOP", str(len(keys))] + keys + [self.pick(["LEFT", "RIGHT"]), "COUNT", str(r.randint(1, 4))]
        if c == 6:
            keys = self.some(ZSETS)
            return ["ZMPOP", str(len(keys))] + keys + [self.pick(["MIN", "MAX"])]
        return ["XTRIM", self.pick(STREAMS), "MAXLEN", str(r.randint(0, 2))]

    def pubsub(self, client):
        r = self.r
        c = r.randint(0, 9)
        if c <= 1:
            return ["SUBSCRIBE"] + self.some(CHANNELS)
        if c == 2:
            # Any client may hear keyspace notifications, a RESP3 one of its own commands too: the
            # push lands where the command raises it, inside an EXEC's or a pop's array as in Redis 7.0.
            return ["PSUBSCRIBE"] + self.some(PATTERNS, 1, 2)
        # Without arguments these answer in the order of Redis's channel dict, whose hash seed is
        # random per process: named channels only (RESET drops them all, silently).
        if c == 3:
            return ["UNSUBSCRIBE"] + self.some(CHANNELS)
        if c == 4:
            return ["PUNSUBSCRIBE"] + self.some(PATTERNS, 1, 2)
        if c <= 6:
            return ["PUBLISH", self.pick(CHANNELS), self.pick(["hi", "", "x" * 20])]
        if c == 7:
            # PUBSUB CHANNELS lists in dict order too: a pattern that matches one channel at most.
            return self.pick([["PUBSUB", "CHANNELS", "ch1"], ["PUBSUB", "NUMSUB"] + CHANNELS[:2], ["PUBSUB", "NUMPAT"],
                              ["PUBSUB", "CHANNELS", "news.a"]])
        if c == 8:
            return ["CONFIG", "SET", "notify-keyspace-events", self.pick(["", "KEA", "Kl", "Ez", "Elg$", "KEAm", "Em"])]
        return ["PING"] + ([self.pick(["x", ""])] if r.random() < 0.5 else [])

    def transaction(self, client):
        r = self.r
        c = r.randint(0, 5)
        if c <= 1:
            return ["MULTI"]
        if c == 2:
            return ["EXEC"]
        if c == 3:
            return ["DISCARD"]
        if c == 4:
            return ["WATCH"] + self.some(LISTS + ZSETS)
        return ["UNWATCH"]

    def control(self, client):
        r = self.r
        c = r.randint(0, 9)
        if c == 9:
            # PAUSE WRITE only (the fuzzer's PINGs must get through), ended by UNPAUSE, never by time.
            x = r.random()
            if x < 0.25 and not self.unblocked_once:
                self.paused_once = True
                return ["CLIENT", "PAUSE", "100000", "WRITE"]
            if x < 0.9:
                return ["CLIENT", "UNPAUSE"]
            return ["CLIENT", "KILL", "ID", ("ID", r.randrange(len(self.ids_of)))]
        if c == 7:
            return self.tracking(client)
        if c == 8:
            return ["CLIENT", "CACHING", self.pick(["yes", "no"])]
        if c <= 2 and not self.paused_once:
            # A seed has CLIENT UNBLOCKs or pauses, not both (a command held behind a blocked client
            # runs later than it was sent): Redis 7.0 panics on CLIENT UNBLOCK of a client a pause
            # postponed, or answers it twice (Mnemos answers 0; see README).
            self.unblocked_once = True
            target = r.randrange(len(self.ids_of))
            return ["CLIENT", "UNBLOCK", ("ID", target)] + ([self.pick(["TIMEOUT", "ERROR"])] if r.random() < 0.6 else [])
        if c == 3 and client > 0:
            # Not client 0, the only one to QUIT: Redis 7.0 never closes a connection that sent QUIT
            # with replies off (it waits to write a reply that never comes); Mnemos closes it.
            return ["CLIENT", "REPLY", self.pick(["ON", "ON", "OFF", "SKIP"])]
        if c == 4:
            return ["HELLO", "2" if client < RESP2_ONLY else self.pick(["2", "3"])]
        if c == 5:
            return ["RESET"]
        return ["QUIT"] if r.random() < 0.1 and client == 0 else ["ECHO", "e"]

    def tracking(self, client):
        """CLIENT TRACKING: RESP3 clients get invalidation pushes, RESP2 ones redirect them to another
        RESP2 client (which sees them once subscribed to __redis__:invalidate)."""
        r = self.r
        if r.random() < 0.25:
            return ["CLIENT", "TRACKING", "OFF"]
        cmd = ["CLIENT", "TRACKING", "ON"]
        if client < RESP2_ONLY:
            cmd += ["REDIRECT", ("ID", r.randrange(RESP2_ONLY))]
        if r.random() < 0.3:
            cmd += ["BCAST"] + (["PREFIX", self.pick(["l", "z", "x1"])] if r.random() < 0.7 else [])
        for option in ("NOLOOP", "OPTIN", "OPTOUT"):
            if r.random() < 0.15:
                cmd.append(option)
        return cmd

    def plain(self):
        """Strings, hashes and sets: reads a tracking client remembers, writes that invalidate them,
        keyspace events of other types, and keys of the wrong type for the blocking commands."""
        r = self.r
        key = self.pick(OTHER + ["t"] + LISTS[:1])
        return self.pick([["INCR", "s"], ["APPEND", "s", "x"], ["GET", "s"], ["MGET", "s", "h", "l1"],
                          ["SET", "s", str(r.randint(0, 9)), self.pick(["NX", "XX", "GET", "KEEPTTL"])],
                          ["GETDEL", "s"], ["GETEX", "s", "PERSIST"],
                          ["HSET", "h", self.pick("fg"), "1"], ["HINCRBY", "h", "f", "2"], ["HDEL", "h", "f", "g"],
                          ["HGETALL", "h"], ["SADD", "t", self.pick("abc")], ["SREM", "t", "a", "b"],
                          ["SINTERSTORE", self.pick(["t", "l2", "z2"]), "t"], ["SMISMEMBER", "t", "a", "c"],
                          ["OBJECT", "ENCODING", key], ["UNLINK", key], ["PERSIST", key], ["TTL", key],
                          ["RENAMENX", key, self.pick(OTHER + LISTS)], ["TOUCH", key, "s"]])

    def read(self):
        r = self.r
        return self.pick([["LRANGE", self.pick(LISTS), "0", "-1"], ["ZRANGE", self.pick(ZSETS), "0", "-1", "WITHSCORES"],
                          ["XRANGE", self.pick(STREAMS), "-", "+"], ["XPENDING", self.pick(STREAMS), "g"],
                          ["LLEN", self.pick(LISTS)], ["TYPE", self.pick(LISTS + ZSETS + STREAMS)],
                          ["DBSIZE"], ["EXISTS"] + LISTS])

# ---------------------------------------------------------------- running

HELLO_ID = re.compile(rb"\$2\r\nid\r\n:\d+\r\n")


STATS = ("keyspace_hits", "keyspace_misses", "expired_keys", "evicted_keys", "total_error_replies",
         "total_commands_processed", "pubsub_channels", "pubsub_patterns", "pubsubshard_channels",
         "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes", "connected_clients",
         "blocked_clients", "tracking_clients", "clients_in_timeout_table")


def counters(conn):
    """INFO's counters --stats compares: per command its calls, rejected and failed calls (not the
    timings), per error code its count, keyspace hits and misses, expired and evicted keys."""
    out = {}
    for section in ("clients", "stats", "commandstats", "errorstats"):
        raw = conn.call("INFO", section).decode(errors="replace")
        for line in raw.split("\r\n")[1:]:
            if ":" not in line:
                continue
            k, v = line.split(":", 1)
            if section in ("clients", "stats") and k not in STATS:
                continue
            if section == "commandstats":
                f = dict(x.split("=") for x in v.split(","))
                v = "calls=%s,rejected_calls=%s,failed_calls=%s" % (f["calls"], f["rejected_calls"], f["failed_calls"])
            out[k] = v
    return out


CLIENT_FIELDS = ("flags", "db", "sub", "psub", "ssub", "multi", "cmd", "resp", "name")


def client_fields(side):
    """CLIENT LIST's state fields of each fuzzed client (by index), as --stats compares them."""
    index = {str(i): n for n, i in enumerate(side.ids)}
    out = {}
    for line in side.control.call("CLIENT", "LIST").decode(errors="replace").splitlines()[1:]:
        f = dict(x.split("=", 1) for x in line.split() if "=" in x)
        if f.get("id") in index:
            out["client%d" % index[f["id"]]] = " ".join("%s=%s" % (k, f.get(k)) for k in CLIENT_FIELDS)
    return out


def parsed_call(conn, *args):
    """A command on conn and its reply parsed (differential_fuzz's parser): arrays too."""
    reader = differential_fuzz.Conn.__new__(differential_fuzz.Conn)
    reader.sock, reader.buf = conn.sock, b""
    reader.send(list(args))
    return reader.read()[1]


def latency_samples(side):
    """LATENCY HISTOGRAM's count of samples per command (not its buckets, which hold times)."""
    _, p = parsed_call(side.control, "LATENCY", "HISTOGRAM")
    return {"latency_samples_" + p[i][1].decode(): p[i + 1][1][1][1] for i in range(0, len(p), 2)
            if p[i][1] not in (b"info", b"client|list", b"latency|histogram", b"slowlog|get", b"slowlog|reset")}


def slowlog_entries(side):
    """SLOWLOG GET of everything since the last call (slowlog-log-slower-than 0 logs every command):
    each entry's arguments and client name, in the log's order; the log is reset after."""
    _, entries = parsed_call(side.control, "SLOWLOG", "GET", "-1")
    side.control.call("SLOWLOG", "RESET")
    index = {str(i).encode(): b"ID%d" % n for n, i in enumerate(side.ids)}

    def shown(args):
        # A client id (after UNBLOCK, ID, REDIRECT) differs between the servers: shown as its index.
        return b" ".join(index.get(a, a) if n > 0 and args[n - 1].upper() in (b"UNBLOCK", b"ID", b"REDIRECT")
                         else a for n, a in enumerate(args))
    # The control connection's own commands race with the step's (another socket): left out.
    return [shown([a[1] for a in e[1][3][1]]) + b" @" + e[1][5][1] for e in entries
            if e[1][5][1] != b"fuzz-control"]


def normalized(data):
    return HELLO_ID.sub(b"$2\r\nid\r\n:ID\r\n", data)


def resolve(cmd, side):
    """The command as sent to one side: ("ID", n) becomes client n's id on that server."""
    return [str(side.ids[a[1]]) if isinstance(a, tuple) else a for a in cmd]


def run_seed(seed, args):
    """Runs a seed's stream; on a divergence returns the commands sent so far, else None."""
    rnd = random.Random(seed)
    gen = Gen(rnd, range(args.clients))
    history = []

    def commands():
        for _ in range(args.steps):
            client = rnd.randrange(args.clients)
            history.append((client, gen.command(client)))
            yield history[-1]

    failure = run(commands(), args, quiet=False, seed=seed)
    return None if failure is None else history


def run(commands, args, quiet=True, seed=0):
    """Sends (client, command) pairs to both servers; the divergence (step, client, ...) or None."""
    redis = Side(args.redis, args.clients)
    mnemos = Side(args.mnemos, args.clients)
    sides = (redis, mnemos)
    for s in sides:
        s.control.call("CLIENT", "UNPAUSE")  # a pause of the last run is server-wide
        s.control.call("FLUSHALL")
        s.control.call("FUNCTION", "LOAD", "REPLACE", FUNCTIONS)
        s.control.call("CONFIG", "SET", "notify-keyspace-events", "")
        if args.stats:
            s.control.call("CLIENT", "SETNAME", "fuzz-control")
            s.control.call("CONFIG", "RESETSTAT")
            s.control.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
            s.control.call("CONFIG", "SET", "slowlog-max-len", "100000")
            s.control.call("SLOWLOG", "RESET")
    sent = []
    try:
        for step, (client, cmd) in enumerate(commands):
            sent.append((client, cmd))
            for s in sides:
                s.clients[client].send(resolve(cmd, s))
            for s in sides:
                s.settle()
            for i in range(args.clients):
                a, b = normalized(redis.received[i]), normalized(mnemos.received[i])
                if a != b or redis.clients[i].closed != mnemos.clients[i].closed:
                    if not quiet:
                        report(seed, step, i, sent, a, b, redis.clients[i].closed, mnemos.clients[i].closed)
                        for s in sides:
                            print("  CLIENT LIST on %d:" % s.port)
                            for line in s.control.call("CLIENT", "LIST").decode(errors="replace").splitlines()[1:]:
                                print("    " + " ".join(f for f in line.split() if f.split("=")[0] in
                                                       ("id", "flags", "db", "sub", "psub", "multi", "qbuf", "cmd", "resp")))
                    return step
            if args.stats and step % 10 == 9:
                a, b = counters(redis.control), counters(mnemos.control)
                a.update(client_fields(redis))
                b.update(client_fields(mnemos))
                a.update(latency_samples(redis))
                b.update(latency_samples(mnemos))
                a["slowlog"], b["slowlog"] = slowlog_entries(redis), slowlog_entries(mnemos)
                if a != b:
                    if not quiet:
                        report(seed, step, -1, sent, b"", b"", False, False)
                        for k in sorted(set(a) | set(b)):
                            if a.get(k) != b.get(k):
                                print("  %s redis %s mnemos %s" % (k, a.get(k), b.get(k)))
                    return step
            if all(c.closed for c in redis.clients):
                break
        return None
    finally:
        for s in sides:
            s.close()


def minimize(history, args):
    """Drops chunks of commands (halves, quarters, ... single ones) while the streams still diverge."""
    current = list(history)
    chunk = max(1, len(current) // 2)
    while True:
        i = 0
        while i < len(current):
            candidate = current[:i] + current[i + chunk:]
            if candidate and run(iter(candidate), args) is not None:
                current = candidate
            else:
                i += chunk
        if chunk == 1:
            return current
        chunk = max(1, chunk // 2)


def report(seed, step, client, history, a, b, closed_a, closed_b):
    print("seed %d: DIVERGENCE at step %d on client %d" % (seed, step, client))
    for n, (c, cmd) in enumerate(history[-25:]):
        print("  %4d c%d %s" % (len(history) - 25 + n if len(history) > 25 else n, c,
                               " ".join(str(x) for x in cmd)))
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    start = max(0, common - 200)
    print("  redis  (closed=%s): %r" % (closed_a, a[start:common + 300]))
    print("  mnemos (closed=%s): %r" % (closed_b, b[start:common + 300]))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--redis", type=int, required=True)
    p.add_argument("--mnemos", type=int, required=True)
    p.add_argument("--seeds", default="1-10")
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--minimize", action="store_true", help="on a divergence, shrink the stream and print it")
    p.add_argument("--stats", action="store_true",
                   help="also compare INFO's command, error and keyspace counters every 10 steps")
    args = p.parse_args()
    lo, _, hi = args.seeds.partition("-")
    for seed in range(int(lo), int(hi or lo) + 1):
        failing = run_seed(seed, args)
        if failing is not None:
            if args.minimize:
                print("minimized:")
                shortest = minimize(failing, args)
                for c, cmd in shortest:
                    print("  c%d %s" % (c, " ".join(str(x) for x in cmd)))
                run(iter(shortest), args, quiet=False, seed=seed)
            sys.exit(1)
        print("seed %d: %d steps, no divergence" % (seed, args.steps), flush=True)


if __name__ == "__main__":
    main()
