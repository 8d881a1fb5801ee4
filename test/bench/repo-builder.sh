#!/bin/bash
# repo-builder.sh -- figures for repo-builder, side by side with the tools it replaces.
# Prints; asserts nothing. Uses the host's apt lists and real .debs (apt-get download),
# cached in $FARROW_BENCH_CACHE (default /var/tmp/farrow-bench-cache), served on 127.0.0.1.
set -euo pipefail
BIN=${1:-build}
BIN=$(cd "$BIN" && pwd)
CACHE=${FARROW_BENCH_CACHE:-/var/tmp/farrow-bench-cache}
PKGS="postgresql-15 patroni pgbouncer pgbackrest haproxy etcd-server redis-server"
work=$(mktemp -d /tmp/farrow-bench.XXXXXX)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
# peak RSS (MiB) and wall time of a command: prints "rss seconds"
measure() {
	# shellcheck disable=SC2317
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
dt = time.monotonic() - t
if r.returncode:
    sys.exit(f"failed: {' '.join(sys.argv[1:])}")
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} {dt:.3f}")
PY
}

mapfile -t lists < <(apt-get indextargets --format '$(FILENAME)' 'Identifier: Packages' 'Architecture: amd64')
[ "${#lists[@]}" -gt 0 ] || { echo "bench: no apt lists here: run apt-get update" >&2; exit 1; }
idx=()
for l in "${lists[@]}"; do idx+=(--index "$l"); done
: >"$work/empty.status"

echo "== closure of: $PKGS (Debian 12 main+updates+security, empty base, Recommends on)"
t0=$(now)
# shellcheck disable=SC2086
apt-get -s -o Dir::State::status="$work/empty.status" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
	install $PKGS 2>/dev/null | awk '/^Inst/ {print $2, substr($3, 2)}' | sort >"$work/apt.txt"
t1=$(now)
# shellcheck disable=SC2086
"$BIN/repo-builder" resolve "${idx[@]}" --recommends $PKGS 2>/dev/null >"$work/closure.txt"
t2=$(now)
awk 'NR > 1 && NF == 4 {print $1, $2}' "$work/closure.txt" | sort >"$work/solv.txt"
apt_t=$(secs "$t0" "$t1")
rb_t=$(secs "$t1" "$t2")
printf '%-34s %10s %10s\n' "" "apt-get -s" "repo-builder"
printf '%-34s %10s %10s\n' "packages" "$(wc -l <"$work/apt.txt")" "$(wc -l <"$work/solv.txt")"
printf '%-34s %10s %10s   ratio %s (target <= 0.25)\n' "time (s)" "$apt_t" "$rb_t" "$(python3 -c "print(f'{$rb_t / $apt_t:.2f}')")"
printf '%-34s %s\n' "differences (apt-only / solv-only)" "$(comm -23 "$work/apt.txt" "$work/solv.txt" | tr '\n' ' ')/ $(comm -13 "$work/apt.txt" "$work/solv.txt" | tr '\n' ' ')"

echo
echo "== the same closure as real .debs, on a loopback mirror"
key=$(sha256sum "$work/solv.txt" | cut -c1-16)
debs=$CACHE/debs-$key
if [ ! -d "$debs" ]; then
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	(cd "$tmp" && awk '{print $1 "=" $2}' "$work/solv.txt" | xargs apt-get -q -o APT::Sandbox::User=root download >/dev/null)
	mv "$tmp" "$debs"
