#!/usr/bin/env bats
# Node images from a bundle alone: repo-builder build --image makes an image-capable bundle (the
# base system too), farrow image build makes a root of it with mmdebstrap from the bundle's own
# repository only; a per-node image, booted on the sandbox bridge with nothing added to it,
# converges by farrow-firstboot alone and serves psql. Two tar builds are byte-identical.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_dist_vars
	export FARROW_SANDBOX=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
	export SANDBOX="$FARROW_ROOT/test/sandbox/sandbox.sh"
	"$SANDBOX" down
	rb="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/repo-builder"
	"$rb" keygen --out "$W/key" >/dev/null
	"$rb" build "$FARROW_ROOT/profiles/bundles/$FR_TARGET-meta.yml" --image --key "$W/key/farrow-signing.key" \
		--out "$W/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	"$rb" build "$FARROW_ROOT/profiles/bundles/$FR_TARGET-meta.yml" --key "$W/key/farrow-signing.key" \
		--out "$W/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	export IMAGE_BUNDLE=$W/dist/farrow-image-0.1.0.$FR_TARGET.x86_64.tar.zst
	export BUNDLE=$W/dist/farrow-pkg-0.1.0.$FR_TARGET.x86_64.tar.zst
	farrow configure -n -c meta -i 10.10.10.10 -v "$FR_PG" -g -o "$W/meta.yml" >/dev/null
	fr_pgpass "$W/meta.yml" "$W/pgpass"
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_teardown_file
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_setup
}

image() { # image OUT [options]: a per-node image of the meta node
	local out=$1
	shift
	# farrow started holding descriptors 3-12, as under a caller that holds many (fresh-machine-check
	# does): none may reach mmdebstrap, whose apt hook 'cat >&<fd>' dash refuses from fd 10 up; with
	# them inherited its pipe was fd 16 and every build failed (lib/exec.c closes them)
	farrow image build --bundle "$IMAGE_BUNDLE" --key "$W/key/farrow-signing.gpg" --firstboot "$FB" -o "$out" "$@" \
		3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null 8</dev/null 9</dev/null 10</dev/null \
		11</dev/null 12</dev/null
}

meta_serves() { # meta_serves WHAT: psql through 5433 as the business user (bounded wait), timed from SECONDS=0
	for _ in $(seq 60); do
		psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtc "select 1" >/dev/null 2>&1 && break
		sleep 1
	done
	echo "$1: boot -> psql through 5433 in $SECONDS s" >&3
	run -0 psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtc "select current_user"
	assert_output dbuser_meta
}

@test "the image-capable bundle carries a whole system; a bundle that is not, or does not verify, is refused and nothing is left" {
	run -0 repo-builder inspect "$IMAGE_BUNDLE"
	assert_line --regexp "^image +yes "
	for p in linux-image-amd64 grub-pc-bin grub-efi-amd64-bin systemd-sysv usr-is-merged apt openssh-server \
		libc6 base-files dpkg "postgresql-$FR_PG" patroni; do
		assert_line --regexp "^$p +[^ ]+ +(amd64|all) "
	done
	# mmdebstrap finds a release's essential packages by its codename
	run -0 sh -c "tar -xOf '$IMAGE_BUNDLE' --zstd --wildcards '*/repo/dists/farrow/Release'"
	assert_line "Codename: $FR_DIST"
	run -0 repo-builder inspect "$BUNDLE"
	assert_line --regexp "^image +no"
	# the plain bundle lacks the base: refused before mmdebstrap runs
	run -1 farrow image build --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --inventory meta.yml \
		--host 10.10.10.10 -o "$W/plain"
	assert_output --partial "is not image-capable (it lacks the base system): build it with 'repo-builder build --image'"
	# a byte changed in the bundle: its signature does not hold
	mkdir -p bad
	cp "$IMAGE_BUNDLE" "$IMAGE_BUNDLE.sig" bad/
	fr_flip_byte "bad/$(basename "$IMAGE_BUNDLE")" 5000
	run -6 farrow image build --bundle "bad/$(basename "$IMAGE_BUNDLE")" --key "$W/key/farrow-signing.gpg" \
		--inventory meta.yml --host 10.10.10.10 -o "$W/bad-image"
	assert_output --partial "does not verify"
	# a host the inventory does not name; an image path that exists (never overwritten)
	run -2 image "$W/x" --inventory meta.yml --host 10.10.10.99
	assert_output --partial "host '10.10.10.99' is not in"
	mkdir -p "$W/exists"
	run -2 image "$W/exists" --inventory meta.yml --host 10.10.10.10
	assert_output --partial "exists: farrow does not overwrite it"
	run -2 image "$W/x" --inventory meta.yml --host 10.10.10.10 --format vmdk
	assert_output --partial "--format is dir, tar, raw or qcow2"
	# nothing half-made: no image, no work directory
	run -0 ls -A "$W"
	refute_output --partial ".farrow-image-"
	refute_output --regexp "^(plain|bad-image|x)$"
}

