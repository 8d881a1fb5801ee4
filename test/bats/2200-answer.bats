#!/usr/bin/env bats
# farrow profile --preseed | --kickstart | --autoinstall: answer files for vendors' installers,
# and the install medium they read farrow from. Bundles made here by repo-builder from loopback
# mirrors (real .debs; fixture RPMs): d12 for a preseed, u24 for an autoinstall, el9 for a
# kickstart. Each file is checked (debconf-set-selections -c for the preseed); install-node.sh
# refuses a medium that is not the one its answer file pins. (It is run for real into a node's
# root, booted to psql, by bats 3500.)

setup_file() {
	load helpers/common
	load helpers/mirror
	export W=$BATS_FILE_TMPDIR
	DEBS=$(fr_debs)
	fr_make_mirror "$W/mirror" "$DEBS"
	PORT=$(fr_serve "$W/mirror")
	fr_base_status "$W/mirror" "$W/base.status"
	repo-builder keygen --out "$W/key" >/dev/null
	fr_manifest "$W/d12.yml" "$PORT" "$W/mirror.key" "pgbouncer"
	sed 's/d12.x86_64/u24.x86_64/' "$W/d12.yml" >"$W/u24.yml"
	fr_manifest "$W/d12b.yml" "$PORT" "$W/mirror.key" "pgbouncer" 0.2.0
	for m in d12 u24 d12b; do
		repo-builder build "$W/$m.yml" --key "$W/key/farrow-signing.key" --out "$W/out" --cache "$W/cache" \
			--quiet >/dev/null
	done
	export D12=$W/out/farrow-test-0.1.0.d12.x86_64.tar.zst U24=$W/out/farrow-test-0.1.0.u24.x86_64.tar.zst
	export D12B=$W/out/farrow-test-0.2.0.d12.x86_64.tar.zst EL9=
	if command -v rpmbuild >/dev/null && command -v createrepo_c >/dev/null; then
		fr_rpm_mirror "$W/rpm"
		RPORT=$(fr_serve "$W/rpm")
		printf 'bundle: farrow-test\nversion: 0.1.0\ntargets: [ el9.x86_64 ]\nrepos:\n  - { name: fixture, type: rpm-md, url: "http://127.0.0.1:%s", key: %s }\npackages: [ frt-app ]\n' \
			"$RPORT" "$W/rpm.key" >"$W/el9.yml"
		repo-builder build "$W/el9.yml" --key "$W/key/farrow-signing.key" --out "$W/out" --cache "$W/cache" \
			--quiet >/dev/null
		EL9=$W/out/farrow-test-0.1.0.el9.x86_64.tar.zst
	fi
	farrow configure -n -c meta -i 10.10.10.10 -v 15 -g -o "$W/inv.yml" >/dev/null
	printf 'correct horse battery\n' >"$W/pw"
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_stop_servers
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_isolate
	KEY=$W/key/farrow-signing.gpg
}

answer() { # answer KIND BUNDLE MEDIUM [more options]
	local kind=$1 bundle=$2 medium=$3
	shift 3
	farrow profile "${INV:-$W/inv.yml}" --host 10.10.10.10 "--$kind" --medium "$medium" --bundle "$bundle" \
		--key "$KEY" --root-password-file "$W/pw" "$@"
}

# sha256 of every file under $1, sorted: what a refused run must leave as it was
tree_sums() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }

