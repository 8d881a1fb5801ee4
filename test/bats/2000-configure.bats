#!/usr/bin/env bats
# farrow configure: Pigsty's flags on farrow's engine; every bad flag of issue 2.

setup() {
	load helpers/common
	fr_isolate
}

teardown() {
	if [ -n "${NS:-}" ]; then ip netns del "$NS" 2>/dev/null || true; fi
}

# Pigsty's default credentials, none of which may survive -g.
DEFAULTS='DBUser\.|S3User\.|Patroni\.API|Etcd\.Root|pgBackRest|minioadmin|: pigsty *$|: .?redis\.ms'

@test "acceptance: ha/trio with --nodes and -g validates, no default credential left, mode 0600" {
	run -0 farrow configure -n -c ha/trio -i 10.10.10.10 --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -g -o x.yml
	assert_output --partial "[ OK ] output   = x.yml (mode 0600)"
	run -0 farrow inventory check x.yml
	run grep -En "$DEFAULTS" x.yml
	assert_failure
	assert_output ""
	[ "$(stat -c %a x.yml)" = 600 ]
}

@test "-g on every profile leaves no default credential, and secrets stay out of stdout" {
	local t
	for t in meta rich slim ha/dual ha/trio ha/full; do
		run -0 farrow configure -n -s -c "$t" -g -o out.yml
		local log=$output
		run grep -En "$DEFAULTS" out.yml
		assert_output ""
		# a generated secret is 24 characters of [A-Za-z0-9]; none is printed
		for s in $(grep -Eo 'password: [A-Za-z0-9]{24}$' out.yml | cut -d' ' -f2); do
			[[ "$log" != *"$s"* ]]
		done
	done
	run -0 farrow configure -n -s -c ha/full -g --show-secrets -o out.yml
	s=$(grep -Eo 'etcd_root_password: [A-Za-z0-9]{24}' out.yml | cut -d' ' -f2)
	assert_output --regexp "etcd_root_password +$s"
}

@test "-g keeps a secret that appears twice the same in both places" {
	run -0 farrow configure -n -s -c ha/full -g -o out.yml
	a=$(grep -Eo 'secret_key: [A-Za-z0-9]{24}' out.yml | head -1 | cut -d' ' -f2)
	b=$(grep -Eo 's3_key_secret: [A-Za-z0-9]{24}' out.yml | cut -d' ' -f2)
	[ -n "$a" ]
	[ "$a" = "$b" ]
	# the viewer's password is also Grafana's view password, as in Pigsty
	v=$(grep -Eo 'name: dbuser_view, password: [A-Za-z0-9]{24}' out.yml | awk '{print $4}')
	grep -q "grafana_view_password: $v" out.yml
}

@test "IP replacement is exact: 10.10.10.100 is not 10.10.10.10" {
	cat >tpl.yml <<'YML'
all:
  children:
    etcd:
      hosts: { 10.10.10.10: { etcd_seq: 1 } }
      vars: { etcd_cluster: etcd }
  vars:
    admin_ip: 10.10.10.10
    node_etc_hosts: [ '10.10.10.100 other', '10.10.10.10 i.pigsty', '110.10.10.10 far' ]
YML
	run -0 farrow configure -n -c ./tpl.yml -i 192.168.7.7 -o out.yml
	run -0 cat out.yml
	assert_line "      hosts: { 192.168.7.7: { etcd_seq: 1 } }"
	assert_line "    admin_ip: 192.168.7.7"
	assert_line "    node_etc_hosts: [ '10.10.10.100 other', '192.168.7.7 i.pigsty', '110.10.10.10 far' ]"
}

@test "meta: -i, -v, -r, -p, -x land in the file; a second run keeps the first as .bak" {
	HTTPS_PROXY=http://proxy.example:3128 run -0 farrow configure -n -i 172.16.5.5 -v 17 -r europe -p 2222 -x -o f.yml
	assert_output --partial "[ OK ] primary  = 172.16.5.5 (from -i)"
	assert_output --partial "[ OK ] pg       = 17"
	refute_output --partial "proxy.example"
	run -0 farrow inventory show f.yml --host 172.16.5.5
	assert_output --regexp "pg_version +17 +global"
	assert_output --regexp "pg_locale +C.UTF-8 +global"
	assert_output --regexp "region +europe +global"
	assert_output --regexp "ansible_port +2222 +global"
	assert_output --regexp 'proxy_env +\{ no_proxy: .*https_proxy: http://proxy.example:3128 \}'
	assert_output --partial "pg-meta-1 (primary)"
	cp f.yml first.yml
	run -0 farrow configure -n -i 172.16.5.6 -o f.yml
	assert_output --partial "previous kept as f.yml.bak"
	cmp first.yml f.yml.bak
	grep -q "admin_ip: 172.16.5.6" f.yml
	[ "$(stat -c %a f.yml)" = 600 ]
}