@test "a per-node image booted with nothing added converges by farrow-firstboot alone: psql through 5433, nothing fetched" {
	SECONDS=0
	run -0 image "$W/meta-image" --inventory meta.yml --host 10.10.10.10 --sign-key "$W/key/farrow-signing.key"
	echo "per-node dir image built in $SECONDS s ($(du -sm "$W/meta-image" | cut -f1) MiB)" >&3
	# its signed manifest: the image as built, checked with the public key
	run -0 farrow image verify "$W/meta-image" --key "$W/key/farrow-signing.gpg"
	assert_output --regexp "^$W/meta-image: [0-9]+ entries as $W/meta-image.manifest says \(its signature good\)$"
	run -0 farrow image inspect "$W/meta-image"
	assert_line --regexp "^bundle +farrow-image-0\.1\.0\.$FR_TARGET\.x86_64$"
	assert_line --regexp "^profile +host 10\.10\.10\.10, pg_instance pg-meta-1, "
	run -0 farrow image inspect "$W/meta-image" --json
	refute_output --partial password
	# the node's own: profile 0600, no host keys, no snakeoil key, empty machine-id; apt: the bundle only
	run -0 stat -c %a "$W/meta-image/etc/farrow/profile.yml"
	assert_output 600
	run -1 test -e "$W/meta-image/etc/ssh/ssh_host_ed25519_key"
	run -1 test -e "$W/meta-image/etc/ssl/private/ssl-cert-snakeoil.key"
	run -0 stat -c %s "$W/meta-image/etc/machine-id"
	assert_output 0
	run -1 test -e "$W/meta-image/etc/apt/sources.list"
	run -0 cat "$W/meta-image"/etc/apt/sources.list.d/*.list
	assert_output "deb [signed-by=/var/lib/farrow/bundles/farrow-image-0.1.0.$FR_TARGET.x86_64/keys/farrow-signing.gpg] file:/var/lib/farrow/bundles/farrow-image-0.1.0.$FR_TARGET.x86_64/repo farrow main"
	run -0 ls "$W/meta-image/var/lib/postgresql"
	refute_output --regexp "[0-9]"
	# the services firstboot's modules configure stay off until their module has run
	run -0 find "$W/meta-image/etc/systemd/system" -path '*.wants/*' \( -name etcd.service -o -name patroni.service \
		-o -name pgbouncer.service -o -name haproxy.service \)
	assert_output ""
	# boot it: the sandbox adds nothing (no SSH key, no host key, no name)
	SECONDS=0
	run -0 "$SANDBOX" image 1 "$W/meta-image"
	fr_wait_firstboot
	assert_output --partial '"result":"done"'
	meta_serves "per-node image"
	# every package was in the image: firstboot installed none (and the node has no route anyway)
	run -0 "$SANDBOX" exec 1 grep -c "packages for this node's modules, all installed already" /var/log/farrow/packages.log
	run -0 "$SANDBOX" exec 1 hostname
	assert_output pg-meta-1
	run -0 "$SANDBOX" exec 1 systemctl is-enabled etcd patroni pgbouncer haproxy
	assert_output $'enabled\nenabled\nenabled\nenabled'
	# its own host keys, made at its first boot
	run -0 "$SANDBOX" exec 1 test -s /etc/ssh/ssh_host_ed25519_key
	run -0 "$SANDBOX" exec 1 test -s /etc/machine-id
}

@test "two tar builds of the same generic image are byte-identical" {
	run -0 image "$W/g1.tar" --generic --format tar --quiet
	run -0 image "$W/g2.tar" --generic --format tar --quiet
	run -0 cmp "$W/g1.tar" "$W/g2.tar"
	run -0 farrow image inspect "$W/g1.tar"
	assert_line --regexp "^image +.*g1\.tar \(tar\)$"
	assert_line "profile  none (a generic image: a seed gives it one)"
	# a generic image carries every module's packages and no profile
	run -0 tar -tf "$W/g1.tar" ./etc/farrow/image.json ./usr/local/sbin/farrow-firstboot
	run -2 tar -tf "$W/g1.tar" ./etc/farrow/profile.yml
	run -0 sh -c "tar -xOf '$W/g1.tar' ./var/lib/dpkg/status | grep -c '^Package: \\(etcd-server\\|patroni\\|postgresql-$FR_PG\\|haproxy\\|pgbouncer\\|pgbackrest\\)$'"
	assert_output 6
}

@test "one generic image, many nodes: a seed for this host makes it that node; a seed for another host is refused, saying why" {
	"$SANDBOX" down
	# the generic tar image of the test before, unpacked: a tar image boots as its directory does
	mkdir "$W/generic"
	run -0 tar -xf "$W/g1.tar" -C "$W/generic" --numeric-owner
	run -0 farrow seed meta.yml --host 10.10.10.10 --image "$W/g1.tar" -o "$W/seed-a.img"
	assert_output --partial "the seed of 10.10.10.10 (label FARROW-SEED, mode 0600)"
	run -0 stat -c %a "$W/seed-a.img"
	assert_output 600
	# the same profile, the same bytes; an existing seed is never overwritten
	run -0 farrow seed meta.yml --host 10.10.10.10 --image "$W/g1.tar" -o "$W/seed-a2.img"
	run -0 cmp "$W/seed-a.img" "$W/seed-a2.img"
	run -2 farrow seed meta.yml --host 10.10.10.10 --image "$W/g1.tar" -o "$W/seed-a.img"
	assert_output --partial "exists: farrow does not overwrite it"
	farrow configure -n -c meta -i 10.10.10.11 -v "$FR_PG" -g -o other.yml >/dev/null
	run -0 farrow seed other.yml --host 10.10.10.11 --image "$W/g1.tar" -o "$W/seed-b.img"
	# host B's seed on node 1 (10.10.10.10): refused on the console and in the log; no profile, no run
	run -0 "$SANDBOX" image 1 "$W/generic" "$W/seed-b.img"
	run -0 "$SANDBOX" exec 1 cat /var/log/farrow/seed.log
	assert_output --regexp "the seed on /dev/loop[0-9]+ is for 10\.10\.10\.11, and this machine's addresses are 10\.10\.10\.10: refused, nothing written"
	run -0 grep -ac "is for 10.10.10.11, and this machine's addresses are 10.10.10.10: refused" "$FARROW_SANDBOX/node1/console.log"
	run -1 "$SANDBOX" exec 1 test -e /etc/farrow/profile.yml
	run -3 "$SANDBOX" exec 1 farrow-firstboot status
	"$SANDBOX" down
	# host A's seed: the node takes its profile and converges by itself
	SECONDS=0
	run -0 "$SANDBOX" image 1 "$W/generic" "$W/seed-a.img"
	fr_wait_firstboot
	assert_output --partial '"result":"done"'
	run -0 "$SANDBOX" exec 1 stat -c '%a %U' /etc/farrow/profile.yml
	assert_output "600 root"
	run -0 "$SANDBOX" exec 1 cat /var/log/farrow/seed.log
	assert_output --regexp "the seed on /dev/loop[0-9]+ is this machine's \(10\.10\.10\.10\): its profile is /etc/farrow/profile.yml \(0600\)"
	meta_serves "generic image + seed"
	# a seed on a node that has its profile already is left alone
	run -0 "$SANDBOX" exec 1 farrow-firstboot seed
	assert_output --partial "is here already: the seed is not read"
}

@test "an answer file's post-install step into a freshly installed Debian: install-node.sh, then the node converges at its first boot" {
	"$SANDBOX" down
	printf 'correct horse battery\n' >pw
	run -0 farrow profile meta.yml --host 10.10.10.10 --preseed --medium "$W/medium" --bundle "$BUNDLE" \
		--key "$W/key/farrow-signing.gpg" --firstboot "$FB" --root-password-file pw -o preseed.cfg
	run -0 debconf-set-selections -c preseed.cfg
	# what d-i leaves at /target: a Debian with openssh-server (the sandbox's base root, copied)
	cp -a "$("$SANDBOX" base)" "$W/installed"
	# preseed/late_command as d-i runs it, the medium here instead of at /cdrom
	cmd=$(sed -n 's/^d-i preseed\/late_command string //p' preseed.cfg)
	cmd=${cmd//\/cdrom\//$W/medium/}
	cmd=${cmd// \/target / $W/installed }
	run -0 sh -c "$cmd"
	assert_output "farrow: node 10.10.10.10 installed in $W/installed: farrow-firstboot converges it at first boot"
	run -0 stat -c '%a' "$W/installed/etc/farrow/profile.yml" "$W/installed/etc/farrow"
	assert_output $'600\n700'
	run -0 cmp "$W/installed/etc/farrow/profile.yml" "$W/medium/farrow/profiles/10.10.10.10.yml"
	run -0 readlink "$W/installed/etc/systemd/system/multi-user.target.wants/farrow-firstboot.service"
	run -1 test -e "$W/installed/var/lib/farrow/.install-node"
	# first boot: nothing else added; the packages come from the bundle it carries
	SECONDS=0
	run -0 "$SANDBOX" image 1 "$W/installed"
	fr_wait_firstboot
	assert_output --partial '"result":"done"'
	meta_serves "installed by an answer file's install-node.sh"
	run -0 "$SANDBOX" exec 1 grep -c "verified and unpacked /var/lib/farrow/incoming/farrow-pkg-0.1.0.$FR_TARGET.x86_64.tar.zst" \
		/var/log/farrow/packages.log
}
