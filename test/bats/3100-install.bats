#!/usr/bin/env bats
# One real node, end to end (Pigsty's meta): farrow configure -> a bundle of the default Debian 12
# manifest -> farrow install over SSH -> farrow-firstboot converges node, ca, etcd and pgsql on a
# systemd-nspawn node with no route off its bridge. Then: psql from the host through 5432, 6432
# and 5433, a full backup, a patroni Leader; a re-run, a reboot and a SIGKILL keep the rows.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_node_fixture "$W"
	farrow configure -n -c meta -i 10.10.10.10 -v "$FR_PG" -g -o "$W/gen.yml" >/dev/null
	# one user and one database with every attribute of Pigsty's example inventory
	python3 - "$W/gen.yml" "$W/meta.yml" <<'PY'
import sys
t = open(sys.argv[1]).read()
u = "          - { name: dbuser_view,"
i = t.index("\n", t.index(u)) + 1
t = t[:i] + ("          - { name: dbuser_app, password: App.Pass-1234, login: true, superuser: false, createdb: true,"
             " createrole: false, inherit: true, replication: false, bypassrls: true, pgbouncer: true, connlimit: 7,"
             " expire_at: '2030-12-31', comment: every attribute, roles: [ dbrole_readwrite ],"
             " parameters: { search_path: 'farrow,public' }, pool_mode: session, pool_connlimit: 5 }\n") + t[i:]
d = "          - { name: meta,"
i = t.index("\n", t.index(d)) + 1
t = t[:i] + ("          - { name: app, owner: dbuser_app, template: template0, encoding: UTF8, locale: C,"
             " revokeconn: true, connlimit: 9, comment: app database, schemas: [ app ],"
             " extensions: [ { name: pg_trgm, schema: app } ] }\n") + t[i:]
open(sys.argv[2], "w").write(t)
PY
	chmod 600 "$W/meta.yml"
	farrow inventory check "$W/meta.yml" >/dev/null
	# the business user's generated password, for psql through a pgpass file (never argv)
	fr_pgpass "$W/meta.yml" "$W/pgpass"
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

install() { # install [options...]
	farrow install "$W/meta.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 5 --firstboot "$FB" "$@"
}

sql() { # sql PORT SQL
	psql "host=10.10.10.10 port=$1 user=dbuser_meta dbname=meta" -XAtqc "$2"
}

@test "an unknown host key is refused and nothing on the node changes" {
	rm -f "$W/known_hosts"
	run -10 install
	assert_output --partial "10.10.10.10: unknown host key (not in $W/known_hosts): refusing to connect"
	run -0 "$SANDBOX" exec 1 test ! -e /var/lib/farrow
}

@test "a tampered bundle is refused before anything on the node changes" {
	cp "$BUNDLE" "$W/bad.tar.zst"
	cp "$BUNDLE.sig" "$W/bad.tar.zst.sig"
	fr_flip_byte "$W/bad.tar.zst" 5000
	run -6 farrow install "$W/meta.yml" --bundle "$W/bad.tar.zst" --key "$W/key/farrow-signing.gpg" \
		--ssh-key "$KEY" --known-hosts "$W/known_hosts" --accept-new-host-keys --firstboot "$FB"
	assert_output --partial "bad.tar.zst does not verify: nothing was sent to any node"
	assert_output --partial "signature does not hold: gpgv: BAD signature"
	run -0 "$SANDBOX" exec 1 sh -c 'test -e /etc/apt/sources.list && test ! -e /var/lib/farrow'
	# (each node verifies the bundle again before unpacking it: bats 3000 tampers on the node)
}

