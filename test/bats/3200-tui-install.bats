#!/usr/bin/env bats
# The wizard's last step on a real node: "Install now?" on a 1-node sandbox runs farrow install
# with a progress screen and ends on the connection strings, with which psql connects.

setup_file() {
	load helpers/common
	[ "$(id -u)" = 0 ] && command -v systemd-nspawn >/dev/null && command -v tmux >/dev/null || return 0
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || return 0
	export W=$BATS_FILE_TMPDIR
	load helpers/mirror
	fr_node_fixture "$W"
}

teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	"$BATS_TEST_DIRNAME/../sandbox/sandbox.sh" down
}

setup() {
	load helpers/common
	load helpers/tui
	[ "$(id -u)" = 0 ] || skip "the sandbox needs root"
	command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn"
	command -v tmux >/dev/null || skip "needs tmux"
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || skip "the default bundle is built by a Debian 12 host"
	[ "${FARROW_TEST_DIST:-bookworm}" = bookworm ] || skip "the wizard's template says PostgreSQL 15: Debian 12 nodes"
	fr_isolate # HOME too: the node's host key goes to a known_hosts of this test's own
}

teardown() {
	tui_stop
}

@test "Install now? on a 1-node sandbox: progress per host and module, then connection strings psql uses" {
	# nodes get the plain build of farrow-firstboot (a sanitizer build needs libasan)
	tui_start "FARROW_FIRSTBOOT=${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot"
	tui_keys Enter
	tui_wait "2/8 Template"
	tui_keys Enter
	tui_wait "3/8 Network"
	tui_clear_field
	tui_keys 10.10.10.10
	tui_write_defaults
	tui_keys Enter
	tui_wait "8/8 Install"
	# accept the node's host key on first contact; the bundle, its key, the sandbox's SSH key
	tui_keys Space
	tui_wait "[x] accept"
	tui_keys Tab
	tui_clear_field
	tui_keys "$BUNDLE" Tab
	tui_clear_field
	tui_keys "$W/key/farrow-signing.gpg" Tab
	tui_clear_field
	tui_keys "$("$SANDBOX" key)" Tab Enter
	tui_wait "farrow install farrow.yml"
	tui_wait "pgsql"
	tui_wait "running" 120
	# FARROW_TUI_CAPTURES=docs/tui keeps the screens for the README
	[ -z "${FARROW_TUI_CAPTURES:-}" ] || tui_screen | sed 's/[[:space:]]*$//' >"$FARROW_TUI_CAPTURES/8-installing.txt"
	for _ in $(seq 600); do
		tui_screen | grep -qE "Installed. PostgreSQL serves:|install failed" && break
		sleep 0.5
	done
	run -0 tui_screen
	refute_output --partial "install failed"
	assert_output --partial "Installed. PostgreSQL serves:"
	[ -z "${FARROW_TUI_CAPTURES:-}" ] || tui_screen | sed 's/[[:space:]]*$//' >"$FARROW_TUI_CAPTURES/8-installed.txt"
	run -0 tui_screen
	assert_output --partial "postgres://dbuser_meta@10.10.10.10:5432/meta   (postgres)"
	assert_output --partial "postgres://dbuser_meta@10.10.10.10:6432/meta   (pgbouncer)"
	assert_output --partial "postgres://dbuser_meta@10.10.10.10:5434/meta   (replica service)"
	# every service the node renders (pg_default_services), not a fixed four
	assert_output --partial "postgres://dbuser_meta@10.10.10.10:5436/meta   (default service)"
	assert_output --partial "postgres://dbuser_meta@10.10.10.10:5438/meta   (offline service)"
	url=$(tui_screen | grep -o 'postgres://dbuser_meta@10.10.10.10:5433/meta')
	[ -n "$url" ]
	pw=$(grep -o 'name: dbuser_meta, password: [A-Za-z0-9]*' "$BATS_TEST_TMPDIR/farrow.yml" | sed 's/.*password: //')
	printf '*:*:*:dbuser_meta:%s\n' "$pw" >"$BATS_TEST_TMPDIR/pgpass"
	chmod 600 "$BATS_TEST_TMPDIR/pgpass"
	for port in 5432 6432 5433 5434; do
		run -0 env PGPASSFILE="$BATS_TEST_TMPDIR/pgpass" PGCONNECT_TIMEOUT=5 \
			psql "${url%:5433/meta}:$port/meta" -XAtqc "select current_user || '@' || current_database()"
		assert_output "dbuser_meta@meta"
	done
	tui_keys Enter
	run -0 tui_exit_status
	assert_output 0
}
