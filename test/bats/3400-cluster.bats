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
	fr_node_fixture "$W" 3
	farrow configure -n -c ha/trio --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -v "$FR_PG" -g -o "$W/trio0.yml" >/dev/null
	# the L2 VIP the template leaves for the user to pick: 10.10.10.2 on the sandbox's bridge
	fr_mutate "$W/trio0.yml" "        #pg_vip_enabled: true
        #pg_vip_address: <vip>/24" "        pg_vip_enabled: true
        pg_vip_address: 10.10.10.2/24" "$W/trio.yml"
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

trio_install() {
	farrow install "$W/trio.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --wait 900 --firstboot "$FB"
}

leader_sysid() { # the database system identifier of node 1's PostgreSQL, as its dbsu reads it
	"$SANDBOX" exec 1 runuser -u postgres -- psql -XAtc "select system_identifier from pg_control_system()"
}

@test "ha/trio: three nodes at once, farrow-firstboot killed on one mid-formation and run again; etcd of three, a leader and two streaming replicas" {
	SECONDS=0
	trio_install >"$W/killed.log" 2>&1 &
	pid=$!
	# node 3's firstboot is in its pgsql module (etcd formed, its Patroni joining): kill -9 it
	caught=
	for _ in $(seq 900); do
		if "$SANDBOX" exec 3 farrow-firstboot status --json 2>/dev/null | grep -q '"name":"pgsql","state":"running"'; then
			caught=1
			break
		fi
		sleep 1
	done
	[ -n "$caught" ]
	run -0 "$SANDBOX" exec 3 systemctl kill --kill-whom=main -s KILL farrow-firstboot.service
	st=0
	wait "$pid" || st=$?
	run -0 cat "$W/killed.log"
	assert_equal "$st" 1
	assert_line --regexp "^10\.10\.10\.12 +FAILED: farrow-firstboot failed: "
	for ip in 10.10.10.10 10.10.10.11; do
		assert_line --regexp "^${ip//./\\.} +ok: installed \(10 packages for its roles\); 5 modules converged"
	done
	run -0 leader_sysid
	sysid=$output
	# run again: it converges, and the leader's data is the same cluster (nothing re-initialised)
	run -0 trio_install
	echo "ha/trio install, killed and run again, took $SECONDS s" >&3
	for ip in 10.10.10.10 10.10.10.11 10.10.10.12; do
		assert_line --regexp "^${ip//./\\.} +ok: (installed|unchanged: nothing to do) \(10 packages for its roles\); 5 modules converged"
	done
	run -0 leader_sysid
	assert_output "$sysid"
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
	# the VIP is on the leader: PostgreSQL's own port there is the primary's
	run -0 sql 10.10.10.2 5432 "select pg_is_in_recovery(), inet_server_addr()"
	assert_output "f|10.10.10.2"
	run -0 "$SANDBOX" exec 1 ip -4 -o addr show dev eth0
	assert_output --partial "inet 10.10.10.2/24"
	for ip in 10.10.10.11 10.10.10.12; do
		for _ in $(seq 20); do [ "$(sql "$ip" 5432 "select count(*) from farrow.trio" 2>/dev/null)" = 1 ] && break; sleep 0.5; done
		run -0 sql "$ip" 5432 "select count(*) from farrow.trio"
		assert_output 1
	done
}

@test "farrow status: etcd 3 of 3, pg-meta healthy with two streams and its services; a member stopped makes it degraded" {
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	assert_output --regexp "etcd \(etcd\): healthy, 3 of 3 members healthy, leader etcd-[123]"
	assert_output --partial "pg-meta (PostgreSQL): healthy, leader pg-meta-1"
	assert_line --regexp "^  pg-meta-2 +10\.10\.10\.11 +replica +streaming +timeline 1 +lag [0-9]+  stream async"
	assert_line --regexp "^  services: primary -> pg-meta-1; replica -> pg-meta-[23], pg-meta-[23];"
	assert_output --regexp "last backup: full [0-9]{8}-[0-9]{6}F"
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --json
	run -0 python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(" ".join("%s=%s:%d" % (c["name"], c["state"],
		len(c["members"])) for c in d["clusters"]))' "$output"
	assert_output "etcd=healthy:3 pg-meta=healthy:3"
	# a replica's Patroni (and its PostgreSQL) stopped: the cluster is degraded, naming it; exit 1
	"$SANDBOX" exec 3 systemctl stop patroni
	run -1 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	assert_output --regexp "pg-meta \(PostgreSQL\): DEGRADED, leader pg-meta-1: pg-meta-3 (is not in Patroni's cluster|is stopped|: Patroni says)"
	"$SANDBOX" exec 3 systemctl start patroni
	for _ in $(seq 60); do
		farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" >/dev/null && break
		sleep 1
	done
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
}

drill() { # drill MODE [ARGS...]
	farrow drill "$W/trio.yml" --cluster pg-meta --mode "$@" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
}