@test "install --plan: what the node will become, read only; an older node's clash is named and refused" {
	run -0 install --plan --accept-new-host-keys
	assert_line "10.10.10.10      ready"
	assert_line --regexp "^  node +${FR_PRETTY//[()]/.}, point release ${FR_TARGET#d}\.[0-9]+$"
	assert_line "  modules     packages, node, ca, etcd, pgsql"
	assert_line --regexp "^  packages +10 for its roles: [0-9]+ to install from the bundle, no installed package replaced$"
	# read only: no profile, the node's own apt sources, no package, no bundle
	run -1 "$SANDBOX" exec 1 test -e /etc/farrow/profile.yml
	run -0 "$SANDBOX" exec 1 test -e /etc/apt/sources.list
	run -1 "$SANDBOX" exec 1 dpkg -s "postgresql-$FR_PG"
	run -1 "$SANDBOX" exec 1 test -e "/var/lib/farrow/bundles/farrow-pkg-0.1.0.$FR_TARGET.x86_64"
	# the node as an older point release would be (its libc6 from Debian 11): the bundle's
	# packages need a newer one and the bundle rightly does not carry libc6 (the base's)
	"$SANDBOX" exec 1 sh -c 'cp /var/lib/dpkg/status /root/status.orig &&
		awk "/^Package: libc6\$/{p=1} p&&/^Version:/{print \"Version: 2.31-13+deb11u5\"; p=0; next} {print}" \
		/root/status.orig >/var/lib/dpkg/status'
	run install --plan
	plan_rc=$status plan_out=$output
	run install
	install_rc=$status install_out=$output
	"$SANDBOX" exec 1 cp /root/status.orig /var/lib/dpkg/status
	[ "$plan_rc" -eq 1 ]
	[ "$install_rc" -eq 1 ]
	output=$plan_out
	assert_output --partial "refused: the bundle does not fit this node's installed packages"
	assert_output --regexp "nothing provides libc6 >= 2\.[0-9]+ needed by postgresql-$FR_PG-"
	output=$install_out
	assert_output --partial "FAILED: refused: the bundle does not fit this node's installed packages"
	assert_output --partial "; nothing changed"
	# read only: no profile, the node's own apt sources, no package, no bundle
	run -1 "$SANDBOX" exec 1 test -e /etc/farrow/profile.yml
	run -0 "$SANDBOX" exec 1 test -e /etc/apt/sources.list
	run -1 "$SANDBOX" exec 1 dpkg -s "postgresql-$FR_PG"
	run -1 "$SANDBOX" exec 1 test -e "/var/lib/farrow/bundles/farrow-pkg-0.1.0.$FR_TARGET.x86_64"
}

@test "install: air-gapped node, packages from the bundle only, the modules converge with progress" {
	run -0 "$SANDBOX" exec 1 ip route
	refute_output --partial default
	SECONDS=0
	run -0 install --accept-new-host-keys
	echo "install took $SECONDS s" >&3
	assert_line --regexp "^10\.10\.10\.10 +packages done node done ca done etcd done pgsql running redis - minio - \([0-9]+ s\)$"
	assert_line --regexp "^10\.10\.10\.10 +ok: installed \(10 packages for its roles\); 5 modules converged, [0-9]+ changes$"
	# the node's apt knows only the bundle
	run -0 "$SANDBOX" exec 1 sh -c 'ls /etc/apt/sources.list.d; test ! -e /etc/apt/sources.list'
	assert_output farrow.list
	run -0 "$SANDBOX" exec 1 apt-get -q update
	refute_output --regexp "http|https"
	# postgresql-common made no cluster of its own; etcd never ran with its single-node default
	run -0 "$SANDBOX" exec 1 sh -c "ls /etc/postgresql/$FR_PG 2>/dev/null | wc -l; test ! -d /var/lib/etcd/default"
	assert_output 0
	run -0 "$SANDBOX" exec 1 systemctl is-active farrow-firstboot etcd patroni pgbouncer haproxy
	run -0 "$SANDBOX" exec 1 systemctl is-enabled farrow-firstboot etcd patroni pgbouncer haproxy
	run -0 "$SANDBOX" exec 1 farrow-firstboot status
	assert_output "packages done
node     done
ca       done
etcd     done
pgsql    done
redis    -
minio    -"
	run -0 "$SANDBOX" exec 1 farrow-firstboot status --json
	assert_output --regexp '^\{"modules":\[\{"name":"packages","state":"done","started":"[0-9T:-]+Z","finished":"[0-9T:-]+Z","changes":[0-9]+\},'
	assert_output --partial '],"result":"done"}'
	run -1 "$SANDBOX" exec 1 test -e /usr/sbin/policy-rc.d
}

