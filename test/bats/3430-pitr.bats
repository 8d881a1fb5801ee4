#!/usr/bin/env bats
# farrow pitr on ha/trio (three sandbox nodes): rows written, the time noted, more rows, a table
# dropped; farrow pitr --time <noted> brings back exactly the rows written before it, on a new
# timeline, the replicas cloned again and streaming, every member's old data kept aside; a time
# before the first backup is refused with nothing stopped.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_node_fixture "$W" 3
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

sql() { # sql SQL: through the primary service of node 1
	psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtqc "$1"
}

dbsu() { # dbsu NODE SQL: as postgres on the node, through its socket
	"$SANDBOX" exec "$1" runuser -u postgres -- psql -XAtqc "$2"
}

pitr() {
	farrow pitr "$W/trio.yml" --cluster pg-meta --ssh-key "$KEY" --known-hosts "$W/known_hosts" "$@"
}

@test "ha/trio installed; a time before the first backup, one with no zone, one in the future: refused, nothing stopped" {
	run -0 farrow install "$W/trio.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --wait 900 --firstboot "$FB"
	for _ in $(seq 90); do
		farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" >/dev/null && break
		sleep 2
	done
	run -2 pitr --time '2000-01-01 00:00:00+00' --yes
	assert_output --partial "is before the first backup that can reach it"
	assert_output --partial "nothing stopped"
	run -2 pitr --time '2099-01-01 00:00:00+00' --yes
	assert_output --partial "it has not happened; nothing stopped"
	run -2 pitr --time '2026-01-01 00:00:00' --yes
	assert_output --partial "has no time zone"
	# nothing was stopped or paused
	run -0 "$SANDBOX" exec 1 patronictl -c /etc/patroni/config.yml list
	refute_output --partial "Maintenance mode"
	assert_equal "$(grep -c '| streaming |' <<<"$output")" 2
}

@test "farrow pitr --time: exactly the rows written before it; a new timeline; the replicas clone it and stream; old data kept" {
	run -0 sql "create table farrow.pitr (id int primary key, at timestamptz default now())"
	run -0 sql "insert into farrow.pitr (id) select generate_series(1, 100)"
	sleep 2
	noted=$(dbsu 1 "select to_char(now() at time zone 'utc', 'YYYY-MM-DD HH24:MI:SS') || '+00'")
	sleep 2
	run -0 sql "insert into farrow.pitr (id) select generate_series(101, 150)"
	run -0 sql "drop table farrow.pitr"
	tl0=$(dbsu 1 "select timeline_id from pg_control_checkpoint()")
	run -0 dbsu 1 "select pg_switch_wal()"
	run -0 pitr --time "$noted" --plan
	assert_output --regexp "backup set +[0-9]{8}-[0-9]{6}F"
	assert_output --partial "restored on  pg-meta-1 (10.10.10.10, the leader)"
	SECONDS=0
	run -0 pitr --time "$noted" --yes
	echo "$output" >&3
	echo "farrow pitr took $SECONDS s" >&3
	assert_output --partial "restored to $noted; 2 members streaming from pg-meta-1"
	run -0 sql "select count(*), min(id), max(id) from farrow.pitr"
	assert_output "100|1|100"
	run -0 dbsu 1 "select timeline_id from pg_control_checkpoint()"
	[ "$output" -gt "$tl0" ]
	for n in 1 2 3; do
		run -0 "$SANDBOX" exec "$n" sh -c 'ls -d /pg/data-pitr-*'
		assert_output --regexp "^/pg/data-pitr-[0-9]{8}T[0-9]{6}Z$"
	done
	# the replicas serve the restored rows
	for ip in 10.10.10.11 10.10.10.12; do
		run -0 psql "host=$ip port=5432 user=dbuser_meta dbname=meta" -XAtqc "select count(*) from farrow.pitr"
		assert_output 100
	done
	run -0 farrow status "$W/trio.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	assert_output --partial "pg-meta (PostgreSQL): healthy, leader pg-meta-1"
}

@test "pg_crontab: a timer on every member; on a replica pg-backup does nothing, on the leader it backs up; re-run changes nothing" {
	for n in 1 2 3; do
		run -0 "$SANDBOX" exec "$n" systemctl list-timers 'farrow-pg-cron-*' --no-pager
		assert_output --regexp "01:00:00 UTC .* farrow-pg-cron-1.timer +farrow-pg-cron-1.service"
		run -0 "$SANDBOX" exec "$n" systemctl is-enabled farrow-pg-cron-1.timer
	done
	run -0 "$SANDBOX" exec 1 cat /pg/bin/pg-cron-1.sh
	assert_output --partial "/pg/bin/pg-backup full"
	# the newest full backup before (retention may expire older ones meanwhile: compare labels, not counts)
	full0=$("$SANDBOX" exec 1 runuser -u postgres -- pgbackrest --stanza=pg-meta info --output=json |
		grep -o '"label":"[0-9-]*F"' | tail -1)
	# the timer's own service, as the timer starts it: on a replica, nothing
	run -0 "$SANDBOX" exec 2 systemctl start farrow-pg-cron-1.service
	run -0 "$SANDBOX" exec 2 journalctl -u farrow-pg-cron-1 --no-pager -q
	assert_output --partial "pg-meta-2 is a replica of pg-meta: the primary takes the backups; nothing done"
	# on the leader: a new full backup
	run -0 "$SANDBOX" exec 1 systemctl start farrow-pg-cron-1.service
	run -0 "$SANDBOX" exec 1 journalctl -u farrow-pg-cron-1 --no-pager -q
	assert_output --partial "pg-backup: full backup of pg-meta"
	run -0 "$SANDBOX" exec 1 runuser -u postgres -- pgbackrest --stanza=pg-meta info --output=json
	full1=$(grep -o '"label":"[0-9-]*F"' <<<"$output" | tail -1)
	[ -n "$full0" ]
	[ "$full1" != "$full0" ]
	# by hand, as root (it becomes the dbsu), with no type: an incremental one on that full
	run -0 "$SANDBOX" exec 1 /pg/bin/pg-backup
	run -0 "$SANDBOX" exec 1 runuser -u postgres -- pgbackrest --stanza=pg-meta info --output=json
	assert_output --regexp "\"label\":\"${full1:9:-1}_[0-9-]+I\""
	run -2 "$SANDBOX" exec 1 /pg/bin/pg-backup weekly
	assert_output --partial "usage: pg-backup [full|diff|incr]"
	run -0 "$SANDBOX" exec 1 farrow-firstboot run --only pgsql
	assert_output --partial "converged, 0 changes"
}
