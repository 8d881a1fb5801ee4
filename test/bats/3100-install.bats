#!/usr/bin/env bats
# farrow install on a sandbox node: SSH with host-key checks, the bundle verified on the node
# before anything changes, apt pointed at the bundle only, the roles' packages installed.

setup_file() {
	load helpers/common
	load helpers/mirror
	[ "$(id -u)" = 0 ] && command -v systemd-nspawn >/dev/null || return 0
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || return 0
	export FARROW_SANDBOX=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
	export SANDBOX="$BATS_TEST_DIRNAME/../sandbox/sandbox.sh" W=$BATS_FILE_TMPDIR
	"$SANDBOX" down
	"$SANDBOX" up 1 >&3
	repo-builder keygen --out "$W/key" >/dev/null
	repo-builder build "$FARROW_ROOT/profiles/bundles/d12-meta.yml" --key "$W/key/farrow-signing.key" \
		--out "$W/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	export BUNDLE=$W/dist/farrow-pkg-0.1.0.d12.x86_64.tar.zst
	farrow configure -n -c slim -i 10.10.10.10 -g -o "$W/slim.yml" >/dev/null
}

teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	"$BATS_TEST_DIRNAME/../sandbox/sandbox.sh" down
}

setup() {
	load helpers/common
	[ "$(id -u)" = 0 ] || skip "the sandbox needs root"
	command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn"
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || skip "the default bundle is built by a Debian 12 host"
	cd "$W" || return 1
	KEY=$("$SANDBOX" key)
	# nodes get the plain build of farrow-firstboot (a sanitizer build needs libasan)
	FB="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot"
}

install() { # install [options...]
	farrow install "$W/slim.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 5 --firstboot "$FB" "$@"
}

@test "an unknown host key is refused and nothing on the node changes" {
	rm -f "$W/known_hosts"
	run -10 install
	assert_output --partial "10.10.10.10: unknown host key (not in $W/known_hosts): refusing to connect"
	run -0 "$SANDBOX" exec 1 test ! -e /var/lib/farrow
}

@test "a tampered bundle is refused on the node before anything changes; its log is kept" {
	cp "$BUNDLE" "$W/bad.tar.zst"
	cp "$BUNDLE.sig" "$W/bad.tar.zst.sig"
	printf 'X' | dd of="$W/bad.tar.zst" bs=1 seek=5000 conv=notrunc 2>/dev/null
	run -6 farrow install "$W/slim.yml" --bundle "$W/bad.tar.zst" --key "$W/key/farrow-signing.gpg" \
		--ssh-key "$KEY" --known-hosts "$W/known_hosts" --accept-new-host-keys --firstboot "$FB"
	assert_output --partial "FAILED: the bundle does not verify on the node: nothing changed"
	grep -q "signature does not hold" "$W/farrow-logs/10.10.10.10/install.log"
	run -0 "$SANDBOX" exec 1 sh -c 'test -e /etc/apt/sources.list && test ! -e /etc/apt/sources.list.d/farrow.list && test -z "$(ls /var/lib/farrow/bundles)"'
}

@test "install lays the bundle down: packages from the bundle only, no main cluster, no service started" {
	run -0 install --accept-new-host-keys
	assert_output --partial "10.10.10.10      ok: installed"
	run -0 "$SANDBOX" exec 1 dpkg-query -W -f '${Package} ${Status}\n' postgresql-15 patroni pgbouncer \
		pgbackrest haproxy etcd-server
	[ "$(grep -c 'install ok installed' <<<"$output")" -eq 6 ]
	# the node's apt knows only the bundle
	run -0 "$SANDBOX" exec 1 sh -c 'ls /etc/apt/sources.list.d; test ! -e /etc/apt/sources.list'
	assert_output farrow.list
	run -0 "$SANDBOX" exec 1 apt-get -q update
	refute_output --regexp "http|https"
	# postgresql-common made no cluster; etcd never ran with its single-node default
	run -0 "$SANDBOX" exec 1 sh -c 'ls /etc/postgresql/15 2>/dev/null | wc -l; test ! -d /var/lib/etcd/default'
	assert_output 0
	run "$SANDBOX" exec 1 systemctl is-active etcd
	assert_output inactive
}

@test "the node's profile: 0600, its identities and the secrets it needs; no secret in any log" {
	run -0 "$SANDBOX" exec 1 stat -c '%a %U' /etc/farrow/profile.yml
	assert_output "600 root"
	run -0 "$SANDBOX" exec 1 cat /etc/farrow/profile.yml
	assert_line "  pg_instance: pg-meta-1"
	assert_line "  etcd_instance: etcd-1"
	assert_line "    - { ip: 10.10.10.10, cluster: pg-meta, seq: 1 }"
	pw=$(sed -n 's/^    patroni_password: //p' "$W/slim.yml")
	[ "${#pw}" -eq 24 ]
	assert_line "  patroni_password: $pw"
	# no credential of the inventory in a log, on the host or on the node
	for s in $(grep -Eo '(password|secret_key|cipher_pass): [A-Za-z0-9]{24}' "$W/slim.yml" | cut -d' ' -f2); do
		! grep -rqF "$s" "$W/farrow-logs" 2>/dev/null
		run "$SANDBOX" exec 1 grep -rlF "$s" /var/log /var/lib/farrow
		assert_output ""
	done
}

@test "farrow status gathers every node's module states" {
	run -3 farrow status "$W/slim.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 5
	assert_line --regexp "^10\.10\.10\.10 +never run$"
	sed 's/10\.10\.10\.10/10.10.10.13/g' "$W/slim.yml" >"$W/gone.yml"
	run -10 farrow status "$W/gone.yml" --ssh-key "$KEY" --known-hosts "$W/known_hosts" --timeout 3
	assert_line --regexp "^10\.10\.10\.13 +unreachable: "
}

@test "a second run changes nothing and says so" {
	run -0 install
	assert_output --partial "10.10.10.10      ok: unchanged: nothing to do"
}

@test "an unreachable host fails clearly within a bounded time" {
	sed 's/10\.10\.10\.10/10.10.10.13/g' "$W/slim.yml" >"$W/gone.yml"
	SECONDS=0
	run -10 farrow install "$W/gone.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 3
	assert_output --regexp "10\.10\.10\.13 +FAILED: 10\.10\.10\.13:22: (no answer \(timed out\)|No route to host|Connection refused)"
	[ "$SECONDS" -lt 15 ]
}

@test "hosts run in parallel: unreachable ones do not hold up the others (needs the install above)" {
	# node 1 answers, 10.10.10.13 black-holes (no node): one line each, failures named
	sed 's/^\(        \)10\.10\.10\.10: { pg_seq: 1, pg_role: primary }/&\n\110.10.10.12: { pg_seq: 2, pg_role: replica }\n\110.10.10.13: { pg_seq: 3, pg_role: replica }/' \
		"$W/slim.yml" >"$W/two.yml"
	run -0 farrow inventory check "$W/two.yml"
	SECONDS=0
	run -10 farrow install "$W/two.yml" --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$KEY" \
		--known-hosts "$W/known_hosts" --timeout 4 --firstboot "$FB"
	# node 1's profile now lists its new peers: it changes, the others fail on their own
	assert_line --regexp "^10\.10\.10\.10 +ok: installed"
	assert_line --regexp "^10\.10\.10\.12 +FAILED: 10\.10\.10\.12:22: "
	assert_line --regexp "^10\.10\.10\.13 +FAILED: 10\.10\.10\.13:22: "
	# two dead hosts of up to 4 s each, side by side: well under their sum
	[ "$SECONDS" -lt 7 ]
}
