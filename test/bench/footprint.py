#!/usr/bin/env python3
"""footprint.py -- idle footprint of the sandbox nodes' processes: per component (by command
name) processes, RSS and PSS (MiB, from /proc/PID/smaps_rollup) and CPU (% of one core over a
window, from /proc/PID/stat), for every process in the nodes' network namespaces frn1..frnN.
usage: footprint.py N_NODES [SECONDS]   (root; prints a table; asserts nothing)"""
import os, subprocess, sys, time

nodes = int(sys.argv[1])
window = float(sys.argv[2]) if len(sys.argv) > 2 else 45.0
tick = os.sysconf("SC_CLK_TCK")
groups = {"etcd": "etcd", "patroni": "patroni", "postgres": "postgres", "pgbouncer": "pgbouncer",
          "haproxy": "haproxy", "farrow-firstboot": "farrow"}


def pids():
    out = []
    for i in range(1, nodes + 1):
        r = subprocess.run(["ip", "netns", "pids", f"frn{i}"], capture_output=True, text=True)
        out += [int(p) for p in r.stdout.split()]
    return out


def component(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        comm = open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return None
    for key, name in groups.items():
        if key in comm or key in cmd.split(" ")[0] or (key == "patroni" and "/usr/bin/patroni" in cmd):
            return name
    return "other"


def cpu(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except (OSError, IndexError):
        return None


def mem(pid):
    rss = pss = 0
    try:
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


before = {p: cpu(p) for p in pids()}
time.sleep(window)
rows = {}
for p, c0 in before.items():
    c1, name = cpu(p), component(p)
    if c0 is None or c1 is None or name is None:
        continue
    rss, pss = mem(p)
    r = rows.setdefault(name, [0, 0, 0, 0.0])
    r[0] += 1
    r[1] += rss
    r[2] += pss
    r[3] += (c1 - c0) / tick / window * 100
print(f"{'component':<12} {'procs':>5} {'RSS MiB':>8} {'PSS MiB':>8} {'CPU % of 1 core':>16}")
total = [0, 0, 0, 0.0]
for name in sorted(rows):
    r = rows[name]
    total = [a + b for a, b in zip(total, r)]
    print(f"{name:<12} {r[0]:>5} {r[1] / 1024:>8.1f} {r[2] / 1024:>8.1f} {r[3]:>16.2f}")
print(f"{'ALL':<12} {total[0]:>5} {total[1] / 1024:>8.1f} {total[2] / 1024:>8.1f} {total[3]:>16.2f}")
