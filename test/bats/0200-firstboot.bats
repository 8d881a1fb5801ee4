#!/usr/bin/env bats
# farrow-firstboot on the host, no node needed: what the pgsql module renders from a node
# profile (pg_rto plans, pg_rpo, services, pg_hba, credentials masked), and its bad inputs.

setup() {
	load helpers/common
	fr_isolate
	# the node profile of pg-test-1, written as farrow install writes it (lib/profile.c)
	farrow profile "$FARROW_ROOT/test/fixtures/pg-test.yml" --host 10.10.10.11 -o p.yml --pki "$BATS_TEST_TMPDIR/pki"
}

# a server a test started (the HTTPS seed's), ended even when an assertion failed before its end
teardown() {
	[ -z "${srv:-}" ] || kill "$srv" 2>/dev/null || true
}

# plan -> "ttl loop_wait retry_timeout primary_start_timeout safety_margin inter fastinter downinter rise fall"
plan_values() {
	case $1 in
	fast) echo "20 5 5 15 5 1s 0.5s 1s 3 3" ;;
	norm) echo "30 5 10 25 5 2s 1s 2s 3 3" ;;
	safe) echo "60 10 20 45 10 3s 1.5s 3s 3 3" ;;
	wide) echo "120 20 30 95 15 4s 2s 4s 3 3" ;;
	esac
}

@test "every pg_rto plan gives Pigsty's values to patroni and haproxy" {
	for plan in fast norm safe wide; do
		fr_mutate p.yml "pg_rto: fast" "pg_rto: $plan" q.yml
		read -r ttl loop retry start margin inter fast down rise fall <<<"$(plan_values $plan)"
		run -0 farrow-firstboot render patroni --profile q.yml
		assert_output --partial "    ttl: $ttl
    loop_wait: $loop
    retry_timeout: $retry
    primary_start_timeout: $start"
		assert_output --partial "  safety_margin: $margin"
		run -0 farrow-firstboot render haproxy --profile q.yml
		assert_output --partial "default-server inter $inter fastinter $fast downinter $down rise $rise fall $fall "
	done
}

@test "pg_rpo: 0 is synchronous mode; bytes are maximum_lag_on_failover; checksums on" {
	run -0 farrow-firstboot render patroni --profile p.yml
	assert_output --partial "synchronous_mode: true"
	assert_output --partial "    - data-checksums"
	fr_mutate p.yml "pg_rpo: 0" "pg_rpo: 33554432" q.yml
	run -0 farrow-firstboot render patroni --profile q.yml
	assert_output --partial "maximum_lag_on_failover: 33554432
    synchronous_mode: false"
}

@test "crit.yml is strict synchronous; offline and delayed members never lead; pg_delay is checked" {
	inv="$FARROW_ROOT/test/fixtures/pg-test.yml"
	run -0 farrow-firstboot render patroni --profile p.yml
	assert_output --partial "    synchronous_mode: true
    synchronous_mode_strict: false
    synchronous_node_count: 1"
	assert_output --partial "  nofailover: false
  noloadbalance: false
  clonefrom: true
  nosync: false"
	refute_output --partial recovery_min_apply_delay
	# crit.yml: synchronous and strict even with pg_rpo in bytes; pg_sync_node_count
	fr_mutate "$inv" "    pg_rpo: 0" "    pg_rpo: 1048576
    pg_conf: crit.yml
    pg_sync_node_count: 2" crit.yml
	farrow profile crit.yml --host 10.10.10.11 -o c.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render patroni --profile c.yml
	assert_output --partial "    synchronous_mode: true
    synchronous_mode_strict: true
    synchronous_node_count: 2"
	# the offline member: serves 5438, never promoted nor synchronous
	farrow profile "$inv" --host 10.10.10.13 -o o.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render patroni --profile o.yml
	assert_output --partial "  nofailover: true
  noloadbalance: false
  clonefrom: true
  nosync: true"
	# a delayed member: its delay, and no reads either
	fr_mutate "$inv" "10.10.10.12: { pg_seq: 2, pg_role: replica }" \
		"10.10.10.12: { pg_seq: 2, pg_role: delayed, pg_delay: 1h }" delayed.yml
	farrow profile delayed.yml --host 10.10.10.12 -o d.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render patroni --profile d.yml
	assert_output --partial "  recovery_conf:
    recovery_min_apply_delay: '1h'"
	assert_output --partial "  nofailover: true
  noloadbalance: true"
	# a delay that is not one, and a count out of range: refused where they are written
	fr_mutate "$inv" "10.10.10.12: { pg_seq: 2, pg_role: replica }" \
		"10.10.10.12: { pg_seq: 2, pg_role: delayed, pg_delay: \"1h' x\" }" bad.yml
	run -3 farrow profile bad.yml --host 10.10.10.12 -o b.yml
	assert_output --regexp "bad\.yml:12:[0-9]+: .*pg_delay.*is not a delay"
	run test -e b.yml
	assert_failure
	fr_mutate "$inv" "    pg_rpo: 0" "    pg_sync_node_count: 0" bad2.yml
	run -3 farrow profile bad2.yml --host 10.10.10.11 -o b.yml
	assert_output --regexp "bad2\.yml:[0-9]+:[0-9]+: .*pg_sync_node_count.*from 1 to 16"
}