@test "preseed: checked by debconf, 0600, root as a crypt(3) SHA-512 hash; the medium holds the node's files, pinned" {
	run -0 answer preseed "$D12" med -o preseed.cfg
	assert_output --partial "preseed for 10.10.10.10"
	[ "$(stat -c %a preseed.cfg)" = 600 ]
	run -0 debconf-set-selections -c preseed.cfg
	top=farrow-test-0.1.0.d12.x86_64
	f=med/farrow
	[ "$(stat -c %a $f/profiles/10.10.10.10.yml)" = 600 ]
	[ -x $f/farrow-firstboot ]
	[ -x $f/install-node.sh ]
	cmp $f/bundles/$top.tar.zst "$D12"
	cmp $f/bundles/$top.tar.zst.sig "$D12.sig"
	cmp $f/bundle.gpg "$KEY"
	[ -f $f/bundles/$top/repo/dists/farrow/Release ]
	# the profile on the medium is the node's profile, as farrow profile writes it
	farrow profile "$W/inv.yml" --host 10.10.10.10 --bundle-dir /var/lib/farrow/bundles/$top -o p.yml
	cmp p.yml $f/profiles/10.10.10.10.yml
	# pins: the answer file's match the medium
	run -0 grep '^d-i preseed/late_command string ' preseed.cfg
	assert_output --partial "= $(sha256sum <$f/install-node.sh | cut -d' ' -f1) ]"
	assert_output --partial "/cdrom/farrow /target 10.10.10.10 $(sha256sum <p.yml | cut -d' ' -f1)"
	run -0 grep -c "take .* $(sha256sum <$f/farrow-firstboot | cut -d' ' -f1)$" $f/install-node.sh
	run -0 grep -c "$(sha256sum <"$D12" | cut -d' ' -f1)$" $f/install-node.sh
	grep -q "^d-i apt-setup/local0/repository string file:/cdrom/farrow/bundles/$top/repo farrow main$" preseed.cfg
	grep -q "^d-i netcfg/get_ipaddress string 10.10.10.10$" preseed.cfg
	grep -q "^d-i netcfg/get_netmask string 255.255.255.0$" preseed.cfg
	# root's password: a SHA-512 crypt of it, never the password itself
	h=$(sed -n 's/^d-i passwd\/root-password-crypted password //p' preseed.cfg)
	[[ $h == '$6$'* ]]
	run -0 python3 -W ignore -c 'import crypt, sys; print(crypt.crypt("correct horse battery", sys.argv[1]) == sys.argv[1])' "$h"
	assert_output True
	run -1 grep -r "correct horse" preseed.cfg med
	# again: the medium unchanged, the same answer but for the salt
	tree_sums med >before
	run -0 answer preseed "$D12" med -o preseed2.cfg
	tree_sums med >after
	cmp before after
	run -0 diff <(grep -v root-password-crypted preseed.cfg) <(grep -v root-password-crypted preseed2.cfg)
}

@test "install-node.sh: a medium that is not the one the answer file pins installs nothing" {
	run -0 answer preseed "$D12" med -o preseed.cfg
	f=$PWD/med/farrow
	psha=$(sha256sum <$f/profiles/10.10.10.10.yml | cut -d' ' -f1)
	mkdir -p target/etc
	# another node's profile in its place
	cp $f/profiles/10.10.10.10.yml saved.yml
	fr_flip_byte $f/profiles/10.10.10.10.yml 100
	run -1 sh $f/install-node.sh "$f" target 10.10.10.10 "$psha"
	assert_output --partial "profiles/10.10.10.10.yml is not the file the answer file was made with"
	assert_output --partial "nothing installed"
	cp saved.yml $f/profiles/10.10.10.10.yml
	# a bundle flipped on the medium
	cp "$D12" saved.tar.zst
	fr_flip_byte $f/bundles/farrow-test-0.1.0.d12.x86_64.tar.zst 5000
	run -1 sh $f/install-node.sh "$f" target 10.10.10.10 "$psha"
	assert_output --partial "farrow-test-0.1.0.d12.x86_64.tar.zst is not the file"
	run -0 find target -mindepth 1 -not -path target/etc -not -path target/var -not -path target/var/lib \
		-not -path target/var/lib/farrow
	assert_output ""
	# arguments that are not an address or a SHA-256
	run -2 sh $f/install-node.sh "$f" target '10.0.0.1;reboot' "$psha"
	run -2 sh $f/install-node.sh "$f" target 10.10.10.10 'x y'
}