@test "PG 15 keeps the template's locale; 17 and up get C.UTF-8" {
	run -0 farrow configure -n -s -v 15 -o a.yml
	run grep -c "C.UTF-8" a.yml
	assert_output 0
	run -0 farrow configure -n -s -v 18 -o b.yml
	run grep -c "C.UTF-8" b.yml
	assert_output 3
}

@test "fewer than 4 vCPUs means tiny tuning" {
	run -0 taskset -c 0 farrow configure -n -s -o t.yml
	assert_output --partial "[WARN] cpu      = 1 vCPU (fewer than 4: tiny tuning)"
	grep -q "node_tune: tiny" t.yml
	grep -q "pg_conf: tiny.yml" t.yml
}

@test "--help documents every flag and the exit codes" {
	run -0 farrow configure --help
	for f in -c -i --nodes -v -r -o -s -x -n -p -g --show-secrets; do
		assert_output --partial "  $f"
	done
	assert_output --partial "  11  template not found"
	assert_output --partial "   9  several IP addresses"
}

# Bad flags: the message, the exit code, and no output file.
badflag() { # badflag <exit> <message> <args...>
	local code=$1 msg=$2
	shift 2
	run -"$code" farrow configure -n "$@" -o out.yml
	assert_output --partial "$msg"
	[ ! -e out.yml ]
	[ -z "$(ls -A)" ] || [ "$(ls -A)" = home ]
}

@test "bad flags: exit code, message, nothing written" {
	badflag 2 "invalid -v '12': the PostgreSQL major version must be 13-18" -s -v 12
	badflag 2 "invalid -v '19'" -s -v 19
	badflag 2 "invalid -v 'x'" -s -v x
	badflag 2 "invalid -r 'mars': the region must be default, china or europe" -s -r mars
	badflag 2 "invalid -p '0': the SSH port must be 1-65535" -s -p 0
	badflag 2 "invalid -p '70000'" -s -p 70000
	badflag 7 "invalid IP address '10.10.10.256'" -i 10.10.10.256
	badflag 7 "invalid IP address 'db1' in --nodes" -c ha/dual --nodes 10.0.0.1,db1
	badflag 2 "template 'ha/trio' has 3 nodes (10.10.10.10, 10.10.10.11, 10.10.10.12); --nodes gave 2" \
		-c ha/trio --nodes 10.0.0.1,10.0.0.2
	badflag 2 "--nodes lists 10.0.0.1 twice" -c ha/dual --nodes 10.0.0.1,10.0.0.1
	badflag 2 "-i must be the first address of --nodes (10.0.0.1)" -c ha/dual -i 10.0.0.2 --nodes 10.0.0.1,10.0.0.2
	badflag 2 "--nodes '' lists no address" -c ha/dual --nodes ''
	badflag 11 "template 'nosuch' not found: not one of meta, rich, slim, ha/dual, ha/trio, ha/full" -s -c nosuch
	badflag 2 "unexpected argument 'extra'" -s extra
	badflag 2 "see 'farrow configure --help'" -s --frobnicate
}

@test "an invalid template is refused with its position, exit 3, nothing written" {
	mkdir t
	cat >t/bad.yml <<'YML'
all:
  children:
    pg-x:
      vars: { pg_cluster: pg-x }
      hosts: { 10.10.10.10: { pg_seq: 1, pg_role: leader } }
YML
	run -3 farrow configure -n -s -c ./t/bad.yml -o out.yml
	assert_output --partial "template './t/bad.yml' (as rendered) is invalid: 4:27: pg_role: cluster 'pg-x' has no primary"
	[ ! -e out.yml ]
	printf 'all: [\n' >t/broken.yml
	run -3 farrow configure -n -s -c ./t/broken.yml -o out.yml
	[ ! -e out.yml ]
}

@test "-o naming a directory, or an unwritable place, leaves nothing behind" {
	mkdir d
	run -2 farrow configure -n -s -o d
	assert_output --partial "-o 'd' is a directory"
	run -1 farrow configure -n -s -o no/such/dir/x.yml
	assert_output --partial "cannot create a temporary file beside 'no/such/dir/x.yml'"
	[ "$(ls -A d)" = "" ]
}

@test "a failed run leaves an existing output untouched" {
	echo "mine" >keep.yml
	run -2 farrow configure -n -s -v 99 -o keep.yml
	[ "$(cat keep.yml)" = mine ]
	[ ! -e keep.yml.bak ]
}

