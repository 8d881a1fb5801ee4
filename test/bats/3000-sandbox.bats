#!/usr/bin/env bats
# The sandbox: a real systemd node in its own network namespace, reachable over SSH from the
# host through the sandbox's bridge only, and a teardown that leaves nothing behind.

setup_file() {
	[ "$(id -u)" = 0 ] || return 0
	export FARROW_SANDBOX=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
	SANDBOX="$BATS_TEST_DIRNAME/../sandbox/sandbox.sh"
	"$SANDBOX" down
	"$SANDBOX" up 1 >&3
}

teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	"$BATS_TEST_DIRNAME/../sandbox/sandbox.sh" down
}

setup() {
	load helpers/common
	fr_isolate
	[ "$(id -u)" = 0 ] || skip "the sandbox needs root"
	command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn"
	SANDBOX="$BATS_TEST_DIRNAME/../sandbox/sandbox.sh"
}

@test "a node boots real systemd, has its Pigsty address and no route beyond the bridge" {
	run -0 "$SANDBOX" exec 1 systemctl is-system-running
	assert_output --regexp "^(running|degraded)$"
	run -0 "$SANDBOX" exec 1 cat /proc/1/comm
	assert_output systemd
	run -0 "$SANDBOX" exec 1 ip -4 -o addr show eth0
	assert_output --partial "inet 10.10.10.10/24"
	run -0 "$SANDBOX" exec 1 ip route
	refute_output --partial default
	run -0 "$SANDBOX" exec 1 hostname
	assert_output node1
}

@test "the host reaches the node over SSH with the sandbox key" {
	run -0 timeout 20 ssh -i "$("$SANDBOX" key)" -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 root@10.10.10.10 'echo hello from $(hostname)'
	assert_output --partial "hello from node1"
}

# nothing of the sandbox is left: bridge, namespaces, mounts, nspawn, the nodes' own processes
refute_sandbox() {
	run -1 ip link show frbr0
	run -0 ip netns list
	refute_output --partial frn
	run -1 grep farrow-sandbox /proc/mounts
	run -1 pgrep -f "systemd-nspawn.*farrow-sandbox"
	run -1 pgrep -x systemd-journal
}

@test "down leaves no node, namespace, link, mount or process; up again works" {
	node_init=$(cat "$FARROW_SANDBOX/node1/init.pid")
	run -0 "$SANDBOX" down
	refute_sandbox
	run -1 kill -0 "$node_init"
	# an `up` that died before it wrote the node's pid files: down still finds every process
	run -0 "$SANDBOX" up 1
	run -0 ip netns pids frn1
	[ -n "$output" ]
	rm "$FARROW_SANDBOX/node1/init.pid" "$FARROW_SANDBOX/node1/nspawn.pid"
	run -0 "$SANDBOX" down
	refute_sandbox
	# a second down is harmless, and the sandbox comes back
	run -0 "$SANDBOX" down
	run -0 "$SANDBOX" up 1
	assert_output --partial "node1 10.10.10.10 up"
}

@test "on the air-gapped node: farrow-firstboot verifies and unpacks a bundle, stock apt installs from it" {
	load helpers/mirror
	root=$FARROW_SANDBOX/node1/root
	# a bundle built against the node's own installed packages
	debs=$(fr_debs)
	fr_make_mirror "$BATS_TEST_TMPDIR/mirror" "$debs"
	port=$(fr_serve "$BATS_TEST_TMPDIR/mirror")
	cp "$root/var/lib/dpkg/status" "$BATS_FILE_TMPDIR/base.status"
	fr_manifest m.yml "$port" "$BATS_TEST_TMPDIR/mirror.key" "pgbouncer"
	repo-builder keygen --out key >/dev/null
	run -0 repo-builder build m.yml --key key/farrow-signing.key --out out --cache cache --quiet
	fr_stop_servers
	b=farrow-test-0.1.0.d12.x86_64.tar.zst
	mkdir -p "$root/var/lib/farrow/incoming" "$root/usr/local/sbin"
	cp "out/$b" "out/$b.sig" "$root/var/lib/farrow/incoming/"
	cp key/farrow-signing.gpg "$root/var/lib/farrow/incoming/bundle-key.gpg"
	# nodes get the plain build (a sanitizer build needs libasan, which nodes do not have)
	cp "${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot" "$root/usr/local/sbin/"
	# it runs on the bare node: nothing it links is missing there
	run -0 "$SANDBOX" exec 1 ldd /usr/local/sbin/farrow-firstboot
	refute_output --partial "not found"
	# a tampered copy is refused before anything changes
	cp "$root/var/lib/farrow/incoming/$b" "$root/var/lib/farrow/incoming/bad.tar.zst"
	cp "$root/var/lib/farrow/incoming/$b.sig" "$root/var/lib/farrow/incoming/bad.tar.zst.sig"
	fr_flip_byte "$root/var/lib/farrow/incoming/bad.tar.zst" 3000
	run -6 "$SANDBOX" exec 1 farrow-firstboot unpack /var/lib/farrow/incoming/bad.tar.zst \
		--key /var/lib/farrow/incoming/bundle-key.gpg --dest /var/lib/farrow/bundles
	assert_output --partial "signature does not hold"
	[ ! -e "$root/var/lib/farrow/bundles" ]
	# the real one
	run -0 "$SANDBOX" exec 1 farrow-firstboot unpack "/var/lib/farrow/incoming/$b" \
		--key /var/lib/farrow/incoming/bundle-key.gpg --dest /var/lib/farrow/bundles
	assert_output --partial "signature good"
	assert_output --partial "unpacked"
	run -0 "$SANDBOX" exec 1 farrow-firstboot unpack "/var/lib/farrow/incoming/$b" \
		--key /var/lib/farrow/incoming/bundle-key.gpg --dest /var/lib/farrow/bundles
	assert_output --partial "already unpacked"
	# stock apt, the bundle's repository only, signature and date checks on
	top=/var/lib/farrow/bundles/farrow-test-0.1.0.d12.x86_64
	run -0 "$SANDBOX" exec 1 sh -c "rm -f /etc/apt/sources.list /etc/apt/sources.list.d/*;
		echo 'deb [signed-by=$top/keys/farrow-signing.gpg] file:$top/repo farrow main' > /etc/apt/sources.list.d/farrow.list;
		apt-get -o Acquire::Check-Date=true -o Acquire::Check-Valid-Until=true update &&
		DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Date=true install -y pgbouncer"
	refute_output --partial "not signed"
	run -0 "$SANDBOX" exec 1 dpkg-query -W -f '${Status}' pgbouncer
	assert_output "install ok installed"
	# no module has run yet: status says so, as cloud-init's does
	run -3 "$SANDBOX" exec 1 farrow-firstboot status --state /var/lib/farrow/state
}
