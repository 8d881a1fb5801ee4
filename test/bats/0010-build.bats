#!/usr/bin/env bats
# The build: binaries answer --help; make install lays out binaries, profiles, man pages.

setup() {
	load helpers/common
	fr_isolate
}

@test "every binary answers --help with exit 0 and a usage line" {
	run -0 farrow --help
	assert_output --partial "usage: farrow <command>"
	run -0 repo-builder --help
	assert_output --partial "usage: repo-builder"
	run -0 farrow-firstboot --help
	assert_output --partial "usage: farrow-firstboot"
	run -2 farrow
	run -2 farrow no-such-command
	assert_output "farrow: 'no-such-command' is not a farrow command; see 'farrow --help'"
	run -0 farrow --version
	assert_output --regexp "^farrow [0-9]+\.[0-9]+\.[0-9]+$"
	# the three mains share one dispatcher: the same words for the same mistakes
	run -2 repo-builder no-such-command
	assert_output "repo-builder: 'no-such-command' is not a repo-builder command; see 'repo-builder --help'"
	run -2 farrow-firstboot no-such-command
	assert_output "farrow-firstboot: 'no-such-command' is not a farrow-firstboot command; see 'farrow-firstboot --help'"
	run -2 farrow-firstboot verify
	assert_line "farrow-firstboot: 'verify': bad arguments"
	run -2 farrow install inv.yml --bundle b --key k --progress=xml
	assert_output "farrow: install: --progress is text or json, not 'xml'"
}

@test "make install DESTDIR= PREFIX= installs binaries, profiles and man pages" {
	run -0 make -s -C "$FARROW_ROOT" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	r=$BATS_TEST_TMPDIR/root/usr
	[ -x "$r/bin/farrow" ]
	[ -x "$r/bin/repo-builder" ]
	[ -x "$r/bin/farrow-firstboot" ]
	[ -f "$r/share/farrow/profiles/meta.yml" ]
	[ -f "$r/share/farrow/profiles/ha/trio.yml" ]
	[ -f "$r/share/man/man1/farrow.1" ]
	[ -f "$r/share/man/man5/farrow-inventory.5" ]
	[ -f "$r/share/man/man8/farrow-firstboot.8" ]
	run -0 "$r/bin/farrow" inventory check "$r/share/farrow/profiles/ha/full.yml"
}

@test "the library tiers: the node's archive calls no admin-side library, and firstboot links only the node's" {
	b=${FARROW_BIN:-$FARROW_ROOT/build}
	[ -f "$b/libfarrow-node.a" ]
	# undefined symbols of the node tier: none of libcurl, libssh2, libarchive, libsolv, libpq, ncurses
	run -0 sh -c "nm -u '$b/libfarrow-node.a' | awk '{print \$2}' | sort -u"
	refute_output --regexp "^(curl_|libssh2_|archive_|solv|pool_|repo_|PQ|initscr|newwin|wgetch)"
	# what a node-side file pulls in stays node-side: the admin archive is not on firstboot's link line
	run -0 make -s -n -C "$FARROW_ROOT" O="$b" -W firstboot/main.c "$b/farrow-firstboot"
	assert_output --partial "libfarrow-node.a"
	refute_output --partial "libfarrow-admin.a"
}

@test "lint-bats: a '! cmd' or 'a && b' before a test's end is reported; control flow is not" {
	f=$FARROW_ROOT/test/fixtures/lint-dead.bats.txt
	run -1 python3 "$FARROW_ROOT/test/lint-bats.py" "$f"
	assert_line "$f:2: a '! cmd' that is not the test's last command never fails it: ! grep -q secret log"
	assert_line "$f:3: the left side of '&&' never fails the test: [ -f a ] && [ -f b ]"
	assert_line "lint-bats: 2 dead assertions (see test/lint-bats.py)"
	run -0 python3 "$FARROW_ROOT/test/lint-bats.py" "$FARROW_ROOT"/test/bats/*.bats
}
