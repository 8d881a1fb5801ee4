#!/bin/bash
# image.sh -- figures for farrow image: build time and size of a per-node image of Pigsty's meta
# node as dir, tar and raw, and the dir image booted on a sandbox node with nothing added ->
# PostgreSQL accepting connections (goal <= 15 s; install.sh gives install-over-SSH's figure
# beside it). Prints; asserts nothing. Needs root on Debian 12; the test cache for the packages.
set -euo pipefail
. "$(dirname "$0")/common.sh"
bench_skip_unless_sandbox "farrow image"
bench_bundle image --image
farrow configure -n -c meta -i 10.10.10.10 -g -o meta.yml >/dev/null
"$SANDBOX" down

build() { # build FORMAT OUT: prints "seconds size"
	local t0 t1
	t0=$(date +%s.%N)
	farrow image build --bundle "$bundle" --key key/farrow-signing.gpg --inventory meta.yml --host 10.10.10.10 \
		--firstboot "$BIN/farrow-firstboot" --format "$1" -o "$2" --quiet
	t1=$(date +%s.%N)
	echo "$(python3 -c "print(f'{$t1 - $t0:.0f}')") $(du -sm --apparent-size "$2" | cut -f1)"
}
read -r tdir sdir < <(build dir meta.root)
read -r ttar star < <(build tar meta.tar)
read -r traw sraw < <(build raw meta.raw)
rm -f meta.tar meta.raw

t0=$(date +%s.%N)
"$SANDBOX" image 1 meta.root >/dev/null
while ! pg_isready -q -h 10.10.10.10 -p 5432 -t 1 2>/dev/null; do sleep 0.2; done
ready=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.1f}')")

echo "== farrow image, the meta node (node, ca, etcd, pgsql), bundle of $(du -m "$bundle" | cut -f1) MiB"
printf '%-46s %s\n' "build, dir" "$tdir s, $sdir MiB"
printf '%-46s %s\n' "build, tar" "$ttar s, $star MiB"
printf '%-46s %s\n' "build, raw (GPT, BIOS + UEFI)" "$traw s, $sraw MiB"
printf '%-46s %s\n' "dir image booted -> PostgreSQL accepting" "$ready s   (goal <= 15 s; install over SSH: above)"
