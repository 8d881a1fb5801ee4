#!/usr/bin/env bats
# Hostile bundles, correctly signed (only farrow's own rules can refuse them), fed to every
# reader of a bundle: repo-builder verify, farrow-firstboot verify and unpack, and farrow
# install's local check. Each must refuse with exit 6, name the member and what is wrong, and
# write or remove nothing (sentinels beside the targets are checked).

setup_file() {
	load helpers/common
	export GNUPGHOME=$BATS_FILE_TMPDIR/gpg KEY=$BATS_FILE_TMPDIR/key.gpg
	mkdir -m 700 "$GNUPGHOME"
	gpg --batch --passphrase '' --quick-gen-key "crafter <c@farrow.invalid>" ed25519 sign never 2>/dev/null
	gpg --batch --export >"$KEY"
	farrow configure -n -c meta -i 10.10.10.10 -o "$BATS_FILE_TMPDIR/inv.yml" >/dev/null
}

teardown_file() {
	gpgconf --homedir "$BATS_FILE_TMPDIR/gpg" --kill all 2>/dev/null || true
}

setup() {
	load helpers/common
	fr_isolate
}

# craft NAME <<< JSON: a signed bundle NAME.tar.zst in the test's directory
craft() {
	python3 "$FARROW_ROOT/test/bats/helpers/craft-bundle.py" "$PWD/$1.tar.zst" "$GNUPGHOME"
}

# refused_by_all BUNDLE MESSAGE: every reader exits 6 with MESSAGE, and unpack writes nothing
refused_by_all() {
	local b=$1 msg=$2
	run -6 repo-builder verify "$b" --key "$KEY"
	assert_output --partial "$msg"
	run -6 farrow-firstboot verify "$b" --key "$KEY"
	assert_output --partial "$msg"
	mkdir -p dest
	run -6 farrow-firstboot unpack "$b" --key "$KEY" --dest dest
	assert_output --partial "$msg"
	run -0 find dest -mindepth 1
	assert_output ""
	run -6 farrow install "$BATS_FILE_TMPDIR/inv.yml" --bundle "$b" --key "$KEY" --timeout 1
	assert_output --partial "does not verify: nothing was sent to any node"
	assert_output --partial "$msg"
}

@test "a well-formed crafted bundle is accepted and unpacked exactly (the control case)" {
	craft good <<<'{"files": {"repo/a.txt": "good\n", "keys/k": "k"}}'
	run -0 repo-builder verify good.tar.zst --key "$KEY"
	assert_output --partial "signature good, 2 files verified"
	run -0 farrow-firstboot unpack good.tar.zst --key "$KEY" --dest dest
	assert_output --partial "dest/t: unpacked"
	run -0 cat dest/t/repo/a.txt
	assert_output "good"
	run -0 farrow-firstboot unpack good.tar.zst --key "$KEY" --dest dest
	assert_output --partial "already unpacked"
	run -0 ls -A dest
	assert_output "t"
}

@test "MANIFEST top escaping --dest (/../../../x/y, ../x, a/b): refused everywhere, nothing removed" {
	mkdir -p a/b/c/dest a/x/y.tmp a/x/y
	touch a/x/y.tmp/sentinel a/x/y/sentinel
	for top in /../../../x/y ../x a/b .; do
		craft evil <<<"{\"manifest_top\": \"$top\", \"files\": {}}"
		run -6 farrow-firstboot unpack evil.tar.zst --key "$KEY" --dest a/b/c/dest
		assert_output --partial "MANIFEST:2: top '$top'"
		run -0 find a -name sentinel
		assert_line "a/x/y.tmp/sentinel"
		assert_line "a/x/y/sentinel"
		run -0 find a/b/c/dest -mindepth 1
		assert_output ""
		refused_by_all evil.tar.zst "top '$top'"
	done
}

@test "'..' in MANIFEST entries and in member names, in every header form tar has" {
	long=$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})
	for fmt in pax gnu ustar; do
		# listed in MANIFEST
		craft evil <<<"{\"format\": \"$fmt\", \"list_only\": [\"file $(printf 'a%.0s' {1..64}) 1 $long/../../../../evil\"]}"
		refused_by_all evil.tar.zst "has a '.' or '..' component"
		# only in the archive: a ustar prefix/name pair, a GNU long name, a pax path
		craft evil <<<"{\"format\": \"$fmt\", \"members\": [{\"name\": \"t/$long/../../../../evil\", \"content\": \"x\"}]}"
		refused_by_all evil.tar.zst "t/$long/../../../../evil: has a '.' or '..' component"
	done
	run -0 find / -maxdepth 1 -name evil
	assert_output ""
}