@test "pg_vip_enabled: the VIP keeper's unit; bad addresses and interfaces are refused where written" {
	inv="$FARROW_ROOT/test/fixtures/pg-test.yml"
	fr_mutate "$inv" "        pg_cluster: pg-test" "        pg_cluster: pg-test
        pg_vip_enabled: true
        pg_vip_address: 10.10.10.2/24" vip.yml
	farrow profile vip.yml --host 10.10.10.12 -o v.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render vip --profile v.yml
	assert_line "# 10.10.10.2/24 on eth0 while pg-test-2 leads pg-test (its Patroni's /primary); farrow-firstboot render vip"
	assert_line "ExecStart=/usr/local/sbin/farrow-firstboot vip"
	assert_line "Restart=always"
	# the keeper itself refuses a profile without a VIP, and one it may not obey
	run -1 farrow-firstboot vip --profile p.yml
	assert_output --partial "pg_vip_enabled is not true in this node's profile: no VIP to keep"
	# not an address with its prefix, not an interface name: refused where written
	fr_mutate vip.yml "pg_vip_address: 10.10.10.2/24" "pg_vip_address: 10.10.10.2" bad.yml
	run -3 farrow profile bad.yml --host 10.10.10.12 -o b.yml
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*pg_vip_address.*prefix length"
	fr_mutate vip.yml "pg_vip_address: 10.10.10.2/24" "pg_vip_address: 10.10.10.2/24
        pg_vip_interface: 'eth0 up; reboot'" bad2.yml
	run -3 farrow profile bad2.yml --host 10.10.10.12 -o b.yml
	assert_output --regexp "bad2\.yml:[0-9]+:[0-9]+: .*pg_vip_interface.*not a network interface name"
}

@test "services: 5433 primary and 5434 replica via pgbouncer, 5436 and 5438 direct, checked on patroni's API" {
	run -0 farrow-firstboot render haproxy --profile p.yml
	assert_output --partial "listen pg-test-primary
    bind *:5433"
	assert_output --partial "http-check send meth OPTIONS uri /primary"
	assert_output --partial "    server pg-test-1 10.10.10.11:6432 check port 8008
    server pg-test-2 10.10.10.12:6432 check port 8008"
	# replica: the replicas, with the primary and the offline member as backups
	assert_output --partial "uri /read-only"
	assert_output --partial "    server pg-test-1 10.10.10.11:6432 check port 8008 backup
    server pg-test-2 10.10.10.12:6432 check port 8008
    server pg-test-3 10.10.10.13:6432 check port 8008 backup"
	assert_output --partial "listen pg-test-default
    bind *:5436"
	assert_output --partial "    server pg-test-1 10.10.10.11:5432 check port 8008"
	# offline: the offline member, a replica as its backup, never the primary
	assert_output --partial "listen pg-test-offline
    bind *:5438"
	assert_output --partial "    server pg-test-2 10.10.10.12:5432 check port 8008 backup
    server pg-test-3 10.10.10.13:5432 check port 8008"
	run -0 farrow-firstboot render pgbouncer --profile p.yml
	assert_output --partial "app = host=/var/run/postgresql port=5432 dbname=app"
	refute_output --partial "quiet ="
	assert_output --partial "pool_mode = transaction"
	assert_output --partial "listen_port = 6432"
}

