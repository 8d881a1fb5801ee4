#!/usr/bin/env python3
"""craft-bundle.py -- hostile bundles for the tests: a tar.zst written member by member, as an
attacker would, then signed with the test key (so only farrow's own rules can refuse it).

usage: craft-bundle.py OUT.tar.zst GNUPGHOME < spec.json
       craft-bundle.py --tar OUT.tar < spec.json     (the tar alone: a fuzzing seed)

spec (every key optional):
  format        "pax" (default), "gnu" or "ustar": how long names are stored (pax path,
                GNU long name, ustar prefix/name)
  top           the archive's top directory (default "t")
  manifest_top  what MANIFEST's `top` line says (default: top)
  files         {rel: content}: regular files under top, each listed in MANIFEST
  unlisted      {rel: content}: regular files under top that MANIFEST does not list
  list_only     [line, ...]: extra MANIFEST lines (e.g. "file <sha> 1 ../x")
  members       [{name, type: file|dir|symlink|hardlink|chardev|blockdev|fifo, target, content}]:
                raw members appended after the others, named exactly as given
  second_manifest  true: a second MANIFEST member at the end
  no_sign       true: leave the signature off
"""
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

raw_only = sys.argv[1] == "--tar"
out, home = (sys.argv[2], None) if raw_only else (sys.argv[1], sys.argv[2])
spec = json.load(sys.stdin)
fmt = {"pax": tarfile.PAX_FORMAT, "gnu": tarfile.GNU_FORMAT, "ustar": tarfile.USTAR_FORMAT}[
    spec.get("format", "pax")]
top = spec.get("top", "t")
files = spec.get("files", {"repo/a.txt": "a\n"})
lines = ["farrow-bundle 1", "top " + spec.get("manifest_top", top), "bundle crafted", "version 1",
         "target d12.x86_64", "epoch 1700000000", "key 0", "manifest-sha256 0"]
for rel, content in sorted(files.items()):
    data = content.encode()
    lines.append("file %s %d %s" % (hashlib.sha256(data).hexdigest(), len(data), rel))
lines += spec.get("list_only", [])
manifest = ("\n".join(lines) + "\n").encode()

types = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE,
         "hardlink": tarfile.LNKTYPE, "chardev": tarfile.CHRTYPE, "blockdev": tarfile.BLKTYPE,
         "fifo": tarfile.FIFOTYPE}


def add(t, name, kind="file", content=b"", target=""):
    ti = tarfile.TarInfo(name)
    ti.type = types[kind]
    ti.mtime = 1700000000
    ti.mode = 0o755 if kind == "dir" else 0o644
    ti.linkname = target
    if kind == "file":
        ti.size = len(content)
        t.addfile(ti, io.BytesIO(content))
    else:
        t.addfile(ti)


raw = io.BytesIO()
with tarfile.open(fileobj=raw, mode="w", format=fmt) as t:
    add(t, top, "dir")
    add(t, top + "/MANIFEST", content=manifest)
    for rel, content in sorted(files.items()):
        add(t, top + "/" + rel, content=content.encode())
    for rel, content in sorted(spec.get("unlisted", {}).items()):
        add(t, top + "/" + rel, content=content.encode())
    for m in spec.get("members", []):
        add(t, m["name"], m.get("type", "file"), m.get("content", "").encode(), m.get("target", ""))
    if spec.get("second_manifest"):
        add(t, top + "/MANIFEST", content=manifest.replace(b"bundle crafted", b"bundle other"))
if raw_only:
    open(out, "wb").write(raw.getvalue())
    sys.exit(0)
subprocess.run(["zstd", "-q", "-f", "-o", out], input=raw.getvalue(), check=True)
if not spec.get("no_sign"):
    subprocess.run(["gpg", "--homedir", home, "--batch", "--yes", "--detach-sign", "-o", out + ".sig", out],
                   check=True, stderr=subprocess.DEVNULL)
