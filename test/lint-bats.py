#!/usr/bin/env python3
"""lint-bats.py -- fail on bats assertions that cannot fail their test.

bats runs a test with `set -e`, and bash's errexit ignores a failing command that is negated
(`! cmd`) or that is the left side of `&&`. So, anywhere in a @test but its last command:
  ! grep -q secret log          never fails the test
  [ -f a ] && [ -f b ]          fails the test only when the last one fails
are dead assertions. Write them with run + assert_*/refute_* or `run -N`, or as separate lines.

Control flow is fine and not reported: `&&` followed by break/continue/return/exit/true, and
conditions of if/elif/while/until. A line that means it can end with `# lint: control`.

usage: lint-bats.py FILE...     exit 1 when something is reported (file:line: what)
"""
import re
import sys

CONTROL_TAIL = re.compile(r"&&\s*(break|continue|return|exit|true|:)\b[^&|]*$")
COND_HEAD = re.compile(r"^(if|elif|while|until)\b")


def scan(s):
    """(s with quoted strings, $(...) and comments blanked, open) where open says a quote or a
    $( is still open at the end: the command goes on on the next line."""
    out, i, q, depth = [], 0, None, 0
    while i < len(s):
        c = s[i]
        if q:
            if c == "\\" and q == '"':
                out.append("  ")
                i += 2
                continue
            if c == q:
                q = None
            out.append(" ")
        elif c in "'\"":
            q = c
            out.append(" ")
        elif c == "$" and s[i + 1:i + 2] == "(":
            depth += 1
            out.append("  ")
            i += 2
            continue
        elif c == ")" and depth:
            depth -= 1
            out.append(" ")
        elif depth:
            out.append(" ")
        elif c == "#" and (i == 0 or s[i - 1] in " \t;"):
            break
        else:
            out.append(c)
        i += 1
    return "".join(out), bool(q) or depth > 0


def strip_quotes(s):
    return scan(s)[0]


def commands(body):
    """(line number, text) of each logical command of a test body: continuation lines (a trailing
    backslash, &&, || or |) and multi-line quoted strings joined."""
    cmds, cur, start = [], "", None
    for n, line in body:
        if start is None:
            start = n
        cur += line + "\n"
        bare, still_open = scan(cur)
        tail = bare.rstrip()
        if still_open or tail.endswith("\\") or tail.endswith("&&") or tail.endswith("||") or tail.endswith("|"):
            continue
        if cur.strip() and not cur.strip().startswith("#"):
            cmds.append((start, cur))
        cur, start = "", None
    return cmds


def lint(path):
    problems = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    heredoc = None
    while i < len(lines):
        if re.match(r"^@test\s", lines[i]):
            body, depth, i = [], 0, i + 1
            while i < len(lines) and not re.match(r"^}\s*$", lines[i]):
                line = lines[i]
                if heredoc:
                    if line.strip() == heredoc:
                        heredoc = None
                    i += 1
                    continue
                m = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", strip_quotes(line) if "<<" in line else "")
                if m is None and "<<" in line:
                    m = re.search(r"<<-?\s*['\"]?([A-Za-z_]+)['\"]?", line)
                body.append((i + 1, line))
                if m:
                    heredoc = m.group(1)
                i += 1
            cmds = commands(body)
            for k, (n, text) in enumerate(cmds):
                last = k == len(cmds) - 1
                bare = " ".join(strip_quotes(text).split())
                if "lint: control" in text or last:
                    continue
                if COND_HEAD.match(bare):
                    continue
                if re.match(r"^!\s", bare):
                    problems.append((n, "a '! cmd' that is not the test's last command never fails it: %s"
                                     % text.strip().split("\n")[0]))
                elif "&&" in bare and not CONTROL_TAIL.search(bare) and not bare.startswith("[["):
                    problems.append((n, "the left side of '&&' never fails the test: %s"
                                     % text.strip().split("\n")[0]))
        i += 1
    return problems


def main():
    bad = 0
    for path in sys.argv[1:]:
        for n, what in lint(path):
            print("%s:%d: %s" % (path, n, what))
            bad += 1
    if bad:
        print("lint-bats: %d dead assertion%s (see test/lint-bats.py)" % (bad, "" if bad == 1 else "s"))
    sys.exit(1 if bad else 0)


main()
