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
}

@test "make install DESTDIR= PREFIX= installs binaries, profiles and man pages" {
	run -0 make -s -C "$FARROW_ROOT" install DESTDIR="$BATS_TEST_TMPDIR/root" PREFIX=/usr
	r=$BATS_TEST_TMPDIR/root/usr
	[ -x "$r/bin/farrow" ] && [ -x "$r/bin/repo-builder" ] && [ -x "$r/bin/farrow-firstboot" ]
	[ -f "$r/share/farrow/profiles/meta.yml" ] && [ -f "$r/share/farrow/profiles/ha/trio.yml" ]
	[ -f "$r/share/man/man1/farrow.1" ] && [ -f "$r/share/man/man5/farrow-inventory.5" ]
	[ -f "$r/share/man/man8/farrow-firstboot.8" ]
	run -0 "$r/bin/farrow" inventory check "$r/share/farrow/profiles/ha/full.yml"
}