@test "from the host: the business user reaches meta through 5432, 6432 and 5433 (and 5434, 5436)" {
	run -0 sql 5432 "select current_user, current_database(), pg_is_in_recovery()"
	assert_output "dbuser_meta|meta|f"
	for port in 6432 5433 5434 5436; do
		run -0 sql $port "select current_user || '@' || current_database()"
		assert_output "dbuser_meta@meta"
	done
	# TLS with the farrow CA: the server certificate verifies for the node's address
	run -0 psql "host=10.10.10.10 port=5432 user=dbuser_meta dbname=meta sslmode=verify-full sslrootcert=$W/files/pki/ca/ca.crt" \
		-XAtqc "select ssl from pg_stat_ssl where pid = pg_backend_pid()"
	assert_output t
	run -0 sql 5433 "show data_checksums"
	assert_output on
	# the schema and extension the profile asks for, owned as it says
	run -0 sql 5432 "select nspowner::regrole from pg_namespace where nspname = 'farrow'"
	assert_output dbuser_meta
	run -0 sql 5432 "select extname from pg_extension where extname = 'pg_stat_statements'"
	assert_output pg_stat_statements
	# rows the later tests must find again
	run -0 sql 5433 "create table farrow.t (id int primary key, v text);
		insert into farrow.t select g, 'row ' || g from generate_series(1, 1000) g"
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
	# the read-only user reads, and cannot write
	pwv=$(grep -o 'name: dbuser_view, password: [A-Za-z0-9]*' "$W/meta.yml" | sed 's/.*password: //')
	printf '*:*:*:dbuser_view:%s\n' "$pwv" >>"$W/pgpass"
	run -0 psql "host=10.10.10.10 port=5434 user=dbuser_view dbname=meta" -XAtqc "select count(*) from farrow.t"
	assert_output 1000
	run -1 psql "host=10.10.10.10 port=5432 user=dbuser_view dbname=meta" -XAtqc "delete from farrow.t"
	assert_output --partial "permission denied"
}

@test "pg_users and pg_databases: every attribute converged, over libpq" {
	run -0 sql 5432 "select rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolinherit, rolreplication,
		rolbypassrls, rolconnlimit, to_char(rolvaliduntil, 'YYYY-MM-DD'), array_to_string(rolconfig, ';'),
		shobj_description(oid, 'pg_authid'), pg_has_role(rolname, 'dbrole_readwrite', 'member')
		from pg_roles where rolname = 'dbuser_app'"
	assert_output "t|f|t|f|t|f|t|7|2030-12-31|search_path=farrow, public|every attribute|t"
	run -0 sql 5432 "select datconnlimit, pg_encoding_to_char(encoding), datcollate, datdba::regrole,
		shobj_description(oid, 'pg_database'), has_database_privilege('dbuser_view', datname, 'CONNECT'),
		has_database_privilege('dbuser_app', datname, 'CONNECT') from pg_database where datname = 'app'"
	assert_output "9|UTF8|C|dbuser_app|app database|f|t"
	printf '*:*:*:dbuser_app:App.Pass-1234\n' >>"$W/pgpass"
	run -0 psql "host=10.10.10.10 port=6432 user=dbuser_app dbname=app" -XAtqc \
		"select n.nspname || '.' || e.extname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
		 where extname = 'pg_trgm'; show search_path"
	assert_output "app.pg_trgm
farrow, public"
	run -0 "$SANDBOX" exec 1 grep -x "dbuser_app = pool_mode=session max_user_connections=5" /etc/pgbouncer/pgbouncer.ini
}

@test "a full backup in pgbackrest, a patroni Leader with the norm plan" {
	run -0 "$SANDBOX" exec 1 setpriv --reuid=postgres --regid=postgres --init-groups pgbackrest --stanza=pg-meta info
	assert_output --partial "status: ok"
	assert_output --regexp "full backup: [0-9]{8}-[0-9]{6}F"
	run -0 "$SANDBOX" exec 1 patronictl -c /etc/patroni/config.yml list
	assert_output --regexp "\| pg-meta-1 +\| 10\.10\.10\.10 +\| Leader +\| running"
	run -0 "$SANDBOX" exec 1 patronictl -c /etc/patroni/config.yml show-config
	assert_line "ttl: 30"
	assert_line "loop_wait: 5"
	assert_line "retry_timeout: 10"
	assert_line "maximum_lag_on_failover: 1048576"
	# Patroni is etcd user pg-meta, not root: its namespace readable, anything else denied
	run -0 "$SANDBOX" exec 1 sh -c 'sed -n "/^etcd3:/,/^\$/p" /etc/patroni/config.yml | grep -E "^  username: "'
	assert_output "  username: 'pg-meta'"
	run -0 "$SANDBOX" exec 1 sh -c 'p=$(sed -n "/^etcd3:/,/^\$/s/^  password: .\(.*\).\$/\1/p" /etc/patroni/config.yml)
		export ETCDCTL_API=3 ETCDCTL_USER="pg-meta:$p"
		e="etcdctl --endpoints https://127.0.0.1:2379 --cacert /etc/etcd/ssl/ca.crt"
		$e get /pg/pg-meta/leader --print-value-only; $e get /pg/pg-other/leader 2>&1; $e user list 2>&1; true'
	assert_line "pg-meta-1"
	assert_line --regexp "permission denied"
	refute_line "root"
}