@test "pg_hba: the user's rule takes its place by order among Pigsty's defaults" {
	run -0 farrow-firstboot render hba --profile p.yml
	assert_line --index 0 "'local all postgres peer'"
	# order 525: after the admin's rules (500), before the business roles' (550)
	assert_output --partial "'hostssl all dbuser_dba ::/0 scram-sha-256'
'hostssl app dbuser_app 192.168.7.0/24 scram-sha-256'
'local all +dbrole_readonly scram-sha-256'"
	assert_output --partial "'host replication replicator 127.0.0.1/32 scram-sha-256'"
}

@test "credentials are masked unless --show-secrets" {
	run -0 farrow-firstboot render patroni --profile p.yml
	refute_output --partial Sekrit
	assert_output --partial "password: '********'"
	run -0 farrow-firstboot render patroni --profile p.yml --show-secrets
	assert_output --partial "password: 'Sekrit.Patroni'"
	refute_output --partial "Sekrit.Etcd"
	assert_output --partial "password: 'Sekrit.Repl'"
	# pg_rewind logs in to the new leader over TCP: the admin user, with its password
	assert_output --regexp "    rewind:
      username: dbuser_dba
      password: '[^*']+'"
}

@test "the profile is a contract: its version, and every parameter, or it is refused with file:line" {
	run -0 grep -c "^version: 1$" p.yml
	sed '/^version: /d' p.yml >old.yml
	run -3 farrow-firstboot render patroni --profile old.yml
	assert_output --regexp "old\.yml:[0-9]+:[0-9]+: version: missing: not a version 1 profile"
	sed 's/^version: 1$/version: 2/' p.yml >new.yml
	run -3 farrow-firstboot render patroni --profile new.yml
	assert_output --regexp "new\.yml:3:10: version: '2': this farrow-firstboot reads profile version 1 only"
	grep -v "^  pg_port: " p.yml >short.yml
	run -3 farrow-firstboot render patroni --profile short.yml
	assert_output --regexp "short\.yml:[0-9]+:[0-9]+: vars: 'pg_port' is missing: a version 1 profile carries every parameter, resolved"
	refute_output --partial "scope:"
	# resolved on the admin side: a default is in the profile, not re-resolved on the node
	run -0 grep -c "^  pg_port: 5432$" p.yml
	run -0 grep -c "^  pg_clean: false" p.yml
}

@test "a node's profile holds the credentials its modules read, and no other" {
	run -0 grep -c "^  patroni_password: Sekrit.Patroni$" p.yml
	run -0 grep -c "^  pg_replication_password: Sekrit.Repl$" p.yml
	run -1 grep -E "grafana_admin_password|minio_secret_key|minio_users|Sekrit.Grafana|Sekrit.Minio|ansible_" p.yml
	# the etcd member's: etcd, not PostgreSQL's
	farrow profile "$FARROW_ROOT/test/fixtures/pg-test.yml" --host 10.10.10.10 -o e.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 grep -c "^  etcd_root_password: Sekrit.Etcd$" e.yml
	run -1 grep -E "patroni_password|pg_replication_password|pg_users|Sekrit.Grafana|Sekrit.Minio" e.yml
	# Patroni logs into etcd as its own user, limited to its namespace, never as root: the PostgreSQL
	# node holds no etcd root credential; the etcd member makes the user from etcd_clients
	run -1 grep -E "etcd_root_password|Sekrit.Etcd" p.yml
	pw=$(sed -n 's/^  pg_etcd_password: "\([A-Za-z0-9]\{24\}\)"$/\1/p' p.yml)
	[ -n "$pw" ]
	run -0 grep -c "^  - { user: \"pg-test\", prefix: \"/pg/pg-test/\", password: \"$pw\" }$" e.yml
	run -0 farrow-firstboot render patroni --profile p.yml --show-secrets
	assert_output --partial "  username: 'pg-test'
  password: '$pw'"
	refute_output --partial "username: root"
	# derived from etcd_root_password when the inventory leaves it empty: another root, another one
	fr_mutate "$FARROW_ROOT/test/fixtures/pg-test.yml" "etcd_root_password: Sekrit.Etcd" "etcd_root_password: Other.Etcd" o.yml
	farrow profile o.yml --host 10.10.10.11 -o p2.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -1 grep -c "$pw" p2.yml
	# set in the inventory: taken as it is, on both ends
	fr_mutate "$FARROW_ROOT/test/fixtures/pg-test.yml" "pg_rpo: 0" "pg_rpo: 0
    pg_etcd_password: Sekrit.PgEtcd" s.yml
	farrow profile s.yml --host 10.10.10.11 -o p3.yml --pki "$BATS_TEST_TMPDIR/pki"
	farrow profile s.yml --host 10.10.10.10 -o e3.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 grep -c '^  pg_etcd_password: "Sekrit.PgEtcd"$' p3.yml
	run -0 grep -c 'password: "Sekrit.PgEtcd" }$' e3.yml
	run -0 stat -c %a e.yml
	assert_output 600
}

