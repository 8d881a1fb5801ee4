#!/usr/bin/env bats
# Pigsty's demo/redis on the 4-node sandbox (farrow configure -c demo/redis, its addresses):
# redis-ms (a primary and its replica on .10), redis-meta (three sentinels on .11 watching
# redis-ms, quorum 2), redis-test (a native cluster of 3 primaries + 3 replicas on .12 and .13),
# from the whole sandbox's bundle (d12-full: Debian's redis-server, redis-sentinel, redis-tools,
# prometheus-redis-exporter). One farrow install; then what each shape promises, a re-run that
# changes nothing, no password in a log or a command line, and a Sentinel failover drill.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_node_fixture "$W" 4 full
	farrow configure -n -c demo/redis --nodes 10.10.10.10,10.10.10.11,10.10.10.12,10.10.10.13 -g \
		-o "$W/redis.yml" >/dev/null
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

# The generated password of a Redis cluster, from the inventory (never on a command line below:
# it reaches redis-cli by REDISCLI_AUTH, through the node's standard input).
pw() { # pw CLUSTER
	python3 - "$W/redis.yml" "$1" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
m = re.search(r"redis_cluster: %s[,\n].*?redis_password: ([A-Za-z0-9]+)" % re.escape(sys.argv[2]), text, re.S)
print(m.group(1))
PY
}

# rcli NODE CLUSTER ARGS...: redis-cli on sandbox node NODE with CLUSTER's password.
rcli() {
	local node=$1 cluster=$2
	shift 2
	pw "$cluster" | "$SANDBOX" exec "$node" sh -c 'read -r REDISCLI_AUTH; export REDISCLI_AUTH; exec redis-cli --no-auth-warning "$@"' rcli "$@"
}

# grep_node NODE SECRET PATH...: the files under PATH on NODE that hold SECRET, then "grep: <its
# status>" (1: none). The node's journal of this boot and every process's argv are dumped first to
# /tmp/journal.txt and /tmp/argv.txt there. SECRET reaches the node on standard input: in an
# argv, the argv check would find itself.
grep_node() {
	local node=$1 secret=$2
	shift 2
	printf '%s\n' "$secret" | "$SANDBOX" exec "$node" sh -c 'read -r s; printf "%s\n" "$s" >/tmp/needle
		journalctl -b --no-pager -q >/tmp/journal.txt; cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\0" " " >/tmp/argv.txt
		grep -rlF -f /tmp/needle "$@"; echo "grep: $?"; rm -f /tmp/needle' grep_node "$@"
}

redis_install() {
	farrow install "$W/redis.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --wait 900 --firstboot "$FB"
}

@test "demo/redis: four nodes at once; primary+replica, three sentinels, a 3+3 native cluster; farrow status: all healthy" {
	run -0 farrow inventory check "$W/redis.yml"
	SECONDS=0
	run -0 redis_install
	echo "demo/redis install took $SECONDS s" >&3
	for ip in 10.10.10.10 10.10.10.11 10.10.10.12 10.10.10.13; do
		assert_line --regexp "^${ip//./\\.} +ok: installed "
	done
	# healthy, and the sentinels have found each other and the replica (their hello messages, every 2 s)
	for _ in $(seq 90); do
		out=$(farrow status "$W/redis.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts") &&
			[ "$(grep -c "1 replica(s), 3 sentinel(s)" <<<"$out")" = 3 ] && break
		sleep 1
	done
	run -0 farrow status "$W/redis.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	echo "$output" >&3
	assert_output --partial "redis-ms (Redis standalone): healthy, 2 of 2 instances up"
	assert_line --regexp "^  redis-ms-1-6379 +10\.10\.10\.10:6379 +primary +1 replica\(s\): 10\.10\.10\.10:6380 online"
	assert_line --regexp "^  redis-ms-1-6380 +10\.10\.10\.10:6380 +replica +of 10\.10\.10\.10:6379, link up"
	assert_output --partial "redis-meta (Redis sentinel): healthy, 3 of 3 instances up"
	assert_line --regexp "^  redis-meta-1-26379 +10\.10\.10\.11:26379 +sentinel +redis-ms ok at 10\.10\.10\.10:6379, 1 replica\(s\), 3 sentinel\(s\)"
	assert_output --partial "redis-test (Redis cluster): healthy, 6 of 6 instances up"
	assert_line --regexp "^  redis-test-2-6381 +10\.10\.10\.13:6381 +(primary|replica) .*cluster ok, 6 nodes known"
	run -0 farrow status "$W/redis.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --json
	run -0 python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(" ".join("%s=%s:%d" % (c["name"], c["state"], c["up"]) for c in d["clusters"] if c["kind"] == "redis"))' "$output"
	assert_output "redis-ms=healthy:2 redis-meta=healthy:3 redis-test=healthy:6"

	# redis-ms: a write on the primary is read on the replica
	run -0 rcli 1 redis-ms -h 10.10.10.10 -p 6379 SET farrow:ms written-on-6379
	for _ in $(seq 20); do
		[ "$(rcli 1 redis-ms -h 10.10.10.10 -p 6380 GET farrow:ms)" = written-on-6379 ] && break
		sleep 0.5
	done
	run -0 rcli 1 redis-ms -h 10.10.10.10 -p 6380 GET farrow:ms
	assert_output written-on-6379
	run -0 rcli 1 redis-ms -h 10.10.10.10 -p 6380 SET farrow:ms nope
	assert_output --partial READONLY
	# redis-meta: each sentinel names redis-ms's primary, with quorum 2 and all three usable
	for port in 26379 26380 26381; do
		run -0 rcli 2 redis-meta -h 10.10.10.11 -p "$port" SENTINEL get-master-addr-by-name redis-ms
		assert_output "10.10.10.10
6379"
		run -0 rcli 2 redis-meta -h 10.10.10.11 -p "$port" SENTINEL master redis-ms
		assert_output --regexp "quorum
2"
		run -0 rcli 2 redis-meta -h 10.10.10.11 -p "$port" SENTINEL ckquorum redis-ms
		assert_output --partial "OK 3 usable Sentinels"
	done
	# redis-test: redis-cli's own check, and a key set and read through any member
	run -0 rcli 3 redis-test --cluster check 10.10.10.12:6379
	assert_output --partial "[OK] All 16384 slots covered."
	assert_output --regexp "3 keys? in 3 masters|keys in 3 masters|in 3 masters"
	run -0 rcli 3 redis-test -c -h 10.10.10.12 -p 6380 SET farrow:cluster one-key
	for node_port in "4 10.10.10.13 6381" "4 10.10.10.13 6379" "3 10.10.10.12 6381"; do
		read -r node ip port <<<"$node_port"
		run -0 rcli "$node" redis-test -c -h "$ip" -p "$port" GET farrow:cluster
		assert_output one-key
	done
	# the exporter: on each node, from its own bundle, reading its first instance
	run -0 "$SANDBOX" exec 1 python3 -c 'import urllib.request; print(urllib.request.urlopen("http://10.10.10.10:9121/metrics", timeout=10).read().decode())'
	assert_output --partial "redis_up 1"
}

