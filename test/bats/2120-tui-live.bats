#!/usr/bin/env bats
# The install medium's wizard (farrow configure --live) on a terminal (tmux), on this host with a
# sysfs tree of two disks and their images: after the inventory, the disk step shows each disk's
# size, model, serial and what is on it now (a PGDATA found and marked); the machine step refuses
# an address that is not the inventory's and passwords that differ; the last step names the disk
# it erases and asks; then it writes an answer file for the installer (root's password as a hash
# only) and runs farrow-firstboot install, whose failure (no bundle on this medium) it shows, with
# nothing written to either disk. The whole path onto a real disk is bats 3700 (make test-images).

setup() {
	load helpers/common
	load helpers/tui
	command -v tmux >/dev/null || skip "needs tmux"
	fr_isolate
	export TUI_STEPS=10
	# two disks: vda empty, vdb a node's old disk with a PGDATA on it
	mkdir -p sys/block/vda sys/block/vdb dev node/data/postgres/pg-meta-15/data medium/farrow live/etc/farrow
	truncate -s 64M dev/vda
	echo 15 >node/data/postgres/pg-meta-15/data/PG_VERSION
	truncate -s 64M dev/vdb
	printf 'label: gpt\nstart=2048, size=8192, name="esp"\nstart=10240, name="root"\n' | sfdisk -q dev/vdb
	mke2fs -q -F -t ext4 -d node -E offset=$((10240 * 512)) dev/vdb 50000
	for d in vda vdb; do
		echo 131072 >"sys/block/$d/size"
		echo 0 >"sys/block/$d/ro"
	done
	echo FARROW-EMPTY-1 >sys/block/vda/serial
	echo FARROW-OLD-2 >sys/block/vdb/serial
	echo '{"bundle":{"top":"farrow-image-0.1.0.d12.x86_64"}}' >live/etc/farrow/image.json
	sha256sum dev/vda dev/vdb >disks.sha
}

teardown() {
	tui_stop
}

@test "live wizard: disk step with what is on each disk, machine step checks, the erase confirmation, then the installer's verdict" {
	tui_start FARROW_SYSFS=$PWD/sys FARROW_DEVDIR=$PWD/dev FARROW_MEDIUM=$PWD/medium FARROW_LIVE_ROOT=$PWD/live \
		FARROW_FIRSTBOOT=$FARROW_BIN/farrow-firstboot -- --live -c meta -i 10.10.10.10
	tui_keys Enter
	tui_wait "2/10 Template"
	tui_keys Enter
	tui_wait "3/10 Network"
	tui_write_defaults
	tui_keys Enter
	tui_wait "8/10 Disk"
	run -0 tui_screen
	assert_output --regexp "vda +64 MiB +\(no model\) +serial FARROW-EMPTY-1"
	assert_output --regexp "vdb +64 MiB +\(no model\) +serial FARROW-OLD-2"
	assert_output --partial "now: no partition table, 0 partitions"
	tui_keys Down
	tui_wait "HOLDS PGDATA /data/postgres/pg-meta-15/data (PostgreSQL 15)"
	tui_keys Enter
	tui_wait "9/10 Machine"
	# not the inventory's node: refused in place
	tui_clear_field
	tui_keys 10.10.10.99/24 Enter
	tui_wait "10.10.10.99 is not one of the inventory's nodes"
	tui_clear_field
	tui_keys 10.10.10.10/24 Tab 10.10.10.1 Tab Secret.Root-1 Tab Secret.Root-2 Enter
	tui_wait "the two passwords differ"
	tui_clear_field
	tui_keys Secret.Root-1 Enter
	tui_wait "10/10 Erase and install"
	run -0 tui_screen
	assert_output --partial "This will erase vdb: (no model), 64 MiB, serial FARROW-OLD-2."
	assert_output --partial "HOLDS PGDATA"
	assert_output --partial "The data found on it is lost for good"
	assert_output --partial "> No, go back"
	# No goes back, nothing written
	tui_keys Enter
	tui_wait "9/10 Machine"
	[ ! -e answer ] || fail "an answer was written before the confirmation"
	tui_keys Enter
	tui_wait "10/10 Erase and install"
	tui_keys Down Enter
	tui_wait "The install failed; nothing more was written." 30
	run -0 tui_screen
	assert_output --partial "bundle failed"
	# the answer the wizard wrote for the installer: the disk, the network, a hash, erase_data said
	run -0 cat answer/answer.yml
	assert_output --partial "disk: { name: vdb }"
	assert_output --partial "network: { address: 10.10.10.10/24, gateway: 10.10.10.1 }"
	assert_output --regexp "password_hash: '\\\$6\\\$"
	assert_output --partial "erase_data: true"
	run -1 grep -r Secret.Root answer
	[ "$(stat -c %a answer/answer.yml)" = 600 ]
	run -0 grep -c "host: 10.10.10.10" answer/profile.yml
	run -0 sha256sum -c disks.sha
}
