#!/bin/sh
# demo.sh -- the main job on the embedded defaults, end to end: a signed bundle of the default
# Debian 12 manifest (from this host's apt), a 1-node sandbox (a systemd-nspawn node at
# 10.10.10.10 with no route off its bridge), farrow configure (meta), farrow install, and a psql
# command line that works from this host.
# usage: tools/demo.sh BUILD_DIR      (make demo; root on Debian 12, for the sandbox)
set -eu
bin=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
out=${DEMO_DIR:-demo}
cache=${FR_TEST_CACHE:-/var/tmp/farrow-test-cache}
sandbox=$root/test/sandbox/sandbox.sh
PATH=$bin:$PATH
export PATH

[ "$(id -u)" = 0 ] || { echo "demo: the sandbox node needs root (systemd-nspawn, network namespaces)" >&2; exit 1; }
. /etc/os-release
[ "$ID$VERSION_ID" = debian12 ] || { echo "demo: the default bundle is built from a Debian 12 host's apt" >&2; exit 1; }
mkdir -p "$out" "$cache/rb-cache"
out=$(cd "$out" && pwd)

step() { printf '\n== %s\n' "$*"; }

# a failed demo takes down the sandbox it started, so nothing keeps running (the demo/ files stay)
cleanup() {
	rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "demo: failed (exit $rc); stopping the sandbox node (make sandbox-down)" >&2
		"$sandbox" down || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "repo-builder keygen -> $out/key (once)"
[ -f "$out/key/farrow-signing.key" ] || repo-builder keygen --out "$out/key"

step "repo-builder build profiles/bundles/d12-meta.yml -> $out/dist (the first run downloads about 90 MiB from this host's apt)"
repo-builder build "$root/profiles/bundles/d12-meta.yml" --key "$out/key/farrow-signing.key" --out "$out/dist" \
	--cache "$cache/rb-cache"
bundle=$(ls "$out"/dist/farrow-pkg-*.d12.x86_64.tar.zst | head -1)

step "farrow configure -n -c meta -i 10.10.10.10 -g -> $out/farrow.yml"
if [ -f "$out/farrow.yml" ]; then
	echo "$out/farrow.yml exists: kept (its generated credentials too)"
	fresh=
else
	farrow configure -n -c meta -i 10.10.10.10 -g -o "$out/farrow.yml"
	fresh=1
fi

step "sandbox: one node at 10.10.10.10"
# new credentials and a new CA deserve a new node: farrow never takes over another cluster's member
[ -z "$fresh" ] || "$sandbox" down
"$sandbox" up 1

step "farrow install $out/farrow.yml"
cd "$out"
farrow install farrow.yml --bundle "$bundle" --key key/farrow-signing.gpg --ssh-key "$("$sandbox" key)" \
	--known-hosts known_hosts --accept-new-host-keys

# the business user's password goes to a pgpass file (0600), never onto a command line
pw=$(grep -o 'name: dbuser_meta, password: [^ ,}]*' farrow.yml | sed 's/.*password: //')
umask 077
printf '10.10.10.10:*:*:dbuser_meta:%s\n' "$pw" >pgpass
export PGPASSFILE="$out/pgpass" PGCONNECT_TIMEOUT=5
step "psql through haproxy (5433) -> pgbouncer -> the primary"
psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtc \
	"select 'connected as ' || current_user || ' to ' || current_database() || ', ' || version()"

cat <<EOT

farrow demo: PostgreSQL runs on the sandbox node 10.10.10.10. From this host:

    PGPASSFILE=$out/pgpass psql -h 10.10.10.10 -p 5433 -U dbuser_meta meta

  ports: 5432 postgres, 6432 pgbouncer, 5433 primary, 5434 replica, 5436 direct, 5438 offline
  node:  $sandbox shell 1      stop it: make sandbox-down
EOT
