#!/usr/bin/env python3
"""serial.py -- drive a qemu guest's serial console (a unix socket qemu serves) from a test.

usage: serial.py SOCKET LOG [STEP ...]

Each STEP is `expect:REGEX` (wait until the console's output since the last step matches),
`send:TEXT` (type TEXT; \\r, \\n, \\e and \\xNN escapes; `down` and `up` are the arrow keys),
`refute:SECONDS:REGEX` (read for SECONDS; fail if the output matches), `sleep:SECONDS`, or
`timeout:SECONDS` (the bound of every later expect; default 300).
Everything the guest writes goes to LOG as it comes. Prints each match and when it came
(seconds since the connection); exits 0 when every step passed, 1 on a timeout or when the
guest closes the console first (the output so far says where it stopped).
"""
import re
import socket
import sys
import time

KEYS = {"down": b"\x1b[B", "up": b"\x1b[A"}


def unescape(s):
    if s in KEYS:
        return KEYS[s]
    return s.encode().decode("unicode_escape").replace("\\e", "\x1b").encode("latin-1")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, logpath, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
    sock = socket.socket(socket.AF_UNIX)
    for _ in range(300):
        try:
            sock.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        print(f"serial.py: cannot connect to {path}", file=sys.stderr)
        return 1
    start = time.monotonic()
    bound = 300.0
    seen = b""
    with open(logpath, "ab") as log:
        for step in steps:
            kind, _, arg = step.partition(":")
            if kind == "timeout":
                bound = float(arg)
            elif kind == "sleep":
                time.sleep(float(arg))
            elif kind == "send":
                sock.sendall(unescape(arg))
            elif kind == "expect":
                rx = re.compile(arg.encode())
                end = time.monotonic() + bound
                while not rx.search(seen):
                    left = end - time.monotonic()
                    if left <= 0:
                        print(f"serial.py: timed out after {bound:.0f} s waiting for {arg!r}", file=sys.stderr)
                        return 1
                    sock.settimeout(min(left, 1.0))
                    try:
                        data = sock.recv(65536)
                    except socket.timeout:
                        continue
                    if not data:
                        print(f"serial.py: the console closed while waiting for {arg!r}", file=sys.stderr)
                        return 1
                    log.write(data)
                    log.flush()
                    seen += data
                m = rx.search(seen)
                print(f"{time.monotonic() - start:.1f} s: {m.group(0).decode(errors='replace')!r}")
                seen = seen[m.end():]
            elif kind == "refute":
                secs, _, pat = arg.partition(":")
                rx = re.compile(pat.encode())
                end = time.monotonic() + float(secs)
                while time.monotonic() < end and not rx.search(seen):
                    sock.settimeout(max(0.05, min(end - time.monotonic(), 1.0)))
                    try:
                        data = sock.recv(65536)
                    except socket.timeout:
                        continue
                    if not data:
                        break
                    log.write(data)
                    log.flush()
                    seen += data
                m = rx.search(seen)
                if m:
                    print(f"serial.py: {m.group(0).decode(errors='replace')!r} came, which must not", file=sys.stderr)
                    return 1
                print(f"{time.monotonic() - start:.1f} s: no {pat!r} in {float(secs):.0f} s")
            else:
                print(f"serial.py: unknown step {step!r}", file=sys.stderr)
                return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
