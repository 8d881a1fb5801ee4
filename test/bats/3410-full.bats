#!/usr/bin/env bats
# Pigsty's ha/full on the 4-node sandbox: etcd of three on .10-.12, pg-meta of one on .10,
# pg-test of three on .11-.13 (pg-test-3 on a node without etcd, an offline-query replica),
# with pg-test's L2 VIP. One farrow install; farrow status judges both clusters healthy.
# MinIO and Redis are left out of the inventory: those modules are the next issue's.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_node_fixture "$W" 4
	farrow configure -n -c ha/full --nodes 10.10.10.10,10.10.10.11,10.10.10.12,10.10.10.13 -v "$FR_PG" -g \
		-o "$W/full0.yml" >/dev/null
	# without the minio and redis-* groups (a blank line ends each group), with pg-test's VIP
	awk '/^    (minio|redis-[a-z]+):$/ { skip = 1 } skip && /^$/ { skip = 0; next } !skip' "$W/full0.yml" >"$W/full1.yml"
	fr_mutate "$W/full1.yml" "        pg_cluster: pg-test" "        pg_cluster: pg-test
        pg_vip_enabled: true
        pg_vip_address: 10.10.10.3/24" "$W/full.yml"
	fr_pgpass "$W/full.yml" "$W/pgpass" dbuser_test
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

@test "ha/full: four nodes at once; etcd of three, pg-meta of one, pg-test of three with its VIP; farrow status: all healthy" {
	run -0 farrow inventory check "$W/full.yml"
	refute_output --partial minio
	SECONDS=0
	run -0 farrow install "$W/full.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --wait 900 --firstboot "$FB"
	echo "ha/full install took $SECONDS s" >&3
	for ip in 10.10.10.10 10.10.10.11 10.10.10.12 10.10.10.13; do
		assert_line --regexp "^${ip//./\\.} +ok: installed "
	done
	# healthy (a replica still catching up, Patroni's "running" with its stream, counts), and
	# pg-test-3 streaming: the assertions below read one status that shows both
	for _ in $(seq 90); do
		out=$(farrow status "$W/full.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts") &&
			grep -qE "^  pg-test-3 +10\.10\.10\.13 +replica +streaming " <<<"$out" && break
		sleep 1
	done
	run -0 farrow status "$W/full.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	echo "$output" >&3
	assert_output --regexp "etcd \(etcd\): healthy, 3 of 3 members healthy"
	assert_output --partial "pg-meta (PostgreSQL): healthy, leader pg-meta-1"
	assert_output --partial "pg-test (PostgreSQL): healthy, leader pg-test-1"
	assert_line --regexp "^  pg-test-3 +10\.10\.10\.13 +replica +streaming "
	# pg-test-3's node has no etcd member: its Patroni reaches the cluster's (peers in its profile)
	run -0 "$SANDBOX" exec 4 grep -A4 "^etcd3:" /etc/patroni/config.yml
	assert_output --partial "- 10.10.10.10:2379"
	assert_output --partial "- 10.10.10.12:2379"
	export PGPASSFILE=$W/pgpass PGCONNECT_TIMEOUT=5
	# the VIP reaches pg-test's leader; 5438 on any member reaches the offline-query replica
	run -0 psql "host=10.10.10.3 port=5432 user=dbuser_test dbname=test" -XAtqc "select pg_is_in_recovery(), inet_server_addr()"
	assert_output "f|10.10.10.3"
	run -0 psql "host=10.10.10.11 port=5438 user=dbuser_test dbname=test" -XAtqc "select inet_server_addr()"
	assert_output "10.10.10.13"
}
