#!/usr/bin/env bats
# Hostile inventories and node profiles: a value that would add a line or a field to a config
# file, a value of the wrong type, an unknown plan, a loose profile file. `inventory check`
# refuses them with file:line:column; farrow-firstboot refuses them when it loads the profile,
# before any module runs or anything is rendered. firstboot's `run` is confined here (see
# confined_run), so that even a broken check could not change this host; the overlays' upper
# layers show that nothing was written.

setup() {
	load helpers/common
	fr_isolate
	# the node profile of pg-test-1, written as farrow install writes it (lib/profile.c)
	farrow profile "$FARROW_ROOT/test/fixtures/pg-test.yml" --host 10.10.10.11 -o p.yml --pki "$BATS_TEST_TMPDIR/pki"
}

# confined_run PROFILE: farrow-firstboot run in its own mount and UTS namespace, where /etc and
# /var are overlays whose upper layers (up/etc, up/var) catch any write, and /proc/sys is
# read-only: even a broken check could change nothing on this host.
confined_run() {
	rm -rf up wk && mkdir -p up/etc up/var wk/etc wk/var
	run unshare --mount --uts sh -c 'set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$PWD/up/etc,workdir=$PWD/wk/etc" /etc
		mount -t overlay overlay -o "lowerdir=/var,upperdir=$PWD/up/var,workdir=$PWD/wk/var" /var
		mount --bind /proc/sys /proc/sys && mount -o remount,ro,bind /proc/sys
		exec farrow-firstboot run --profile "$1" --state "$PWD/state"' sh "$1"
}

# nothing was written under /etc or /var, and no state
refute_changes() {
	run -0 find up -mindepth 2
	assert_output ""
	[ ! -e state ]
}

# refused PROFILE MESSAGE: render and run both refuse with exit 3 and MESSAGE; nothing written
refused() {
	run -3 farrow-firstboot render haproxy --profile "$1"
	assert_output --partial "$2"
	refute_output --partial "listen "
	[ "$(id -u)" = 0 ] || return 0
	confined_run "$1"
	assert_failure 3
	assert_output --partial "$2"
	assert_output --partial "nothing was changed"
	refute_changes
}

