#!/usr/bin/env bats
# farrow inventory check|list|show: Pigsty's own files, and every bad input of issue 2.

setup() {
	load helpers/common
	fr_isolate
}

@test "every Pigsty template and example passes check" {
	fr_need_shared
	local n=0 f
	for f in "$SHARED"/pigsty-conf/*.yml "$SHARED"/pigsty-conf/*/*.yml "$SHARED"/examples/*.yml; do
		run -0 farrow inventory check "$f"
		assert_output --partial ": ok: "
		n=$((n + 1))
	done
	[ "$n" -ge 9 ]
}

@test "farrow's own profiles pass check without warnings" {
	local f
	for f in "$FARROW_ROOT"/profiles/*.yml "$FARROW_ROOT"/profiles/ha/*.yml; do
		run -0 farrow inventory check "$f"
		assert_output --partial ", 0 warnings"
	done
}

@test "show resolves pg-meta-1 on 10.10.10.10 with sources" {
	fr_need_shared
	run -0 farrow inventory show "$SHARED/pigsty-conf/meta.yml" --host 10.10.10.10
	assert_line --index 0 --partial "host 10.10.10.10  pg-meta-1 (primary)"
	assert_output --regexp "pg_cluster +pg-meta +cluster pg-meta \(.*meta.yml:[0-9]+\)"
	assert_output --regexp "pg_rpo +1048576 +default"
	assert_output --regexp "pg_version +18 +global"
	# credentials are masked unless asked for
	assert_output --regexp "pg_admin_password +\*\*\*\*\*\*\*\* +global"
	refute_output --partial "DBUser.DBA"
	run -0 farrow inventory show "$SHARED/pigsty-conf/meta.yml" --host 10.10.10.10 --show-secrets
	assert_output --partial "DBUser.DBA"
}

@test "show --json is valid JSON with identities and typed values" {
	fr_need_shared
	run -0 farrow inventory show "$SHARED/examples/pigsty-style-inventory.yml" --host 10.10.10.10 --json
	echo "$output" >show.json
	run -0 python3 -c '
import json
d = json.load(open("show.json"))
i = d["identities"]
assert i["pg_instance"] == "pg-meta-1", i
assert i["etcd_instance"] == "etcd-1" and i["minio_instance"] == "minio-1" and i["infra_instance"] == "infra-1"
assert i["redis_instances"] == ["redis-ms-1-6379", "redis-ms-1-6380", "redis-ms-1-6381"]
v = d["vars"]
assert v["pg_rpo"] == {"value": 1048576, "source": "global", "line": 124, "column": 13}, v["pg_rpo"]
assert v["pg_offline_query"]["value"] is True and v["pg_offline_query"]["source"] == "host"
assert v["pg_cluster"]["group"] == "pg-meta"
assert v["pg_port"] == {"value": 5432, "source": "default"}
print("ok")'
	assert_output "ok"
}

@test "list shows clusters, instances, roles and service ports" {
	fr_need_shared
	run -0 farrow inventory list "$SHARED/pigsty-conf/ha/full.yml"
	assert_line --regexp "^pg-test +pgsql +pg-test-2 +10\.10\.10\.12 +replica +5432$"
	assert_line --regexp "^etcd +etcd +etcd-1 +10\.10\.10\.10 +member +2379$"
	assert_line --regexp "^redis-ms +redis +redis-ms-1-6380 +10\.10\.10\.10 +replica +6380$"
	assert_line --regexp "^pg-test-primary +5433 +pgbouncer +/primary +pg-test-1,pg-test-2,pg-test-3$"
	assert_line --regexp "^pg-test-replica +5434 +pgbouncer +/read-only +pg-test-2,pg-test-3 \(backup:pg-test-1\)$"
	assert_line --regexp "^pg-test-default +5436 +postgres +/primary +pg-test-1,pg-test-2,pg-test-3$"
	assert_line --regexp "^pg-test-offline +5438 +postgres +/replica +pg-test-3 \(backup:pg-test-2\)$"
}

@test "list's services are the ones the node renders: pg_default_services and pg_services, not a fixed four" {
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "    pg_rto: norm" "    pg_rto: norm
    pg_default_services: [ { name: only, port: 6543, dest: postgres, check: /primary, selector: '[]' } ]
    pg_services: [ { name: standby, port: 5435, dest: default, check: /sync, selector: '[]' } ]" s.yml
	run -0 farrow inventory list s.yml
	assert_line --regexp "^pg-meta-only +6543 +postgres +/primary +pg-meta-1$"
	assert_line --regexp "^pg-meta-standby +5435 +pgbouncer +/sync +pg-meta-1$"
	refute_output --partial "5433"
	refute_output --partial "pg-meta-primary"
}

# Each bad input of issue 2, section 2: message with file:line:column, exit 3.
bad() { # bad <old> <new> <expected message>
	fr_mutate "$FARROW_ROOT/profiles/ha/trio.yml" "$1" "$2" bad.yml
	run -3 farrow inventory check bad.yml
	assert_output --partial "$3"
	assert_output --partial "bad.yml: 1 error"
}

@test "a bad IP key is an error at its position" {
	bad "10.10.10.11: { pg_seq: 2" "10.10.10.311: { pg_seq: 2" \
		"bad.yml:29:9: hosts: '10.10.10.311' in group 'pg-meta' is not an IPv4 address"
}

@test "a duplicate pg_seq is an error" {
	bad "pg_seq: 3, pg_role: replica" "pg_seq: 2, pg_role: replica" \
		"bad.yml:30:32: pg_seq: duplicate pg_seq 2 in cluster 'pg-meta' (also 10.10.10.11)"
}

@test "no primary is an error, and so are two" {
	bad "pg_seq: 1, pg_role: primary" "pg_seq: 1, pg_role: replica" \
		"bad.yml:32:21: pg_role: cluster 'pg-meta' has no primary"
	bad "pg_seq: 2, pg_role: replica" "pg_seq: 2, pg_role: primary" \
		"bad.yml:29:44: pg_role: cluster 'pg-meta' has two primaries: 10.10.10.10 and 10.10.10.11"
}

@test "a pg_role outside the five is an error" {
	bad "pg_seq: 2, pg_role: replica" "pg_seq: 2, pg_role: slave" \
		"bad.yml:29:44: pg_role: 'slave' is not one of primary, replica, standby, offline, delayed"
}

@test "a bad pg_cluster name is an error" {
	bad "pg_cluster: pg-meta" "pg_cluster: pg.meta" \
		"bad.yml:32:21: pg_cluster: 'pg.meta' does not match [A-Za-z0-9-]+"
}

@test "a value of the wrong type is an error" {
	bad "pg_rpo: 1048576" "pg_rpo: one-megabyte" \
		"bad.yml:58:13: pg_rpo: expected an integer, got string 'one-megabyte'"
	bad "pg_extensions: [ hypopg ]" "pg_extensions: hypopg" \
		"bad.yml:38:24: pg_extensions: expected a list, got string 'hypopg'"
}

@test "an etcd cluster with an even member count is a warning" {
	fr_mutate "$FARROW_ROOT/profiles/ha/trio.yml" "        10.10.10.12: { etcd_seq: 3 }
" "" even.yml
	run -0 farrow inventory check even.yml
	assert_output --partial "even.yml:17:5: etcd_cluster: warning: etcd cluster 'etcd' has 2 members"
	assert_output --partial "ok: 3 hosts, 3 groups, 1 warning"
}

@test "an unknown parameter is a warning naming the nearest known one" {
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_rto: norm" "pg_rot: norm" typo.yml
	run -0 farrow inventory check typo.yml
	assert_output --regexp "typo\.yml:[0-9]+:5: pg_rot: warning: unknown parameter; did you mean 'pg_rto'\?"
}

@test "YAML syntax errors, unreadable files and bad usage" {
	fr_need_shared
	printf 'all:\n  children: {\n  vars: [\n' >broken.yml
	run -3 farrow inventory check broken.yml
	assert_output --regexp "^broken\.yml:[0-9]+:[0-9]+: yaml: "
	run -1 farrow inventory check nothing-here.yml
	assert_output "farrow: cannot open 'nothing-here.yml': No such file or directory"
	run -2 farrow inventory check
	run -2 farrow inventory frobnicate x.yml
	run -2 farrow inventory show "$SHARED/pigsty-conf/meta.yml"
	assert_output --partial "--host <ip> is required"
	run -1 farrow inventory show "$SHARED/pigsty-conf/meta.yml" --host 10.9.9.9
	assert_output --partial "host '10.9.9.9' is not in"
	run -0 farrow inventory --help
	assert_output --partial "usage: farrow inventory check <file>"
}

@test "drill refuses before touching anything: a cluster the inventory does not name, one member, no hooks" {
	farrow configure -n -c ha/trio --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -g -o trio.yml >/dev/null
	farrow configure -n -c meta --nodes 10.10.10.10 -g -o meta.yml >/dev/null
	# nothing listens on these addresses here: a drill that went ahead would fail otherwise
	run -2 farrow drill trio.yml --cluster pg-test --mode crash
	assert_output "farrow: drill: the inventory trio.yml names no PostgreSQL cluster 'pg-test': nothing is drilled"
	run -2 farrow drill meta.yml --cluster pg-meta --mode crash
	assert_output "farrow: drill: pg-meta has one member: there is nothing to fail over to, so nothing is drilled"
	run -2 farrow drill trio.yml --cluster pg-meta --mode node-down --down-cmd true
	assert_output --partial "--mode node-down needs --down-cmd and --heal-cmd"
	run -2 farrow drill trio.yml --cluster pg-meta --mode partition --heal-cmd true
	assert_output --partial "--mode partition needs --partition-cmd and --heal-cmd"
	run -2 farrow drill trio.yml --cluster pg-meta --mode reboot
	assert_output --partial "--mode 'reboot': one of crash, kill-patroni, switchover, node-down, partition"
	run -2 farrow drill trio.yml --cluster pg-meta --mode crash --trials 0
	assert_output --partial "usage: farrow drill"
	run -0 farrow drill --help
	assert_output --partial "RPO      acknowledged rows missing at the end"
	assert_output --partial "promoted  the kill to Sentinel naming another primary"
	# --kind redis: a standalone cluster under a sentinel the inventory has, nothing else
	farrow configure -n -c demo/redis --nodes 10.10.10.10,10.10.10.11,10.10.10.12,10.10.10.13 -g -o redis.yml >/dev/null
	run -2 farrow drill redis.yml --kind redis --cluster redis-test
	assert_output "farrow: drill: --kind redis drills a standalone primary and its replicas under Sentinel; redis-test's redis_mode is cluster"
	run -2 farrow drill redis.yml --kind redis --cluster redis-nope
	assert_output "farrow: drill: the inventory redis.yml names no Redis cluster 'redis-nope': nothing is drilled"
	run -2 farrow drill trio.yml --kind redis --cluster pg-meta
	assert_output --partial "names no Redis cluster 'pg-meta'"
	fr_mutate redis.yml "          - { name: redis-ms," "          - { name: redis-other," nosentinel.yml
	run -2 farrow drill nosentinel.yml --kind redis --cluster redis-ms
	assert_output --partial "no sentinel of the inventory monitors redis-ms"
	run -2 farrow drill redis.yml --kind redis --cluster redis-ms --mode crash
	assert_output --partial "usage: farrow drill"
	run -2 farrow drill redis.yml --kind mongo --cluster redis-ms
	assert_output "farrow: drill: --kind 'mongo': pgsql (the default) or redis"
}