@test "kickstart (el9 bundle): the grammar check passes; root hashed; %post pinned; %onerror keeps logs" {
	[ -n "$EL9" ] || skip "needs rpmbuild and createrepo_c (make deps)"
	echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFarrowTestKeyOnlyForTests dba@admin" >id.pub
	run -0 answer kickstart "$EL9" med -o ks.cfg --ssh-key id.pub
	[ "$(stat -c %a ks.cfg)" = 600 ]
	grep -q '^rootpw --iscrypted \$6\$' ks.cfg
	grep -q '^sshkey --username=root "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFarrowTestKeyOnlyForTests dba@admin"$' ks.cfg
	grep -q '^network --bootproto=static --device=link --ip=10.10.10.10 --netmask=255.255.255.0 --nameserver=10.10.10.10 --hostname=pg-meta-1 ' ks.cfg
	grep -q "^repo --name=farrow --baseurl=file:///run/install/repo/farrow/bundles/farrow-test-0.1.0.el9.x86_64/repo$" ks.cfg
	grep -q '^sh /tmp/farrow-install-node.sh /run/install/repo/farrow /mnt/sysimage 10.10.10.10 ' ks.cfg
	grep -q '^%onerror$' ks.cfg
	[ "$(grep -c '^%end$' ks.cfg)" = 3 ]
	[ -f med/farrow/bundles/farrow-test-0.1.0.el9.x86_64/repo/repodata/repomd.xml ]
	run -1 grep -r "correct horse" ks.cfg med
}

@test "autoinstall (u24 bundle): #cloud-config, autoinstall v1 as subiquity reads it; pinned late-commands" {
	run -0 answer autoinstall "$U24" med -o user-data
	[ "$(stat -c %a user-data)" = 600 ]
	[ "$(head -1 user-data)" = "#cloud-config" ]
	run -0 python3 - user-data <<'PY'
import sys, yaml
ai = yaml.safe_load(open(sys.argv[1]))["autoinstall"]
assert ai["version"] == 1
assert ai["identity"]["username"] == "dba" and ai["identity"]["hostname"] == "pg-meta-1"
assert ai["identity"]["password"].startswith("$6$")
eth = ai["network"]["ethernets"]["farrow0"]
assert ai["network"]["version"] == 2 and eth["addresses"] == ["10.10.10.10/24"], eth
assert eth["nameservers"]["addresses"] == ["10.10.10.10"]
assert ai["apt"]["fallback"] == "offline-install"
assert ai["storage"]["layout"]["name"] == "direct"
lc = ai["late-commands"]
assert len(lc) == 3 and lc[2].startswith("sh /tmp/farrow-install-node.sh /cdrom/farrow /target 10.10.10.10 "), lc
print("ok")
PY
	sha=$(sha256sum <med/farrow/install-node.sh | cut -d' ' -f1)
	grep -q "= $sha ]" user-data
}