@test "farrow drill crash and switchover: RPO 0 by row id, recovery within the plan, the old leader streams again" {
	run -0 drill crash
	echo "$output" >&3
	assert_line --regexp "^trial 1: crash of pg-meta-[123] \(10\.10\.10\.1[012]\): write RTO [0-9.]+ s, .*RPO 0 of [1-9][0-9]* acknowledged rows"
	assert_line --regexp "^crash, 1 trial, min / median / max: RTO .* \(bound 45 s\), RPO 0\.0 / 0\.0 / 0\.0 rows, .*: pass$"
	run -0 drill switchover
	echo "$output" >&3
	assert_line --regexp "^trial 1: switchover of (pg-meta-[123]) .*RPO 0 of [1-9][0-9]* acknowledged rows; leader now pg-meta-[123], pg-meta-[123] streams again after [0-9.]+ s( \([0-9.]+ s after the heal\))?$"
	refute_output --partial "kept the lead"
	switched=$output
	# the VIP followed the new leader (the keeper polls its Patroni every second)
	export PGPASSFILE=$W/pgpass PGCONNECT_TIMEOUT=5
	for _ in $(seq 20); do [ "$(sql 10.10.10.2 5432 "select pg_is_in_recovery()" 2>/dev/null)" = f ] && break; sleep 0.5; done
	run -0 sql 10.10.10.2 5432 "select pg_is_in_recovery()"
	assert_output "f"
	# on the new leader's node (pg-meta-N is node N) and on no other
	leader=$(sed -n 's/.*leader now pg-meta-\([123]\),.*/\1/p' <<<"$switched")
	[ -n "$leader" ]
	run -0 sql 10.10.10.2 5432 "select pg_is_in_recovery()"
	for n in 1 2 3; do
		run "$SANDBOX" exec "$n" sh -c 'ip -4 -o addr show dev eth0 | grep -c " 10\.10\.10\.2/"'
		if [ "$n" = "$leader" ]; then assert_output 1; else assert_output 0; fi
	done
}

@test "farrow drill node-down (the sandbox's power loss): a new leader within 45 s, RPO 0; the node boots, converges and streams" {
	run -0 drill node-down --down-cmd "$SANDBOX poweroff {host}" --heal-cmd "$SANDBOX boot {host}" --timeout 300
	echo "$output" >&3
	assert_line --regexp "^trial 1: node-down of (pg-meta-[123]) .*RPO 0 of [1-9][0-9]* acknowledged rows; leader now pg-meta-[123], pg-meta-[123] streams again after [0-9.]+ s( \([0-9.]+ s after the heal\))?$"
	assert_line --regexp "^node-down, 1 trial, .*: pass$"
	# its farrow-firstboot ran at boot and converged (the inventory's primary may be a replica now)
	for _ in $(seq 120); do
		farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" >/dev/null && break
		sleep 1
	done
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
}

@test "a re-imaged member (etcd and PostgreSQL data gone, etcd_init: existing) rejoins etcd and Patroni through firstboot alone" {
	fr_mutate "$W/trio.yml" "10.10.10.12: { etcd_seq: 3 }" "10.10.10.12: { etcd_seq: 3, etcd_init: existing }" "$W/trio-rejoin.yml"
	farrow profile "$W/trio-rejoin.yml" --host 10.10.10.12 -o "$W/p3.yml"
	run -0 grep -c "^  etcd_init: existing$" "$W/p3.yml"
	# the node as a re-imaged one comes back: no etcd member dir, no PGDATA, no firstboot state, and
	# etcd and Patroni not enabled (a fresh image's are not: firstboot enables them once joined)
	"$SANDBOX" exec 3 sh -c 'systemctl stop farrow-firstboot patroni etcd && systemctl disable patroni etcd &&
		rm -rf /data/etcd/member "$(readlink -f /pg/data)" /var/lib/farrow/*.done'
	command install -m 0600 "$W/p3.yml" "$FARROW_SANDBOX/node3/root/etc/farrow/profile.yml"
	"$SANDBOX" reboot 3 >/dev/null
	for _ in $(seq 300); do
		farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" >/dev/null && break
		sleep 1
	done
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	assert_output --partial "etcd (etcd): healthy, 3 of 3 members healthy"
	assert_line --regexp "^  pg-meta-3 +10\.10\.10\.12 +replica +streaming "
	run -0 "$SANDBOX" exec 3 cat /var/log/farrow/etcd.log
	assert_output --regexp "removed the stale member entry etcd-3 \([0-9a-f]+, https://10\.10\.10\.12:2380\)"
	assert_output --partial "added etcd-3 (https://10.10.10.12:2380) to etcd"
	# the rows written before it was wiped came back with the clone
	export PGPASSFILE=$W/pgpass PGCONNECT_TIMEOUT=5
	run -0 sql 10.10.10.12 5432 "select count(*) from farrow.trio"
	assert_output 1
}
