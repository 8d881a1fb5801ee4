#!/usr/bin/env python3
"""serial-tty.py -- a qemu guest's serial console (the unix socket qemu serves) on this terminal.

usage: serial-tty.py SOCKET [LOG]

Run in a tmux pane, it makes the pane the guest's serial terminal: the pane's keys go to the
guest raw, the guest's bytes are drawn by tmux (so a test reads the guest's full-screen programs
with capture-pane and types with send-keys), and a copy of them goes to LOG. Ends when the guest
closes the console.
"""
import os
import select
import socket
import sys
import termios
import time
import tty


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_UNIX)
    for _ in range(300):
        try:
            sock.connect(sys.argv[1])
            break
        except OSError:
            time.sleep(0.1)
    else:
        print("serial-tty: cannot connect to " + sys.argv[1], file=sys.stderr)
        return 1
    log = open(sys.argv[2], "ab", buffering=0) if len(sys.argv) == 3 else None
    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd) if os.isatty(fd) else None
    if saved:
        tty.setraw(fd)
    try:
        while True:
            ready, _, _ = select.select([sock, fd], [], [])
            if sock in ready:
                data = sock.recv(65536)
                if not data:
                    return 0
                os.write(sys.stdout.fileno(), data)
                if log:
                    log.write(data)
            if fd in ready:
                data = os.read(fd, 1024)
                if not data:
                    return 0
                sock.sendall(data)
    finally:
        if saved:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    sys.exit(main())