fi
m=$work/mirror
mkdir -p "$m/pool/main" "$m/dists/bookworm/main/binary-amd64"
ln "$debs"/*.deb "$m/pool/main/" 2>/dev/null || cp "$debs"/*.deb "$m/pool/main/"
ndebs=$(ls "$m/pool/main" | wc -l)
t0=$(now)
(cd "$m" && apt-ftparchive packages pool >dists/bookworm/main/binary-amd64/Packages)
t1=$(now)
ftp_t=$(secs "$t0" "$t1")
xz -k "$m/dists/bookworm/main/binary-amd64/Packages"
(cd "$m" && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm -o APT::FTPArchive::Release::Codename=bookworm \
	-o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 \
	release dists/bookworm >"$work/Release") && mv "$work/Release" "$m/dists/bookworm/Release"
g=$work/gpg
mkdir -m 700 "$g"
gpg --homedir "$g" --batch --passphrase '' --quick-gen-key "bench <b@farrow.invalid>" rsa3072 sign never 2>/dev/null
gpg --homedir "$g" --batch --clearsign -o "$m/dists/bookworm/InRelease" "$m/dists/bookworm/Release"
gpg --homedir "$g" --export >"$work/mirror.gpg"
gpgconf --homedir "$g" --kill all
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/usr/bin/python3 -m http.server --bind 127.0.0.1 "$port" --directory "$m" >/dev/null 2>&1 &
server=$!
sleep 1
"$BIN/repo-builder" keygen --out "$work/key" >/dev/null
cat >"$work/m.yml" <<YML
version: 0.0.1
recommends: true
targets: [ d12.x86_64 ]
repos: [ { name: mirror, type: deb, url: "http://127.0.0.1:$port", suite: bookworm, key: $work/mirror.gpg } ]
packages: [ $(echo "$PKGS" | sed 's/ /, /g') ]
base: { status: $work/empty.status }
YML
read -r rss cold < <(measure "$BIN/repo-builder" build "$work/m.yml" --key "$work/key/farrow-signing.key" \
	--out "$work/out" --cache "$work/cache" --quiet)
"$BIN/repo-builder" build "$work/m.yml" --key "$work/key/farrow-signing.key" --out "$work/out2" \
	--cache "$work/cache" --json >"$work/events"
read -r rss2 noop < <(measure "$BIN/repo-builder" build "$work/m.yml" --key "$work/key/farrow-signing.key" \
	--out "$work/out" --cache "$work/cache" --quiet)
eval "$(python3 - "$work/events" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
print(f"index_t={e['index_s']:.3f} pack_t={e['pack_s']:.3f} sign_t={e['sign_s']:.3f} bsize={e['size']}")
PY
)"
mkdir "$work/tree" && tar -C "$work/tree" -xf "$work/out/"*.tar.zst
t0=$(now)
tar -C "$work/tree" -czf "$work/tree.tgz" .
t1=$(now)
tgz_t=$(secs "$t0" "$t1")
tgz_size=$(stat -c %s "$work/tree.tgz")
printf '%-34s %12s %12s\n' "" "oracle" "repo-builder"
printf '%-34s %12s %12s   ratio %s (target <= 0.5)\n' "index $ndebs .debs (s)" "$ftp_t" "$index_t" \
	"$(python3 -c "print(f'{$index_t / $ftp_t:.2f}')")"
printf '%-34s %12s %12s   ratio %s (target <= 0.2)\n' "pack, tar czf vs tar.zst (s)" "$tgz_t" "$pack_t" \
	"$(python3 -c "print(f'{$pack_t / $tgz_t:.2f}')")"
printf '%-34s %12s %12s   ratio %s (target <= 1.0)\n' "bundle size (bytes)" "$tgz_size" "$bsize" \
	"$(python3 -c "print(f'{$bsize / $tgz_size:.3f}')")"
printf '%-34s %12s %12s\n' "cold build from loopback (s)" "" "$cold"
printf '%-34s %12s %12s\n' "detached signature of the bundle (s)" "" "$sign_t"
printf '%-34s %12s %12s   (target < 1 s)\n' "no-op rebuild, warm cache (s)" "" "$noop"
printf '%-34s %12s %12s   (target < 200 MiB)\n' "peak RSS of build (MiB)" "" "$([ "$rss" -gt "$rss2" ] && echo "$rss" || echo "$rss2")"
