#!/usr/bin/env python3
"""Regenerates src/main/resources/io/mnemos/command/redis-commands.meta from a running redis-server 7.0.

Mnemos declares arity, flags, key positions, group, since, summary and complexity in its CommandSpecs;
what a CommandSpec cannot express (key specs, tips, doc flags, history, argument docs;
summary and complexity as fallbacks for specs that leave them empty) is copied here
from real Redis, as RESP3 fragments, one line per command and field: name TAB field TAB base64(resp3);
the acl field holds the ACL categories Redis does not derive from the flags (comma-separated).

usage: scripts/gen_command_metadata.py PORT > src/main/resources/io/mnemos/command/redis-commands.meta
"""
import base64
import socket
import sys


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)
        end = None
        while end is None:
            try:
                end = skip(self.buf, 0)
            except IndexError:
                chunk = self.s.recv(1 << 20)
                if not chunk:
                    raise EOFError
                self.buf += chunk
        reply, self.buf = self.buf[:end], self.buf[end:]
        return reply


def line_end(b, i):
    j = b.index(b"\r\n", i)
    return j


def skip(b, i):
    """Index just past the RESP3 value starting at i (IndexError/ValueError if incomplete)."""
    if i >= len(b):
        raise IndexError
    t = b[i:i + 1]
    try:
        j = b.index(b"\r\n", i)
    except ValueError:
        raise IndexError
    head = b[i + 1:j]
    if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return j + 2
    if t in (b"$", b"=", b"!"):
        n = int(head)
        if n < 0:
            return j + 2
        if j + 2 + n + 2 > len(b):
            raise IndexError
        return j + 2 + n + 2
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(head)
        if n < 0:
            return j + 2
        if t in (b"%", b"|"):
            n *= 2
        k = j + 2
        for _ in range(n):
            k = skip(b, k)
        return k
    raise ValueError("bad type %r" % t)


def children(b, i):
    """(start, end) spans of the elements of the aggregate at i."""
    j = b.index(b"\r\n", i)
    t = b[i:i + 1]
    n = int(b[i + 1:j])
    if t in (b"%", b"|"):
        n *= 2
    spans = []
    k = j + 2
    for _ in range(n):
        e = skip(b, k)
        spans.append((k, e))
        k = e
    return spans


def bulk(b, span):
    s, e = span
    j = b.index(b"\r\n", s)
    assert b[s:s + 1] in (b"$", b"+")
    if b[s:s + 1] == b"+":
        return b[s + 1:j].decode()
    return b[j + 2:e - 2].decode()


def emit(name, field, raw):
    print("%s\t%s\t%s" % (name, field, base64.b64encode(raw).decode()))


def info_entry(b, span):
    parts = children(b, span[0])
    name = bulk(b, parts[0])
    flags = {bulk(b, f) for f in children(b, parts[2][0])}
    cats = [bulk(b, f)[1:] for f in children(b, parts[6][0])]
    implicit = set()
    if "write" in flags:
        implicit.add("write")
    if "readonly" in flags and "scripting" not in cats:
        implicit.add("read")
    if "admin" in flags:
        implicit |= {"admin", "dangerous"}
    if "pubsub" in flags:
        implicit.add("pubsub")
    if "fast" in flags:
        implicit.add("fast")
    if "blocking" in flags:
        implicit.add("blocking")
    if "fast" not in implicit and "fast" not in cats:
        implicit.add("slow")
    print("%s\tacl\t%s" % (name, ",".join(c for c in cats if c not in implicit)))
    emit(name, "tips", b[parts[7][0]:parts[7][1]])
    emit(name, "keyspecs", b[parts[8][0]:parts[8][1]])
    for sub in children(b, parts[9][0]):
        info_entry(b, sub)


def docs_map(b, name, span):
    kv = children(b, span[0])
    for k in range(0, len(kv), 2):
        key = bulk(b, kv[k])
        val = kv[k + 1]
        if key in ("doc_flags", "deprecated_since", "replaced_by", "history", "arguments"):
            emit(name, "doc:" + key, b[val[0]:val[1]])
        elif key in ("summary", "complexity"):
            emit(name, key, b[val[0]:val[1]])
        elif key == "subcommands":
            sub = children(b, val[0])
            for m in range(0, len(sub), 2):
                docs_map(b, bulk(b, sub[m]), sub[m + 1])


def main():
    c = Conn(int(sys.argv[1]))
    c.call("HELLO", "3")
    listing = c.call("COMMAND", "LIST")
    names = sorted(bulk(listing, s) for s in children(listing, 0) if "|" not in bulk(listing, s))
    for name in names:
        info = c.call("COMMAND", "INFO", name)
        info_entry(info, children(info, 0)[0])
        docs = c.call("COMMAND", "DOCS", name)
        kv = children(docs, 0)
        docs_map(docs, bulk(docs, kv[0]), kv[1])


if __name__ == "__main__":
    main()