@test "bad profiles and arguments: clear errors, non-zero exits, nothing written" {
	run -1 farrow-firstboot render patroni --profile missing.yml
	assert_output --partial "missing.yml"
	printf 'host: [\n' >bad.yml
	run -3 farrow-firstboot render patroni --profile bad.yml
	assert_output --regexp "bad.yml:[0-9]+:[0-9]+: "
	printf -- '- just\n- a list\n' >list.yml
	run -3 farrow-firstboot render patroni --profile list.yml
	assert_output --partial "farrow-firstboot: list.yml:1:1: not a farrow node profile (a mapping with version, host, vars)"
	printf 'version: 1\nhost: 10.0.0.1\nvars: [ 1 ]\n' >vars.yml
	run -3 farrow-firstboot render patroni --profile vars.yml
	assert_output --partial "vars.yml:3:7: vars: must be a mapping of parameters, not a list"
	assert_output --partial "vars.yml: 1 error: nothing was changed"
	farrow profile "$FARROW_ROOT/test/fixtures/pg-test.yml" --host 10.10.10.10 -o nopg.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -1 farrow-firstboot render patroni --profile nopg.yml
	assert_output --partial "this node has no PostgreSQL identity"
	run -2 farrow-firstboot render nginx --profile p.yml
	assert_output --partial "render: 'nginx': one of patroni, hba, pgbouncer, haproxy, pgbackrest"
	run -2 farrow-firstboot run --only nginx --profile p.yml
	assert_output --partial "--only 'nginx': no such module (packages, node, ca, etcd, pgsql, redis, minio)"
	chmod 644 p.yml
	run -0 farrow-firstboot render pgbackrest --profile p.yml
	assert_output --partial "warning: p.yml holds credentials but is mode 0644 (want 0600)"
	run -0 ls
	assert_output "bad.yml
home
list.yml
nopg.yml
p.yml
pki
vars.yml"
}

@test "status: a module whose process died mid-way is reported as interrupted (exit 1)" {
	mkdir st
	echo done >st/node.done
	run -0 farrow-firstboot status --state st
	assert_line "node     done"
	# a pid that cannot be alive
	echo 2147483646 >st/pgsql.running
	run -1 farrow-firstboot status --state st
	assert_line "pgsql    interrupted"
	echo $$ >st/pgsql.running
	run -2 farrow-firstboot status --state st
	assert_line "pgsql    running"
}