@test "answer files refuse: the wrong family's bundle, bad inventory values (file:line), bad credentials, a bad bundle, another medium" {
	# a preseed installs Debian, a kickstart EL, an autoinstall Ubuntu: nothing written
	run -1 answer preseed "$U24" m1 -o x
	assert_output --partial "a preseed installs Debian, and the bundle is for u24.x86_64"
	run -1 answer kickstart "$D12" m1 -o x
	assert_output --partial "a kickstart installs EL, and the bundle is for d12.x86_64"
	run -1 answer autoinstall "$D12" m1 -o x
	assert_output --partial "an autoinstall installs Ubuntu, and the bundle is for d12.x86_64"
	run -1 test -e m1
	run -1 test -e x
	# a disk that is not a block device path: the inventory's check, at its line and column
	fr_mutate "$W/inv.yml" "      vars:" "      vars:
        node_install_disk: sda" bad.yml
	INV=bad.yml run -3 answer preseed "$D12" m1 -o x
	assert_output --regexp "bad.yml:[0-9]+:[0-9]+: .*node_install_disk.*'sda' is not a block device path"
	fr_mutate "$W/inv.yml" "      vars:" "      vars:
        node_install_disk: /dev/disk/by-id/wwn-0x5000c500a1b2c3d4" disk.yml
	INV=disk.yml run -0 answer preseed "$D12" m2 -o disk.cfg
	grep -q "^d-i partman-auto/disk string /dev/disk/by-id/wwn-0x5000c500a1b2c3d4$" disk.cfg
	grep -q "^d-i grub-installer/bootdev string /dev/disk/by-id/wwn-0x5000c500a1b2c3d4$" disk.cfg
	# an address that is not the node's; a name server by name
	fr_mutate "$W/inv.yml" "      vars:" "      vars:
        node_install_address: 10.10.10.99/24" addr.yml
	INV=addr.yml run -1 answer preseed "$D12" m1 -o x
	assert_output --partial "node_install_address '10.10.10.99/24' is not this node's address 10.10.10.10"
	fr_mutate "$W/inv.yml" "      vars:" "      vars:
        node_dns_servers: [ dns.example ]" dns.yml
	INV=dns.yml run -1 answer preseed "$D12" m1 -o x
	assert_output --partial "node_dns_servers: 'dns.example' is not an IPv4 address"
	# a host that is not in the inventory; an inventory host without an address
	run -2 farrow profile "$W/inv.yml" --host 10.10.10.11 --preseed --medium m1 --bundle "$D12" --key "$KEY" \
		--root-password-file "$W/pw"
	assert_output --partial "host '10.10.10.11' is not in"
	fr_mutate "$W/inv.yml" "10.10.10.10: { infra_seq: 1 }" "meta-node: { infra_seq: 1 }" noaddr.yml
	INV=noaddr.yml run -3 answer preseed "$D12" m1 -o x
	assert_output --regexp "noaddr.yml:[0-9]+:[0-9]+: "
	run -1 test -e m1
	run -1 test -e x
	# credentials: none, too short, a private key for a public one
	run -2 farrow profile "$W/inv.yml" --host 10.10.10.10 --preseed --medium m1 --bundle "$D12" --key "$KEY"
	assert_output --partial "--preseed needs --root-password-file"
	echo short >short
	run -1 farrow profile "$W/inv.yml" --host 10.10.10.10 --preseed --medium m1 --bundle "$D12" --key "$KEY" \
		--root-password-file short
	assert_output --partial "shorter than 8 characters"
	echo "-----BEGIN OPENSSH PRIVATE KEY-----" >id
	run -1 answer preseed "$D12" m1 -o x --ssh-key id
	assert_output --partial "its first line is not an OpenSSH public key"
	run -1 test -e m1
	run -1 test -e x
	# a bundle that does not verify: exit 6, nothing on the medium
	cp "$D12" bad.tar.zst
	cp "$D12.sig" bad.tar.zst.sig
	fr_flip_byte bad.tar.zst 3000
	run -6 answer preseed "$PWD/bad.tar.zst" m3 -o x
	assert_output --partial "does not verify: nothing written"
	run -0 find m3 -type f
	assert_output ""
	[ ! -e x ]
	# a medium made with another bundle is refused, left as it was
	run -0 answer preseed "$D12" m4 -o a.cfg
	tree_sums m4 >before
	run -1 answer preseed "$D12B" m4 -o b.cfg
	assert_output --partial "install-node.sh was written for another bundle"
	tree_sums m4 >after
	cmp before after
	[ ! -e b.cfg ]
}

@test "a ha/trio member: its preseed, kickstart and autoinstall pass their checks; its profile names its cluster's peers" {
	farrow configure -n -c ha/trio --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -v 15 -g -o trio.yml >/dev/null
	for kind in preseed kickstart autoinstall; do
		case $kind in preseed) b=$D12 ;; kickstart) b=$EL9 ;; autoinstall) b=$U24 ;; esac
		[ -n "$b" ] || continue
		INV=trio.yml run -0 farrow profile trio.yml --host 10.10.10.12 "--$kind" --medium "med-$kind" --bundle "$b" \
			--key "$KEY" --root-password-file "$W/pw" -o "trio-3.$kind"
		assert_output --partial "$kind for 10.10.10.12"
		run -0 grep -c "pg-meta-3" "trio-3.$kind"
	done
	run -0 debconf-set-selections -c trio-3.preseed
	run -0 grep -c "ip: 10.10.10.10" med-preseed/farrow/profiles/10.10.10.12.yml
	# debconf only warns of a type it lacks (exit 0): why farrow checks each line itself first
	# (fr_answer_check; its refusals of broken preseeds, kickstarts and autoinstalls: t-answer)
	sed 's/^d-i netcfg\/get_hostname string/d-i netcfg\/get_hostname strng/' trio-3.preseed >bad.preseed
	run -0 debconf-set-selections -c bad.preseed
	assert_output --partial "Unknown type strng"
}