@test "the node's profile: 0600, its identities and the secrets it needs; no secret in any log" {
	run -0 "$SANDBOX" exec 1 stat -c '%a %U' /etc/farrow/profile.yml /etc/patroni/config.yml /etc/pgbouncer/userlist.txt /pg/cert/server.key
	assert_output "600 root
600 postgres
600 postgres
600 postgres"
	run -0 "$SANDBOX" exec 1 cat /etc/farrow/profile.yml
	assert_line "  pg_instance: pg-meta-1"
	assert_line "  etcd_instance: etcd-1"
	assert_line "    - { ip: 10.10.10.10, cluster: pg-meta, seq: 1, name: pg-meta-1, role: primary, pg_offline_query: false }"
	pw=$(sed -n 's/^    patroni_password: //p' "$W/meta.yml")
	[ "${#pw}" -eq 24 ]
	assert_line "  patroni_password: $pw"
	# no credential of the inventory in a log, on the host or on the node (files and journal)
	"$SANDBOX" exec 1 journalctl -q --no-pager -o cat >"$W/journal.txt"
	n=0
	[ -n "$(find "$W/farrow-logs" -name install.log)" ]
	[ -s "$W/journal.txt" ]
	for s in App.Pass-1234 $(grep -Eo '(password|secret_key|cipher_pass): [A-Za-z0-9]{24}' "$W/meta.yml" | cut -d' ' -f2); do
		n=$((n + 1))
		run -1 grep -rqF "$s" "$W/farrow-logs"
		run -1 grep -qF "$s" "$W/journal.txt"
		run "$SANDBOX" exec 1 grep -rlF "$s" /var/log /var/lib/farrow /pg/log
		assert_output ""
	done
	[ "$n" -ge 10 ]
}

@test "a node that serves a member of another cluster is never re-initialised: plan and install refuse" {
	fr_mutate "$W/meta.yml" "pg_cluster: pg-meta" "pg_cluster: pg-other" "$W/other.yml"
	run -1 farrow install "$W/other.yml" --plan --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" \
		--ssh-key "$KEY" --known-hosts "$W/known_hosts"
	assert_output --partial "refused: a running PostgreSQL member of cluster 'pg-meta' (patroni scope) serves here"
	assert_line --regexp "^  found +PGDATA /pg/data \(PostgreSQL $FR_PG\), running: farrow's own: kept, converged$"
	run -1 farrow install "$W/other.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" \
		--ssh-key "$KEY" --known-hosts "$W/known_hosts" --firstboot "$FB"
	assert_output --partial "FAILED: refused: a running PostgreSQL member of cluster 'pg-meta'"
	run -0 "$SANDBOX" exec 1 sh -c '! grep -q pg-other /etc/farrow/profile.yml /etc/patroni/config.yml'
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
	# the same inventory as before plans cleanly
	run -0 install --plan
	assert_line "10.10.10.10      ready"
}

@test "farrow status gathers every node's module states" {
	run -0 farrow status "$W/meta.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 5
	assert_line --regexp "^10\.10\.10\.10 +done"
	sed 's/10\.10\.10\.10/10.10.10.13/g' "$W/meta.yml" >"$W/gone.yml"
	run -10 farrow status "$W/gone.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 3
	assert_line --regexp "^10\.10\.10\.13 +unreachable: "
	# the same as data: the node's own modules, and the worst state as the result
	run -0 farrow status "$W/meta.yml" --json --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 5
	run -0 python3 -c 'import json,sys; d=json.loads(sys.argv[1]); h=d["hosts"][0]
print(d["result"], h["host"], h["state"], " ".join(m["name"]+"="+m["state"] for m in h["modules"]))' "$output"
	assert_output "done 10.10.10.10 done packages=done node=done ca=done etcd=done pgsql=done redis=never minio=never"
	run -10 farrow status "$W/gone.yml" --json --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 3
	run -0 python3 -c 'import json,sys; d=json.loads(sys.argv[1]); h=d["hosts"][0]
print(d["result"], h["state"], "modules" in h, bool(h["error"]))' "$output"
	assert_output "unreachable unreachable False True"
}