@test "one table of pg_rto plans: what inventory show says a plan is, the renderers write" {
	for plan in fast norm safe wide; do
		fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_rto: norm" "pg_rto: $plan" inv.yml
		run -0 farrow inventory show inv.yml --host 10.10.10.10 --json
		echo "$output" >show.json
		read -r ttl loop retry start margin inter fast down rise fall < <(python3 -c '
import json
p = json.load(open("show.json"))["vars"]["pg_rto"]["plan"]
print(*[p[k] for k in ("ttl", "loop_wait", "retry_timeout", "primary_start_timeout", "safety_margin",
                       "inter", "fastinter", "downinter", "rise", "fall")])')
		[ -n "$fall" ]
		fr_mutate p.yml "pg_rto: fast" "pg_rto: $plan" q.yml
		run -0 farrow-firstboot render patroni --profile q.yml
		assert_output --partial "    ttl: $ttl
    loop_wait: $loop
    retry_timeout: $retry
    primary_start_timeout: $start"
		assert_output --partial "  safety_margin: $margin"
		run -0 farrow-firstboot render haproxy --profile q.yml
		assert_output --partial "default-server inter $inter fastinter $fast downinter $down rise $rise fall $fall "
	done
}

@test "max_connections: one value for patroni's bootstrap.dcs and postgresql.parameters, by pg_conf" {
	for case in "oltp.yml 500" "olap.yml 200" "tiny.yml 250" "crit.yml 500"; do
		read -r conf want <<<"$case"
		fr_mutate p.yml "pg_conf: oltp.yml" "pg_conf: $conf" q.yml
		run -0 farrow-firstboot render patroni --profile q.yml
		run -0 grep -c "max_connections: $want$" <<<"$output"
		assert_output 2
	done
	fr_mutate p.yml "pg_conf: oltp.yml" "pg_conf: olap.yml" r.yml
	fr_mutate r.yml "pg_max_conn: auto" "pg_max_conn: 321" q.yml
	run -0 farrow-firstboot render patroni --profile q.yml
	run -0 grep -c "max_connections: 321$" <<<"$output"
	assert_output 2
}

@test "seed over HTTPS: taken from a server known by its certificate's SHA-256 alone; another certificate, plain HTTP, a 404 are refused, nothing written" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=seed \
		-keyout srv.key -out srv.crt 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other \
		-keyout other.key -out other.crt 2>/dev/null
	fp=$(openssl x509 -in srv.crt -noout -fingerprint -sha256 | cut -d= -f2)
	ofp=$(openssl x509 -in other.crt -noout -fingerprint -sha256 | cut -d= -f2)
	mkdir www
	cp p.yml www/pg-test-1.yml
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 - "$port" <<'PY' 3>&- &
import functools, http.server, ssl, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory="www")
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain("srv.crt", "srv.key")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
	srv=$!
	for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break; sleep 0.1; done
	url=https://127.0.0.1:$port/pg-test-1.yml
	# another server's fingerprint: refused before the request, nothing written
	run -6 farrow-firstboot seed --device "$url" --sha256 "$ofp" --host 10.10.10.11 --profile "$PWD/etc/profile.yml"
	assert_output --partial "has SHA-256 fingerprint $fp, not the pinned $ofp: refused, nothing written"
	run -1 test -e etc/profile.yml
	# its own: the profile, checked as every profile is, written 0600 (fingerprint in either case, colons or not)
	run -0 farrow-firstboot seed --device "$url" --sha256 "$(echo "$fp" | tr -d : | tr A-F a-f)" --host 10.10.10.11 \
		--profile "$PWD/etc/profile.yml"
	assert_output --partial "is this machine's (10.10.10.11)"
	run -0 cmp p.yml etc/profile.yml
	run -0 stat -c %a etc/profile.yml
	assert_output 600
	# a path the server does not have; plain HTTP; no fingerprint; a host that is not the profile's
	run -1 farrow-firstboot seed --device "https://127.0.0.1:$port/none.yml" --sha256 "$fp" --host 10.10.10.11 \
		--profile "$PWD/x/profile.yml"
	assert_output --partial "the server answered HTTP 404"
	run -1 farrow-firstboot seed --device "http://127.0.0.1:$port/pg-test-1.yml" --host 10.10.10.11 --profile "$PWD/x/profile.yml"
	assert_output --partial "plain HTTP is refused"
	run -1 farrow-firstboot seed --device "$url" --sha256 1234 --host 10.10.10.11 --profile "$PWD/x/profile.yml"
	assert_output --partial "needs farrow.seed_sha256="
	run -3 farrow-firstboot seed --device "$url" --sha256 "$fp" --host 10.10.10.12 --profile "$PWD/x/profile.yml"
	assert_output --partial "is for 10.10.10.11, and this machine is 10.10.10.12"
	run -1 test -e x
}

