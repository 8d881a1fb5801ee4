#!/usr/bin/env bats
# The default manifest (profiles/bundles/d12-meta.yml) through the build host's own apt.

setup_file() {
	load helpers/common
	load helpers/mirror
	export KEYDIR=$BATS_FILE_TMPDIR/key
	repo-builder keygen --out "$KEYDIR" >/dev/null
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_isolate
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || skip "host-apt builds need a Debian 12 build host"
	[ -n "$(apt-get indextargets 'Identifier: Packages' 'Architecture: amd64')" ] || skip "no apt lists: apt-get update"
}

@test "the default manifest builds a bundle of the meta profile's packages through host apt" {
	run -0 repo-builder build "$FARROW_ROOT/profiles/bundles/d12-meta.yml" --key "$KEYDIR/farrow-signing.key" \
		--out dist --cache "$FR_TEST_CACHE/rb-cache"
	b=dist/farrow-pkg-0.1.0.d12.x86_64.tar.zst
	run -0 repo-builder verify "$b" --key "$KEYDIR/farrow-signing.gpg"
	run -0 repo-builder inspect "$b"
	for p in postgresql-15 pgbouncer pgbackrest haproxy etcd-server python3-psycopg2; do
		assert_line --regexp "^$p +[^ ]+ +(amd64|all) +debian "
	done
	# patroni from trixie (the host's source with Debian 13's suite), and nothing else from there:
	# its dependencies and the base are bookworm's (apt's choice by priority)
	assert_line --regexp "^patroni +4\.[0-9.]+-[^ ]+ +all +trixie "
	assert_line --regexp "^input +trixie +[0-9]+ +host apt, suite trixie$"
	run -0 sh -c "repo-builder inspect '$b' | awk '\$4 == \"trixie\" && \$1 != \"patroni\" { print \$1 }'"
	for n in $output; do
		run -100 apt-cache show "$n"
	done
	# the private apt configuration: the host's URI and keyring, another suite; the host's sources untouched
	run -0 cat "$FR_TEST_CACHE/rb-cache/host-apt/trixie-amd64/sources.list"
	assert_output --regexp "deb \[signed-by=/[^ ]+ arch=amd64\] [a-z]+://[^ ]+ trixie main"
	run -1 sh -c 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -c trixie'
	# the base (a minimal Debian 12 node) is not bundled
	refute_line --regexp "^(libc6|systemd|bash|apt) "
}

@test "host-apt refuses a target that is not the build host's distro" {
	sed 's/targets: \[ d12.x86_64 \]/targets: [ d13.x86_64 ]/' "$FARROW_ROOT/profiles/bundles/d12-meta.yml" >d13.yml
	run -1 repo-builder resolve d13.yml
	assert_output --partial "a host-apt repository builds only for the build host's own distro (d12), not d13"
	# the host's own source with another suite, as a host-apt suite and the sandbox use it
	run -0 repo-builder host-source --suite trixie
	assert_output --regexp "^deb \[signed-by=/[^ ]+\] [a-z]+://[^ ]+ trixie main$"
	run -2 repo-builder host-source --suite 'trixie main'
	# a suite is a name, nothing a sources.list line could be made of
	fr_mutate "$FARROW_ROOT/profiles/bundles/d12-meta.yml" "    suite: trixie
    priority: 100" "    suite: 'trixie main contrib'" bad.yml
	run -3 repo-builder resolve bad.yml
	assert_output --regexp "bad\.yml:[0-9]+:[0-9]+: suite: 'trixie main contrib' is not a suite name"
}