@test "a bundle for another release is refused by the plan and by firstboot, before any change" {
	repo-builder build "$FARROW_ROOT/test/fixtures/$FR_OTHER-hello.yml" --key "$W/key/farrow-signing.key" \
		--out "$W/other" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	b13=$W/other/farrow-test-0.1.0.$FR_OTHER.x86_64.tar.zst
	run -1 farrow install "$W/meta.yml" --bundle "$b13" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 5 --firstboot "$FB" --plan
	assert_line "  REFUSED     the bundle is for $FR_OTHER.x86_64, this system is $FR_PRETTY ($FR_TARGET, x86_64): it is not installed here"
	# the node's own firstboot, given it in its profile: refused before apt is pointed at it
	top=farrow-test-0.1.0.$FR_OTHER.x86_64
	farrow profile "$W/meta.yml" --host 10.10.10.10 --bundle-dir "/var/lib/farrow/bundles/$top" -o "$W/p13.yml"
	root=$FARROW_SANDBOX/node1/root
	command install -m 0644 "$b13" "$root/var/lib/farrow/incoming/$top.tar.zst"
	command install -m 0644 "$b13.sig" "$root/var/lib/farrow/incoming/$top.tar.zst.sig"
	command install -m 0600 "$W/p13.yml" "$root/root/p13.yml"
	run -1 "$SANDBOX" exec 1 farrow-firstboot run --only packages --profile /root/p13.yml --state /root/st13
	run -1 "$SANDBOX" exec 1 farrow-firstboot status --state /root/st13 --json
	assert_output --partial "\"error\":\"the bundle is for $FR_OTHER.x86_64, this system is $FR_PRETTY ($FR_TARGET, x86_64): nothing installed\""
	run -0 "$SANDBOX" exec 1 cat /etc/apt/sources.list.d/farrow.list
	assert_output --partial "farrow-pkg-0.1.0.$FR_TARGET.x86_64"
	refute_output --partial "$top"
	"$SANDBOX" exec 1 rm -rf "/var/lib/farrow/incoming/$top.tar.zst" "/var/lib/farrow/incoming/$top.tar.zst.sig" \
		"/var/lib/farrow/bundles/$top" /root/p13.yml /root/st13
}

@test "a second run changes nothing and says so; the rows are intact" {
	run -0 install
	assert_output --partial "10.10.10.10      ok: unchanged: nothing to do (10 packages for its roles); 5 modules converged, 0 changes"
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
	# --progress=json: every line an object; the steps, the modules, the host's end, the run's end
	run -0 install --progress=json
	printf '%s\n' "$output" >"$W/progress.json"
	run -0 python3 - "$W/progress.json" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
steps = [o["step"] for o in objs if "step" in o]
mods = {o["module"]: o["state"] for o in objs if "module" in o}
host = [o for o in objs if "result" in o and "host" in o][0]
print(" ".join(steps))
print(" ".join(f"{k}={v}" for k, v in mods.items()))
print(host["host"], host["result"], host["code"], host["changed"], host["summary"])
print(objs[-1])
PY
	assert_line "connect survey copy verify firstboot"
	assert_line "packages=done node=done ca=done etcd=done pgsql=done redis=never minio=never"
	assert_line "10.10.10.10 unchanged 0 False unchanged: nothing to do (10 packages for its roles); 5 modules converged, 0 changes"
	assert_line "{'result': 'ok', 'code': 0, 'hosts': 1}"
	# the survey reads what firstboot converged here from the node's status --json
	run -0 install --plan
	assert_line "  farrow      packages node ca etcd pgsql"
}