@test "render redis: each instance's file in redis.conf's grammar, the sentinel's monitors, the exporter; passwords masked, quoted" {
	farrow configure -n -c demo/redis --nodes 10.10.10.10,10.10.10.11,10.10.10.12,10.10.10.13 -o redis.yml >/dev/null
	# a password with a quote, a backslash and a space: one argument of redis.conf's grammar
	fr_mutate redis.yml "redis_password: 'redis.ms'" "redis_password: 'a \"b\\c d'" r.yml
	fr_mutate r.yml "password: redis.ms," "password: 'a \"b\\c d'," r2.yml
	farrow profile r2.yml --host 10.10.10.10 -o ms.yml --pki "$BATS_TEST_TMPDIR/pki"
	farrow profile r2.yml --host 10.10.10.11 -o meta.yml --pki "$BATS_TEST_TMPDIR/pki"
	farrow profile r2.yml --host 10.10.10.12 -o test.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render redis --profile ms.yml
	assert_line "# ==> /etc/redis/redis-6379.conf"
	assert_line 'dir "/data/redis/redis-ms-1-6380"'
	assert_line 'requirepass "********"'
	assert_line "replicaof 10.10.10.10 6379"
	assert_line "maxmemory 64MB"
	assert_line "save 1200 1"
	refute_output --partial 'a \"b'
	run -0 farrow-firstboot render redis --profile ms.yml --show-secrets
	assert_line 'requirepass "a \"b\\c d"'
	assert_line 'masterauth "a \"b\\c d"'
	assert_output --partial '{"redis://10.10.10.10:6379": "a \"b\\c d", "redis://10.10.10.10:6380": "a \"b\\c d"}'
	run -0 farrow-firstboot render redis --profile meta.yml --show-secrets
	assert_line "# ==> /etc/redis/sentinel-26381.conf"
	assert_line "sentinel monitor redis-ms 10.10.10.10 6379 2"
	assert_line 'sentinel auth-pass redis-ms "a \"b\\c d"'
	assert_line "sentinel down-after-milliseconds redis-ms 10000"
	run -0 farrow-firstboot render redis --profile test.yml
	assert_line "cluster-enabled yes"
	assert_line "cluster-config-file nodes-6381.conf"
	assert_output --partial "-redis.addr redis://10.10.10.12:6379 -is-cluster"
	# a node with no Redis identity renders nothing
	run -1 farrow-firstboot render redis --profile p.yml
	assert_output --partial "this node has no Redis identity"
	# a value that would add a line to redis.conf is refused where it is written
	fr_mutate redis.yml "redis_max_memory: 64MB" "redis_max_memory: '64MB save 1 1'" bad.yml
	run -3 farrow profile bad.yml --host 10.10.10.10 -o b.yml
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*redis_max_memory.*is not a memory size"
}

