#!/usr/bin/env bats
# A node converges from three files alone, with no SSH at all: the test puts the signed bundle
# (with its .sig and key), the profile from `farrow profile` and the farrow-firstboot binary into
# the node's disk, enables farrow-firstboot.service (`farrow-firstboot unit`), powers the node off
# and boots it. This is the path node images, the ISO and answer files take.

setup_file() {
	load helpers/common
	load helpers/mirror
	fr_node_suite_setup_file
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

@test "no SSH: bundle, profile and farrow-firstboot on the node's disk, a boot, and PostgreSQL serves" {
	top=$(basename "$BUNDLE" .tar.zst)
	root=$FARROW_SANDBOX/node1/root
	farrow profile meta.yml --host 10.10.10.10 --bundle-dir "/var/lib/farrow/bundles/$top" -o profile.yml
	# the three files (and the bundle's signature and key), as an image or a seed would carry them
	fr_seed_node "$root" profile.yml "$FB"
	run -0 "$SANDBOX" reboot 1
	# firstboot runs at boot: wait for its record, bounded
	fr_wait_firstboot
	assert_output --partial '"result":"done"'
	assert_output --partial '{"name":"packages","state":"done"'
	assert_output --partial '{"name":"pgsql","state":"done"'
	run -0 "$SANDBOX" exec 1 cat /var/lib/farrow/last-run.json
	assert_output --partial '"result":"done"'
	for port in 5432 6432 5433; do
		run -0 psql "host=10.10.10.10 port=$port user=dbuser_meta dbname=meta" -XAtc "select current_user"
		assert_output "dbuser_meta"
	done
	# the bundle's repository only, and no install guard left behind
	run -0 "$SANDBOX" exec 1 cat /etc/apt/sources.list.d/farrow.list
	assert_output "deb [signed-by=/var/lib/farrow/bundles/$top/keys/farrow-signing.gpg] file:/var/lib/farrow/bundles/$top/repo farrow main"
	run -1 "$SANDBOX" exec 1 test -e /usr/sbin/policy-rc.d
	# and a second boot changes nothing
	run -0 "$SANDBOX" exec 1 farrow-firstboot run
	assert_output --partial "modules converged, 0 changes"
}
