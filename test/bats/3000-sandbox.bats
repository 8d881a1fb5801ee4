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

@test "down leaves no node, namespace, link, mount or process; up again works" {
	run -0 "$SANDBOX" down
	run ip link show frbr0
	assert_failure
	run ip netns list
	refute_output --partial frn
	run grep farrow-sandbox /proc/mounts
	assert_failure
	run pgrep -f "systemd-nspawn.*farrow-sandbox"
	assert_failure
	# a second down is harmless, and the sandbox comes back
	run -0 "$SANDBOX" down
	run -0 "$SANDBOX" up 1
	assert_output --partial "node1 10.10.10.10 up"
}
