#!/usr/bin/env bats
# farrow image sign / verify: the signed manifest of an image (every entry's type, mode, owner,
# size and SHA-256), what farrow image build --sign-key writes beside an image (bats 3500 builds
# one and verifies it), checked here on a small tree: the same tree verifies; a changed, added or
# removed file, a changed mode, a tampered manifest, another key are each named or refused.

setup() {
	load helpers/common
	fr_isolate
	repo-builder keygen --out key >/dev/null
	repo-builder keygen --out other >/dev/null
	mkdir -p t/etc/farrow t/usr/bin t/var/empty
	echo node >t/etc/hostname
	echo secret >t/etc/farrow/profile.yml
	chmod 600 t/etc/farrow/profile.yml
	printf 'odd\n' >"t/etc/a name with spaces"
	ln -s ../../etc/hostname t/usr/bin/link
	mkfifo t/var/fifo
}

@test "sign, then verify: every entry as the manifest says; a second sign is refused, nothing overwritten" {
	run -0 farrow image sign t --sign-key key/farrow-signing.key
	assert_output "t.manifest, signed: t.manifest.sig"
	run -0 head -1 t.manifest
	assert_output "farrow-image-manifest 1"
	run -0 grep -c '^F /etc/farrow/profile.yml 0600 0 0 7 [0-9a-f]\{64\}$' t.manifest
	run -0 grep -c '^F /etc/a%20name%20with%20spaces 0644 ' t.manifest
	run -0 grep -c '^L /usr/bin/link 0 0 \.\./\.\./etc/hostname$' t.manifest
	run -0 grep -c '^N /var/fifo ' t.manifest
	run -1 grep secret t.manifest
	run -0 farrow image verify t --key key/farrow-signing.gpg
	assert_output "t: 12 entries as t.manifest says (its signature good)"
	cp t.manifest before
	run -2 farrow image sign t --sign-key key/farrow-signing.key
	assert_output --partial "'t.manifest' exists: farrow does not overwrite it"
	run -0 cmp before t.manifest
}

@test "verify names each difference; a tampered manifest or another key is refused (exit 6)" {
	run -0 farrow image sign t --sign-key key/farrow-signing.key
	echo other >>t/etc/hostname
	chmod 644 t/etc/farrow/profile.yml
	rm t/usr/bin/link
	touch t/etc/new
	run -1 farrow image verify t --key key/farrow-signing.gpg
	assert_line "changed /etc/hostname"
	assert_line "changed /etc/farrow/profile.yml"
	assert_line "missing /usr/bin/link"
	assert_line "added /etc/new"
	assert_line "t: 4 of 12 entries differ from t.manifest (its signature good)"
	run -6 farrow image verify t --key other/farrow-signing.gpg
	sed -i 's/ 0600 / 0644 /' t.manifest
	run -6 farrow image verify t --key key/farrow-signing.gpg
	assert_output --partial "BAD signature"
	# not a directory; no key
	run -2 farrow image verify t.manifest --key key/farrow-signing.gpg
	run -2 farrow image verify t
}

# a disk laid out as farrow image build's (GPT; the root, ext4, third at sector 69632), its root
# holding only the record: what inspect reads, without the minutes a real image takes (bats 3500
# and make test-images build and boot real ones)
small_disk() {
	mkdir -p d/etc/farrow
	printf '%s\n' '{"format":"raw","farrow_version":"9.9.9","bundle":{"top":"b-1.0.d12.x86_64","target":"d12.x86_64",' \
		'"epoch":"1700000000","sha256":"'"$(printf '%064d' 0)"'","key":"k"},' \
		'"profile":{"host":"10.10.10.11","identities":{"pg_instance":"pg-test-1"}}}' >d/etc/farrow/image.json
	truncate -s 200M "$1"
	printf 'label: gpt\nstart=2048, size=2048\nstart=4096, size=65536\nstart=69632, size=262144\n' |
		sfdisk --quiet --no-reread --no-tell-kernel "$1"
	mke2fs -q -F -t ext4 -b 4096 -E offset=$((69632 * 512)) -d d "$1" 32768
}

@test "inspect reads a raw disk's and a qcow2 disk's record; an overlay, an encrypted or a foreign qcow2 is refused" {
	run -0 small_disk disk.raw
	run -0 farrow image inspect disk.raw
	assert_line --regexp "^bundle +b-1\.0\.d12\.x86_64$"
	assert_line "profile  host 10.10.10.11, pg_instance pg-test-1"
	run -0 qemu-img convert -q -f raw -O qcow2 disk.raw disk.qcow2
	mkdir tmp
	TMPDIR=$PWD/tmp run -0 farrow image inspect disk.qcow2
	assert_line --regexp "^farrow +9\.9\.9$"
	assert_line "profile  host 10.10.10.11, pg_instance pg-test-1"
	TMPDIR=$PWD/tmp run -0 farrow image inspect disk.qcow2 --json
	assert_output --partial '"pg_instance":"pg-test-1"'
	# its raw copy was made under $TMPDIR, and removed
	run -0 find tmp -mindepth 1
	assert_output ""
	# an overlay would make qemu-img read its backing file, named by whoever made the image
	run -0 qemu-img create -q -f qcow2 -F raw -b "$PWD/disk.raw" over.qcow2
	run -2 farrow image inspect over.qcow2
	assert_output --partial "is a qcow2 overlay on a backing file"
	# encrypted: the header's crypt_method set (qemu-img's own LUKS creation times its key
	# derivation by CPU use, and fails now and then on a busy machine)
	cp disk.qcow2 enc.qcow2
	printf '\0\0\0\002' | dd of=enc.qcow2 bs=1 seek=32 conv=notrunc status=none
	run -2 farrow image inspect enc.qcow2
	assert_output --partial "is an encrypted qcow2"
	# a qcow2 of some other disk; a header of a version farrow does not know
	run -0 qemu-img create -q -f qcow2 empty.qcow2 64M
	run -1 farrow image inspect empty.qcow2
	assert_output --partial "not one farrow image build made"
	cp disk.qcow2 v9.qcow2
	printf '\0\0\0\011' | dd of=v9.qcow2 bs=1 seek=4 conv=notrunc status=none
	run -2 farrow image inspect v9.qcow2
	assert_output --partial "a qcow2 header farrow does not know (version 9)"
}