@test "demo/redis: run again, nothing changes; the files Redis owns; no password in a log, the journal or a command line" {
	for node in 1 2 3 4; do
		run -0 "$SANDBOX" exec "$node" farrow-firstboot run
		run -0 "$SANDBOX" exec "$node" farrow-firstboot status --json
		run -0 python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(" ".join("%s:%s:%s" % (m["name"], m["state"], m.get("changes", "-")) for m in d["modules"]))' "$output"
		assert_output --regexp "redis:done:0"
		refute_output --regexp ":[1-9][0-9]*( |$)"
	done
	# the configuration holds the password: 0640 redis:redis; the data directory is the inventory's
	run -0 "$SANDBOX" exec 1 stat -c '%a %U:%G' /etc/redis/redis-6379.conf /data/redis/redis-ms-1-6380
	assert_output "640 redis:redis
750 redis:redis"
	# the packages' own single instances are off (theirs would hold 6379 and 26379)
	run -1 "$SANDBOX" exec 2 systemctl is-enabled redis-server.service redis-sentinel.service
	assert_output "disabled
disabled"
	# the check finds a password where it is: in the instance's own file
	run grep_node 1 "$(pw redis-ms)" /etc/redis
	assert_line /etc/redis/redis-6379.conf
	assert_line "grep: 0"
	for node in 1 2 3 4; do
		case $node in 1) c=redis-ms ;; 2) c=redis-meta ;; *) c=redis-test ;; esac
		secret=$(pw "$c")
		[ "${#secret}" -eq 24 ]
		# every log farrow and Redis write, this boot's journal, and every process's argv
		run grep_node "$node" "$secret" /var/log/farrow /var/log/redis /tmp/journal.txt /tmp/argv.txt
		assert_output "grep: 1"
	done
	# and the sentinels' monitors' password (redis-ms's) is not on the sentinel node either
	secret=$(pw redis-ms)
	run grep_node 2 "$secret" /var/log/farrow /var/log/redis
	assert_output "grep: 1"
}

@test "farrow drill --kind redis: kill -9 of redis-ms's primary; Sentinel promotes the replica, the old primary rejoins as its replica" {
	run -0 farrow drill "$W/redis.yml" --kind redis --cluster redis-ms --ssh-key "$KEY" --known-hosts "$W/known_hosts"
	echo "$output" >&3
	assert_output --regexp "trial 1: kill -9 of redis-ms-1-6379 \(10\.10\.10\.10:6379\): Sentinel promoted 10\.10\.10\.10:6380 after [0-9.]+ s"
	assert_output --regexp "old primary rejoined as a replica after [0-9.]+ s"
	# what the sentinels say now, and the old primary's own view
	run -0 rcli 2 redis-meta -h 10.10.10.11 -p 26380 SENTINEL get-master-addr-by-name redis-ms
	assert_output "10.10.10.10
6380"
	run -0 rcli 1 redis-ms -h 10.10.10.10 -p 6379 ROLE
	assert_line --index 0 slave
	# a run of farrow-firstboot after the failover does not undo it (the replicaof Redis wrote is kept)
	run -0 "$SANDBOX" exec 1 farrow-firstboot run
	run -0 rcli 1 redis-ms -h 10.10.10.10 -p 6380 ROLE
	assert_line --index 0 master
}