@test "address detection in a namespace: one, none, several (-n fails with 9)" {
	[ "$(id -u)" = 0 ] || skip "needs root for ip netns"
	command -v ip >/dev/null || skip "needs iproute2"
	NS=frcfg$$
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	run -0 ip netns exec "$NS" farrow configure -n -o none.yml
	assert_output --partial "[WARN] primary  = 10.10.10.10 (no IPv4 address found besides loopback)"
	# a veth pair inside the namespace: two interfaces, no way out
	ip -n "$NS" link add d0 type veth peer name d1
	ip -n "$NS" addr add 192.0.2.10/24 dev d0
	ip -n "$NS" link set d0 up
	run -0 ip netns exec "$NS" farrow configure -n -o one.yml
	assert_output --partial "[ OK ] primary  = 192.0.2.10 (the only one)"
	grep -q "admin_ip: 192.0.2.10" one.yml
	ip -n "$NS" addr add 198.51.100.10/24 dev d1
	ip -n "$NS" link set d1 up
	run -9 ip netns exec "$NS" farrow configure -n -o two.yml
	assert_output --regexp "several IPv4 addresses \((192.0.2.10, 198.51.100.10|198.51.100.10, 192.0.2.10)\) and -n: pass the primary one with -i"
	[ ! -e two.yml ]
	# without -n it asks, and takes an address or a number
	run -0 ip netns exec "$NS" farrow configure -o two.yml <<<"198.51.100.10"
	assert_output --partial "which is the primary IP of this node?"
	grep -q "admin_ip: 198.51.100.10" two.yml
	run -0 ip netns exec "$NS" farrow configure -o num.yml <<<"1"
	grep -Eq "admin_ip: (198.51.100.10|192.0.2.10)" num.yml
	run -9 ip netns exec "$NS" farrow configure -o three.yml <<<"7"
	[ ! -e three.yml ]
}

@test "no package manager found exits 4, as Pigsty's configure does" {
	[ "$(id -u)" = 0 ] || skip "needs root for a private mount namespace"
	command -v unshare >/dev/null || skip "needs unshare"
	run -4 unshare -m sh -c '
		for f in /usr/bin/apt-get /bin/apt-get /usr/bin/dnf /usr/bin/yum /usr/bin/zypper; do
			[ -e "$f" ] && mount --bind /dev/null "$f"
		done
		exec farrow configure -n -s -o out.yml'
	assert_output --partial "[FAIL] package  = none found"
	[ ! -e out.yml ]
}

@test "--secrets-file: chosen credentials; bad files refused with their position, nothing written" {
	printf 'DBUser.Meta: Chosen.Pass-1\npatroni_password: Chosen.Pass-2\n' >s.yml
	chmod 600 s.yml
	run -0 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file s.yml -o out.yml --show-secrets
	assert_output --regexp "DBUser.Meta +Chosen.Pass-1"
	assert_output --regexp "patroni_password +Chosen.Pass-2"
	grep -q "name: dbuser_meta, password: Chosen.Pass-1," out.yml
	grep -q "^    patroni_password: Chosen.Pass-2$" out.yml
	run -1 grep -q "DBUser.DBA" out.yml
	# without -g, group-readable, a short or odd value, a name the template lacks
	run -2 farrow configure -n -c meta -i 10.0.0.5 --secrets-file s.yml -o bad.yml
	assert_output --partial "--secrets-file goes with -g"
	chmod 644 s.yml
	run -2 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file s.yml -o bad.yml
	assert_output --partial "s.yml holds credentials but is mode 0644: chmod 600 it first"
	printf 'DBUser.Meta: short\n' >t.yml
	chmod 600 t.yml
	run -2 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file t.yml -o bad.yml
	assert_output --partial "t.yml:1:14: DBUser.Meta: the value must be 8-128 characters of A-Z a-z 0-9 . _ ~ -"
	printf 'DBUser.Meta: "has space 123"\n' >t.yml
	run -2 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file t.yml -o bad.yml
	assert_output --partial "t.yml:1:14: DBUser.Meta: the value must be"
	printf 'Nope.Cred: abcdefghij\n' >t.yml
	run -2 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file t.yml -o bad.yml
	assert_output --partial "'Nope.Cred' is not a credential of template 'meta'"
	printf -- '- a list\n' >t.yml
	run -2 farrow configure -n -c meta -i 10.0.0.5 -g --secrets-file t.yml -o bad.yml
	assert_output --partial "t.yml:1:1: a mapping of credential names to values is expected"
	[ ! -e bad.yml ]
}