@test "pgbackrest_method minio: every key as repo1-<key>, secrets masked; pg_crontab lines checked where written" {
	inv="$FARROW_ROOT/test/fixtures/pg-test.yml"
	fr_mutate "$inv" "        pg_cluster: pg-test" "        pg_cluster: pg-test
        pgbackrest_method: minio
        pgbackrest_repo:
          minio: { type: s3, s3_endpoint: sss.pigsty, s3_bucket: pgsql, s3_key: pgbackrest, s3_key_secret: Sekrit.S3, s3_uri_style: path, path: /pgbackrest, storage_port: 9000, bundle: true, cipher_type: aes-256-cbc, cipher_pass: Sekrit.Cipher }
        pg_crontab: [ '00 01 * * 1 /pg/bin/pg-backup full', '00 01 * * 2-7 /pg/bin/pg-backup' ]" s3.yml
	farrow profile s3.yml --host 10.10.10.12 -o s.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render pgbackrest --profile s.yml
	assert_line "repo1-type=s3"
	assert_line "repo1-s3-uri-style=path"
	assert_line "repo1-bundle=y"
	assert_line "repo1-path=/pgbackrest"
	assert_line "repo1-retention-full=2"
	assert_line "repo1-s3-key-secret=********"
	assert_line "repo1-cipher-pass=********"
	refute_output --partial Sekrit
	run -0 farrow-firstboot render pgbackrest --profile s.yml --show-secrets
	assert_line "repo1-s3-key-secret=Sekrit.S3"
	# crontab lines: a '%', a bad field, @reboot: refused with file:line:column
	fr_mutate s3.yml "'00 01 * * 2-7 /pg/bin/pg-backup'" "'00 01 * * 2-7 date +%F', '00 25 * * * x', '@reboot x'" bad.yml
	run -3 farrow profile bad.yml --host 10.10.10.12 -o b.yml
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*pg_crontab.*has a '%' in its command"
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*pg_crontab.*has a bad hour field \\(0-23"
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*pg_crontab.*uses @reboot"
}

@test "minio: MINIO_VOLUMES by shape (SNSD, SNMD, MNMD), the unit, /etc/hosts and certificate names; bad values refused" {
	# Pigsty's demo/minio.yml: four nodes, four drives each
	cp "$FARROW_ROOT/test/fixtures/minio.yml" mnmd.yml
	farrow profile mnmd.yml --host 10.10.10.12 -o m.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render minio --profile m.yml
	assert_line 'MINIO_VOLUMES="https://minio-{1...4}.pigsty:9000/data{1...4}"'
	assert_line 'MINIO_OPTS="--address :9000 --console-address :9001 --certs-dir /etc/minio/certs"'
	assert_line 'MINIO_ROOT_PASSWORD="********"'
	assert_line "ExecStart=/usr/local/bin/minio server \$MINIO_OPTS \$MINIO_VOLUMES"
	assert_line "EnvironmentFile=/etc/default/minio"
	assert_line "10.10.10.11 minio-2.pigsty # farrow minio"
	# what the first member provisions: a policy a bucket, the users (their secrets not shown)
	assert_line "# ==> bucket meta, versioning (S3 API) and its policy meta (MinIO's admin API), by the first member:"
	assert_line '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::pgsql","arn:aws:s3:::pgsql/*"]}]}'
	assert_line "# ==> user pgbackrest (MinIO's admin API, secret key from the profile), policy pgsql"
	refute_output --partial Sekrit.Backup
	refute_output --partial "Sekrit"
	run -0 farrow-firstboot render minio --profile m.yml --show-secrets
	assert_line 'MINIO_ROOT_PASSWORD="Sekrit.MinIO"'
	# the member's certificate carries its minio_node and minio_domain
	run -0 openssl x509 -in "$BATS_TEST_TMPDIR/pki/10.10.10.12/server.crt" -noout -ext subjectAltName
	assert_output --partial "DNS:minio-3.pigsty, DNS:sss.pigsty"
	# one node: SNMD keeps minio_data as it is; SNSD likewise
	fr_mutate mnmd.yml "        10.10.10.11: { minio_seq: 2 }
        10.10.10.12: { minio_seq: 3 }
        10.10.10.13: { minio_seq: 4 }" "" snmd.yml
	farrow profile snmd.yml --host 10.10.10.10 -o s.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render minio --profile s.yml
	assert_line 'MINIO_VOLUMES="/data{1...4}"'
	fr_mutate snmd.yml "minio_data: '/data{1...4}'" "minio_data: /data/minio" snsd.yml
	farrow profile snsd.yml --host 10.10.10.10 -o t.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -0 farrow-firstboot render minio --profile t.yml
	assert_line 'MINIO_VOLUMES="/data/minio"'
	# members whose seqs leave a gap cannot be one {a...b}: said, not written
	fr_mutate mnmd.yml "10.10.10.13: { minio_seq: 4 }" "10.10.10.13: { minio_seq: 5 }" gap.yml
	farrow profile gap.yml --host 10.10.10.10 -o g.yml --pki "$BATS_TEST_TMPDIR/pki"
	run -1 farrow-firstboot render minio --profile g.yml
	assert_output --partial "the members' minio_seq are not consecutive"
	# values that would break the environment file or MinIO: refused with file:line:column, no secret echoed
	fr_mutate mnmd.yml "minio_data: '/data{1...4}'" "minio_data: '/data{4...1}'
        minio_secret_key: 'short'
        minio_buckets: [ { name: Bad_Bucket } ]
        minio_users: [ { access_key: pgbackrest, secret_key: 'has\"quote', policy: pgsql } ]" bad.yml
	run -3 farrow profile bad.yml --host 10.10.10.10 -o b.yml
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*minio_data.*malformed expansion"
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*minio_secret_key: must be 8 to 40 characters"
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*minio_buckets: name 'Bad_Bucket' is not a bucket name"
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: .*minio_users: secret_key has a quote"
	refute_output --partial "short"
	refute_output --partial 'has"quote'
}
