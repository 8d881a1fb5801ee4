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
