#!/usr/bin/env bats
# A cluster of three (Pigsty's ha/trio): farrow install lays down three sandbox nodes at once;
# each converges at its own pace from its own profile: etcd forms with one member setting RBAC
# up and the others waiting for it, Patroni elects the primary and both replicas clone from it
# and stream, every member's HAProxy routes 5433 to the leader and 5434 to a replica.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_dist_vars
	export FARROW_SANDBOX=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
	export SANDBOX="$FARROW_ROOT/test/sandbox/sandbox.sh"
	"$SANDBOX" down
	FARROW_BIN=${FARROW_BIN:-$FARROW_ROOT/build} "$SANDBOX" up 3 >&3
	rb="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/repo-builder"
	"$rb" keygen --out "$W/key" >/dev/null
	"$rb" build "$FARROW_ROOT/profiles/bundles/$FR_TARGET-meta.yml" --key "$W/key/farrow-signing.key" \
		--out "$W/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	export BUNDLE=$W/dist/farrow-pkg-0.1.0.$FR_TARGET.x86_64.tar.zst
	farrow configure -n -c ha/trio --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -v "$FR_PG" -g -o "$W/trio.yml" >/dev/null
	fr_pgpass "$W/trio.yml" "$W/pgpass"
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_teardown_file
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_setup
	KEY=$("$SANDBOX" key)
}

sql() { # sql HOST PORT SQL
	psql "host=$1 port=$2 user=dbuser_meta dbname=meta" -XAtqc "$3"
}

@test "ha/trio: three nodes at once; etcd of three, a leader and two streaming replicas" {
	SECONDS=0
	run -0 farrow install "$W/trio.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --wait 900 --firstboot "$FB"
	echo "ha/trio install took $SECONDS s" >&3
	for ip in 10.10.10.10 10.10.10.11 10.10.10.12; do
		assert_line --regexp "^${ip//./\\.} +ok: installed \(10 packages for its roles\); 5 modules converged"
	done
	# three processes recorded three new host keys in one known_hosts: none lost
	run -0 wc -l <"$W/known_hosts"
	assert_output 3
	# etcd: three started members; one set RBAC up (etcd-1), the others found it on or waited for it
	run -0 "$SANDBOX" exec 1 grep -c "RBAC: root made, authentication on" /var/log/farrow/etcd.log
	for n in 2 3; do
		run -1 "$SANDBOX" exec "$n" grep -c "RBAC: root made" /var/log/farrow/etcd.log
		run -0 "$SANDBOX" exec "$n" grep -cE "RBAC: on( \(set up by etcd-1\)|, root's password is the profile's)" \
			/var/log/farrow/etcd.log
	done
	run -0 "$SANDBOX" exec 1 sh -c 'p=$(sed -n "s/^  etcd_root_password: //p" /etc/farrow/profile.yml)
		ETCDCTL_API=3 ETCDCTL_USER="root:$p" etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/etcd/ssl/ca.crt \
			member list -w simple'
	assert_equal "$(grep -c ', started, etcd-' <<<"$output")" 3
	# Patroni: one leader, two replicas streaming from it
	for _ in $(seq 60); do
		out=$("$SANDBOX" exec 1 patronictl -c /etc/patroni/config.yml list 2>/dev/null || true)
		[ "$(grep -c '| streaming |' <<<"$out")" -eq 2 ] && break
		sleep 1
	done
	run -0 "$SANDBOX" exec 1 patronictl -c /etc/patroni/config.yml list
	assert_line --regexp "\| pg-meta-1 +\| 10\.10\.10\.10 +\| Leader +\| running "
	assert_line --regexp "\| pg-meta-2 +\| 10\.10\.10\.11 +\| Replica +\| streaming "
	assert_line --regexp "\| pg-meta-3 +\| 10\.10\.10\.12 +\| Replica +\| streaming "
}

@test "every member's HAProxy: 5433 reaches the leader, 5434 a replica; a write on the leader reads back on both replicas" {
	export PGPASSFILE=$W/pgpass PGCONNECT_TIMEOUT=5
	for ip in 10.10.10.10 10.10.10.11 10.10.10.12; do
		run -0 sql "$ip" 5433 "select pg_is_in_recovery()"
		assert_output "f"
		run -0 sql "$ip" 5434 "select pg_is_in_recovery()"
		assert_output "t"
	done
	run -0 sql 10.10.10.10 5433 "create table if not exists farrow.trio (id int primary key); insert into farrow.trio values (1) on conflict do nothing"
	for ip in 10.10.10.11 10.10.10.12; do
		for _ in $(seq 20); do [ "$(sql "$ip" 5432 "select count(*) from farrow.trio" 2>/dev/null)" = 1 ] && break; sleep 0.5; done
		run -0 sql "$ip" 5432 "select count(*) from farrow.trio"
		assert_output 1
	done
}
