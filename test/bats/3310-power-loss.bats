#!/usr/bin/env bats
# A power loss in the middle of dpkg: the node's init is killed while the packages module's apt
# is unpacking, then the node boots again from the same disk. farrow-firstboot, at that boot,
# finishes what dpkg was doing and converges with no hand step; no install guard is left. The same
# power loss under farrow install: run again, it converges.

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

@test "power lost while dpkg unpacks: the next boot finishes dpkg and converges, no guard left" {
	top=$(basename "$BUNDLE" .tar.zst)
	root=$FARROW_SANDBOX/node1/root
	farrow profile meta.yml --host 10.10.10.10 --bundle-dir "/var/lib/farrow/bundles/$top" -o profile.yml
	# the three files (and the bundle's signature and key), as an image or a seed would carry them
	fr_seed_node "$root" profile.yml "$FB"
	# start it as a boot would, and pull the plug while dpkg works
	"$SANDBOX" exec 1 systemctl daemon-reload
	"$SANDBOX" exec 1 systemctl start --no-block farrow-firstboot.service
	caught=
	for _ in $(seq 1200); do
		# dpkg unpacking a package under the guard (not apt's short dpkg queries before it)
		if "$SANDBOX" exec 1 sh -c 'test -e /usr/sbin/policy-rc.d && pgrep -f "dpkg .*--unpack"' >/dev/null 2>&1; then
			caught=1
			break
		fi
		sleep 0.1
	done
	[ -n "$caught" ]
	init=$(cat "$FARROW_SANDBOX/node1/init.pid")
	kill -KILL "$init"
	for _ in $(seq 100); do kill -0 "$(cat "$FARROW_SANDBOX/node1/nspawn.pid")" 2>/dev/null || break; sleep 0.1; done
	# what the power loss left: dpkg interrupted (or half-done), and the guard in place
	run -0 test -e "$root/usr/sbin/policy-rc.d"
	run -0 "$SANDBOX" up 1
	fr_wait_firstboot
	assert_output --partial '"result":"done"'
	run -1 "$SANDBOX" exec 1 test -e /usr/sbin/policy-rc.d
	run -0 "$SANDBOX" exec 1 dpkg --audit
	assert_output ""
	run -0 "$SANDBOX" exec 1 grep -c "removed the install guard a power loss left behind" /var/log/farrow/packages.log
	run -0 psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtc "select current_user"
	assert_output "dbuser_meta"
}

@test "power lost while farrow install's dpkg unpacks: farrow install, run again at once, converges" {
	# a fresh node (the first test's disk goes), reached over SSH this time
	"$SANDBOX" down
	"$SANDBOX" up 1 >/dev/null
	root=$FARROW_SANDBOX/node1/root
	key=$("$SANDBOX" key)
	install() {
		farrow install meta.yml --bundle "$BUNDLE" --key "$W/key/farrow-signing.gpg" --ssh-key "$key" \
			--known-hosts "$W/known_hosts" --accept-new-host-keys --timeout 5 --firstboot "$FB" "$@"
	}
	install >install-1.log 2>&1 &
	pid=$!
	caught=
	for _ in $(seq 1800); do
		if "$SANDBOX" exec 1 sh -c 'test -e /usr/sbin/policy-rc.d && pgrep -f "dpkg .*--unpack"' >/dev/null 2>&1; then
			caught=1
			break
		fi
		sleep 0.1
	done
	[ -n "$caught" ]
	kill -KILL "$(cat "$FARROW_SANDBOX/node1/init.pid")"
	# the install that lost its node says so and fails
	st=0
	wait "$pid" || st=$?
	[ "$st" -ne 0 ]
	run -0 cat install-1.log
	assert_line --regexp "^10\.10\.10\.10 +FAILED: "
	run -0 test -e "$root/usr/sbin/policy-rc.d"
	# the node boots from the same disk (its firstboot starts by itself), and the operator simply
	# runs farrow install again, without waiting: it converges, with no hand step
	run -0 "$SANDBOX" up 1
	run -0 install
	# (the boot's own run may have finished dpkg's work first: then this one has nothing to change)
	assert_line --regexp "^10\.10\.10\.10 +ok: (installed|unchanged: nothing to do) \(10 packages for its roles\); 5 modules converged"
	run -1 "$SANDBOX" exec 1 test -e /usr/sbin/policy-rc.d
	run -0 "$SANDBOX" exec 1 dpkg --audit
	assert_output ""
	run -0 "$SANDBOX" exec 1 farrow-firstboot status --json
	assert_output --partial '"result":"done"'
	run -0 psql "host=10.10.10.10 port=5433 user=dbuser_meta dbname=meta" -XAtc "select current_user"
	assert_output "dbuser_meta"
}