@test "inventory: an hba field, a database name, a user name that would add to pg_hba or pgbouncer.ini" {
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_hba_rules:" \
		"pg_hba_rules:
          - { user: 'all 0.0.0.0/0 trust #', db: all, addr: world, auth: pwd, title: evil }" h.yml
	run -3 farrow inventory check h.yml
	assert_output --regexp "h\.yml:[0-9]+:[0-9]+: pg_hba_rules: user 'all 0\.0\.0\.0/0 trust #' does not match"
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_hba_rules:" \
		"pg_hba_rules:
          - { user: all, db: all, addr: '0.0.0.0/0 trust', auth: pwd }
          - { user: all, db: 'all all', addr: world, auth: 'trust #' }" h.yml
	run -3 farrow inventory check h.yml
	assert_output --partial "addr '0.0.0.0/0 trust' is not an address"
	assert_output --partial "db 'all all' does not match"
	assert_output --partial "'trust #' is not one of deny, pwd"
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_databases:" \
		"pg_databases:
          - { name: \"app\\n[databases]\\nevil = host=192.0.2.1\" }
          - { name: 'two words' }" d.yml
	run -3 farrow inventory check d.yml
	assert_output --regexp "d\.yml:[0-9]+:[0-9]+: pg_databases: holds a control character"
	assert_output --partial "name 'two words' does not match [A-Za-z0-9_.\$-]+"
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "pg_users:" \
		"pg_users:
          - { name: 'x\" \"SCRAM-SHA-256\$evil', password: p }" u.yml
	run -3 farrow inventory check u.yml
	assert_output --partial "pg_users: name 'x\" \"SCRAM-SHA-256\$evil' does not match"
	# and nothing else in a profile template trips these rules
	run -0 farrow inventory check "$FARROW_ROOT/profiles/meta.yml"
}

@test "inventory: wrong types and unknown plan names are errors, with their positions" {
	for case in "pg_rto: norm|pg_rto: turbo|pg_rto: 'turbo' is not one of fast, norm, safe, wide" \
		"pg_rto: norm|pg_rto: { a: 1 }|pg_rto: expected a string, got mapping" \
		"pg_version: 15|pg_version: fifteen|pg_version: expected an integer, got string 'fifteen'" \
		"node_tune: oltp|node_tune: turbo|node_tune: 'turbo' is not one of oltp, olap, tiny, crit"; do
		IFS='|' read -r from to msg <<<"$case"
		fr_mutate "$FARROW_ROOT/profiles/meta.yml" "$from" "$to" t.yml
		run -3 farrow inventory check t.yml
		assert_output --regexp "t\.yml:[0-9]+:[0-9]+: $(sed 's/[][{}.*$]/\\&/g' <<<"$msg")"
	done
}

# at TEXT: "q.yml:<line>" of the first line of q.yml that holds TEXT
at() {
	echo "q.yml:$(grep -n -m1 -F -- "$1" q.yml | cut -d: -f1)"
}

@test "profile: a newline in pg_cluster or a peer's address, a bad name: refused before rendering" {
	fr_mutate p.yml "pg_cluster: pg-test" 'pg_cluster: "pg-test\n    server evil 192.0.2.1:6432"' q.yml
	refused q.yml "$(at 'server evil'):15: pg_cluster: holds a control character (0x0a at byte 7)"
	fr_mutate p.yml "ip: 10.10.10.12," 'ip: "10.10.10.12\n    bind *:22",' q.yml
	refused q.yml "$(at 'bind *:22'):13: peers: holds a control character (0x0a at byte 11)"
	fr_mutate p.yml "name: pg-test-2," "name: 'pg-test-2 backup',"  q.yml
	refused q.yml "pg_cluster: member name 'pg-test-2 backup' does not match [A-Za-z0-9-]+"
	fr_mutate p.yml "host: 10.10.10.11" "host: '10.10.10.11 evil'" q.yml
	refused q.yml "$(at "host: '10.10.10.11 evil'"):7: host: '10.10.10.11 evil' is not an IPv4 address"
	fr_mutate p.yml "pg_instance: pg-test-1" "pg_instance: ../../etc" q.yml
	refused q.yml "$(at 'pg_instance: ../../etc'):16: pg_instance: name '../../etc' does not match [A-Za-z0-9-]+"
	fr_mutate p.yml "{ name: app }" "{ name: 'app = host=192.0.2.1' }" q.yml
	refused q.yml "pg_databases: name 'app = host=192.0.2.1' does not match"
}

@test "profile: wrong types are refused with file:line:column, never defaulted" {
	for case in "pg_version: 15|pg_version: fifteen|15: pg_version: expected an integer, got string 'fifteen'" \
		"pg_rpo: 0|pg_rpo: lots|11: pg_rpo: expected an integer, got string 'lots'" \
		"pg_rto: fast|pg_rto: { a: 1 }|11: pg_rto: expected a string, got mapping" \
		"pg_rto: fast|pg_rto: turbo|11: pg_rto: 'turbo' is not one of fast, norm, safe, wide" \
		"patroni_password: Sekrit.Patroni|patroni_password: [ a, b ]|21: patroni_password: expected a string, got list"; do
		IFS='|' read -r from to msg <<<"$case"
		fr_mutate p.yml "$from" "$to" q.yml
		refused q.yml "$(at "$to"):$msg"
		run -3 farrow-firstboot render patroni --profile q.yml
		refute_output --partial "scope:"
	done
}

@test "profile: a file others can write, or not root's, is never obeyed" {
	[ "$(id -u)" = 0 ] || skip "needs root (chown, namespaces)"
	cp p.yml loose.yml
	chmod 0666 loose.yml
	confined_run loose.yml
	assert_failure 3
	assert_output --partial "loose.yml: refused: a profile is obeyed as root"
	assert_output --partial "mode 0666"
	refute_changes
	chmod 0620 loose.yml
	confined_run loose.yml
	assert_failure 3
	assert_output --partial "mode 0620"
	chmod 0600 loose.yml
	chown 65534 loose.yml
	confined_run loose.yml
	assert_failure 3
	assert_output --partial "owner uid 65534"
	ln -s p.yml link.yml
	confined_run link.yml
	assert_failure 1
	assert_output --partial "cannot read link.yml"
	refute_changes
}

@test "show: Ansible's passwords and passwords inside URLs are masked without --show-secrets" {
	fr_mutate "$FARROW_ROOT/profiles/meta.yml" "node_tune: oltp" "node_tune: oltp
    ansible_password: Sekrit.Ssh
    ansible_become_password: Sekrit.Become
    ansible_ssh_pass: Sekrit.Pass
    pg_exporter_url: 'postgres://dbuser_monitor:Sekrit.Url@127.0.0.1:5432/postgres?sslmode=disable'
    pgbouncer_exporter_url: 'postgres://u:Sekrit.Two@h:6432/pgbouncer postgres://v:Sekrit.Three@h2/x'" s.yml
	for form in "" --json; do
		run -0 farrow inventory show s.yml --host 10.10.10.10 $form
		refute_output --partial "Sekrit."
		assert_output --partial "postgres://dbuser_monitor:********@127.0.0.1:5432/postgres?sslmode=disable"
		assert_output --partial "postgres://u:********@h:6432/pgbouncer postgres://v:********@h2/x"
		assert_output --regexp "ansible_become_password\"?[: ]+(\\{\"value\":)?\"?\*\*\*\*\*\*\*\*"
		run -0 farrow inventory show s.yml --host 10.10.10.10 $form --show-secrets
		assert_output --partial "Sekrit.Ssh"
		assert_output --partial "Sekrit.Url"
	done
}

@test "invalid UTF-8 is reported at its line; two groups of one cluster name are an error" {
	printf 'all:\n  vars:\n    a: "ok"\n    b: "\xff\xfe"\n' >u.yml
	run -3 farrow inventory check u.yml
	assert_output --partial "u.yml:4:9: yaml: invalid leading UTF-8 octet (byte 0xff at offset 33)"
	cat >dup.yml <<'YML'
all:
  children:
    pg-meta:
      hosts: { 10.10.10.10: { pg_seq: 1, pg_role: primary } }
      vars: { pg_cluster: pg-meta }
    pg-meta2:
      hosts: { 10.10.10.11: { pg_seq: 1, pg_role: primary } }
      vars: { pg_cluster: pg-meta }
YML
	run -3 farrow inventory check dup.yml
	assert_output --partial "dup.yml:8:27: pg_cluster: pg_cluster 'pg-meta' is also the cluster of group 'pg-meta' (line 3): a cluster is one group"
	sed 's/^    pg-meta2:/    pg-meta:/' dup.yml >dupkey.yml
	run -3 farrow inventory check dupkey.yml
	assert_output --partial "dupkey.yml:6:5: pg-meta: duplicate group (also on line 3)"
}