@test "symlinks, hard links, devices and fifos not in MANIFEST are refused" {
	for kind in symlink hardlink chardev blockdev fifo; do
		craft evil <<<"{\"members\": [{\"name\": \"t/repo/x\", \"type\": \"$kind\", \"target\": \"/etc/shadow\"}]}"
		case $kind in
		symlink) what="a symbolic link" ;; hardlink) what="a hard link" ;; chardev) what="a character device" ;;
		blockdev) what="a block device" ;; fifo) what="a fifo" ;;
		esac
		refused_by_all evil.tar.zst "t/repo/x: is $what: a bundle holds only regular files and directories"
	done
}

@test "a second MANIFEST, an empty bundle, doubles, strays: one set of rules for every reader" {
	craft evil <<<'{"second_manifest": true}'
	refused_by_all evil.tar.zst "t/MANIFEST: is a second MANIFEST"
	craft evil <<<'{"files": {}}'
	refused_by_all evil.tar.zst "lists no files: an empty bundle"
	craft evil <<<"{\"list_only\": [\"file $(printf 'a%.0s' {1..64}) 2 repo/a.txt\"]}"
	refused_by_all evil.tar.zst "file 'repo/a.txt' is listed twice"
	craft evil <<<'{"members": [{"name": "t/repo/a.txt", "content": "a\n"}]}'
	refused_by_all evil.tar.zst "t/repo/a.txt: appears twice in the archive"
	craft evil <<<'{"members": [{"name": "other/x", "content": "x"}]}'
	refused_by_all evil.tar.zst "other/x: is outside the bundle's top directory 't'"
	craft evil <<<'{"unlisted": {"repo/extra": "x"}}'
	refused_by_all evil.tar.zst "t/repo/extra: is not listed in MANIFEST"
	craft evil <<<'{"members": [{"name": "/t/abs", "content": "x"}]}'
	refused_by_all evil.tar.zst "/t/abs: is absolute"
}

# A gpgv that checks for real, then swaps another file in at the bundle's path: the window
# between the signature check and the members, widened deterministically.
swapping_gpgv() { # swapping_gpgv CALL FROM TO: on the CALL-th run, mv FROM over TO after checking
	mkdir -p bin
	cat >bin/gpgv <<EOF
#!/bin/sh
/usr/bin/gpgv "\$@"; rc=\$?
n=\$(( \$(cat $PWD/calls 2>/dev/null || echo 0) + 1 )); echo \$n >$PWD/calls
[ "\$n" = "$1" ] && mv -f "$2" "$3"
exit \$rc
EOF
	chmod +x bin/gpgv
}

@test "a bundle swapped after its signature is checked: what is unpacked is what was verified" {
	craft good <<<'{"files": {"repo/a.txt": "good\n"}}'
	craft bad <<<'{"files": {"repo/a.txt": "EVIL\n"}, "no_sign": true}'
	cp good.tar.zst good.orig
	# swapped during unpack's writing pass: the open file is the signed one, the swap is never read
	cp good.orig good.tar.zst
	cp bad.tar.zst bad.copy
	rm -f calls
	swapping_gpgv 2 bad.copy good.tar.zst
	PATH=$PWD/bin:$PATH run -0 farrow-firstboot unpack good.tar.zst --key "$KEY" --dest dest
	run -0 cmp bad.tar.zst good.tar.zst
	run -0 cat dest/t/repo/a.txt
	assert_output "good"
	# swapped after the first check: the writing pass reads the other file, whose signature fails
	rm -rf dest calls
	cp good.orig good.tar.zst
	cp bad.tar.zst bad.copy
	swapping_gpgv 1 bad.copy good.tar.zst
	PATH=$PWD/bin:$PATH run -6 farrow-firstboot unpack good.tar.zst --key "$KEY" --dest dest
	assert_output --partial "signature does not hold"
	run -0 find dest -mindepth 1
	assert_output ""
}

@test "install: a bundle file name that would break out of the node's shell is refused before anything" {
	craft good <<<'{"files": {"repo/a.txt": "good\n"}}'
	for name in "x';touch pwned;'.tar.zst" 'a b.tar.zst' '$(id).tar.zst'; do
		cp good.tar.zst "$name"
		cp good.tar.zst.sig "$name.sig"
		run -2 farrow install "$BATS_FILE_TMPDIR/inv.yml" --bundle "$PWD/$name" --key "$KEY" --timeout 1
		assert_output --partial "install: the bundle's file name '$name' holds a character outside"
	done
	[ ! -e pwned ]
}
