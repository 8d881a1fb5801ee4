#!/bin/sh
# demo.sh -- the main job on the embedded default: configure the `meta`
# profile for this machine's address and list what it will run.
# usage: tools/demo.sh BUILD_DIR
set -eu
bin=${1:-build}
out=${DEMO_DIR:-demo}
mkdir -p "$out"
echo "== farrow configure -n -c meta -g (detected IP) -> $out/farrow.yml"
set +e
"$bin/farrow" configure -n -c meta -g -o "$out/farrow.yml"
rc=$?
set -e
if [ "$rc" -eq 9 ]; then
	# several addresses: take the one of the default route's interface, or the first
	ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
	echo "== several addresses; using $ip (pass -i to choose)"
	"$bin/farrow" configure -n -c meta -g -i "$ip" -o "$out/farrow.yml"
elif [ "$rc" -ne 0 ]; then
	exit "$rc"
fi
echo
echo "== farrow inventory check $out/farrow.yml"
"$bin/farrow" inventory check "$out/farrow.yml"
echo
echo "== farrow inventory list $out/farrow.yml"
"$bin/farrow" inventory list "$out/farrow.yml"