@test "stopping and booting the node again: firstboot converges at boot, PostgreSQL serves the rows" {
	run -0 "$SANDBOX" reboot 1
	for _ in $(seq 120); do
		st=$("$SANDBOX" exec 1 systemctl is-active farrow-firstboot 2>/dev/null || true)
		[ "$st" = active ] || [ "$st" = failed ] && break
		sleep 1
	done
	[ "$st" = active ]
	run -0 "$SANDBOX" exec 1 sh -c 'journalctl -b -u farrow-firstboot -q --no-pager -o cat | grep "modules converged"'
	assert_output --regexp "^farrow-firstboot: 5 modules converged, [0-9]+ changes?$"
	for _ in $(seq 30); do sql 5433 "select 1" >/dev/null 2>&1 && break; sleep 1; done
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
}

@test "SIGKILL to firstboot in the middle of the pgsql module, then a re-run: it completes, rows intact" {
	run -0 "$SANDBOX" exec 1 systemctl restart --no-block farrow-firstboot
	for _ in $(seq 300); do
		"$SANDBOX" exec 1 test -e /var/lib/farrow/pgsql.running && break
		sleep 0.1
	done
	run -0 "$SANDBOX" exec 1 systemctl kill -s KILL farrow-firstboot
	run -1 "$SANDBOX" exec 1 farrow-firstboot status
	assert_line "pgsql    interrupted"
	run -0 install
	assert_line --regexp "^10\.10\.10\.10 +ok: .*5 modules converged"
	run -0 "$SANDBOX" exec 1 farrow-firstboot status
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
}

@test "an unreachable host fails clearly within a bounded time" {
	sed 's/10\.10\.10\.10/10.10.10.13/g' "$W/meta.yml" >"$W/gone.yml"
	SECONDS=0
	run -10 farrow install "$W/gone.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 3
	assert_output --regexp "10\.10\.10\.13 +FAILED: 10\.10\.10\.13:22: (no answer \(timed out\)|No route to host|Connection refused)"
	[ "$SECONDS" -lt 15 ]
}

@test "a failing module fails the install: named, with the node's farrow logs copied back" {
	# a second service named primary: every value is valid (an impossible port would be refused by
	# inventory check), but haproxy's own check refuses two proxies of one name before the rendered
	# file replaces the running one
	fr_mutate "$W/meta.yml" "    pg_rto: norm" "    pg_rto: norm
    pg_services: [ { name: primary, port: 5439, dest: postgres, check: /primary, selector: '[]' } ]" "$W/broken.yml"
	run -0 farrow inventory check "$W/broken.yml"
	run -1 farrow install "$W/broken.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 5 --firstboot "$FB"
	assert_output --partial "10.10.10.10      FAILED: farrow-firstboot failed: packages done node done ca done etcd done pgsql failed"
	assert_output --partial "haproxy -c refuses the rendered configuration"
	grep -q "==> /var/log/farrow/pgsql.log <==" "$W/farrow-logs/10.10.10.10/install.log"
	# what ran before stays: haproxy still serves the old services
	run -0 sql 5433 "select count(*) from farrow.t"
	assert_output 1000
	run -0 install
	assert_line --regexp "^10\.10\.10\.10 +ok: installed"
}

@test "hosts run in parallel: unreachable ones do not hold up the others (needs the install above)" {
	# node 1 answers, 10.10.10.13 black-holes (no node): one line each, failures named
	sed 's/^\(        \)10\.10\.10\.10: { pg_seq: 1, pg_role: primary }/&\n\110.10.10.12: { pg_seq: 2, pg_role: replica }\n\110.10.10.13: { pg_seq: 3, pg_role: replica }/' \
		"$W/meta.yml" >"$W/two.yml"
	run -0 farrow inventory check "$W/two.yml"
	SECONDS=0
	run -10 farrow install "$W/two.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 4 --firstboot "$FB"
	assert_line --regexp "^10\.10\.10\.12 +FAILED: 10\.10\.10\.12:22: "
	assert_line --regexp "^10\.10\.10\.13 +FAILED: 10\.10\.10\.13:22: "
	# node 1's profile now lists its new peers: it changes and converges on its own
	assert_line --regexp "^10\.10\.10\.10 +ok: installed"
	# each line as its host ends: the dead hosts are reported while node 1 still works
	dead=$(grep -n '^10\.10\.10\.13 *FAILED' <<<"$output" | cut -d: -f1)
	ok=$(grep -n '^10\.10\.10\.10 *ok' <<<"$output" | cut -d: -f1)
	[ "$dead" -lt "$ok" ]
}
