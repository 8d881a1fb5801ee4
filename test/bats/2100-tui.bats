#!/usr/bin/env bats
# The wizard of `farrow configure` on a terminal (tmux): its answers give the same bytes as the
# flags; bad input is refused in place; Esc, resizing and Ctrl-C keep answers, terminal and disk.

setup() {
	load helpers/common
	load helpers/tui
	command -v tmux >/dev/null || skip "needs tmux"
	fr_isolate
}

teardown() {
	tui_stop
}

# to step 3 with meta, the primary IP typed as $1
to_network() {
	tui_keys Enter
	tui_wait "2/8 Template"
	tui_keys Enter
	tui_wait "3/8 Network"
	tui_clear_field
	tui_keys "$1"
}

@test "the happy path for meta writes the same bytes as farrow configure -n with the same answers" {
	# the credentials the template has, in the order the wizard asks for them
	run -0 farrow configure -n -c meta -i 10.20.30.40 -g --show-secrets -o probe.yml
	mapfile -t names < <(sed -n 's/^    \([^ ]*\) .*/\1/p' <<<"$output")
	[ "${#names[@]}" -ge 10 ]
	tui_start
	run -0 tui_screen
	assert_output --partial "This machine"
	assert_output --partial "Nothing is written before step 7."
	to_network 10.20.30.40
	tui_keys Enter
	tui_wait "4/8 PostgreSQL"
	assert tui_wait "> 15 (the template's)"
	tui_keys Enter
	tui_wait "5/8 Credentials"
	tui_keys Down Enter
	: >secrets.yml
	chmod 600 secrets.yml
	for i in "${!names[@]}"; do
		tui_wait "Credential $((i + 1)) of ${#names[@]}: ${names[$i]}"
		tui_keys "Tui.Pass-$i" Enter "Tui.Pass-$i" Enter
		echo "${names[$i]}: Tui.Pass-$i" >>secrets.yml
	done
	tui_wait "6/8 Review"
	run -0 tui_screen
	assert_output --partial "+        10.20.30.40: { pg_seq: 1, pg_role: primary }"
	assert_output --partial "password: ********"
	refute_output --partial "Tui.Pass"
	tui_keys Enter
	tui_wait "7/8 Write"
	tui_keys Enter
	tui_wait "written farrow.yml (mode 0600)"
	tui_keys Enter
	tui_wait "8/8 Install"
	tui_keys Down Enter
	run -0 tui_exit_status
	assert_output 0
	run -0 farrow configure -n -c meta -i 10.20.30.40 -g --secrets-file secrets.yml -o flags.yml
	cmp farrow.yml flags.yml
	[ "$(stat -c %a farrow.yml)" = 600 ]
	run -0 farrow inventory check farrow.yml
}

@test "an invalid IP is refused in place with a message, and the field keeps the focus" {
	tui_start
	to_network 10.0.0.300
	tui_wait "'10.0.0.300' is not a valid IPv4 address (yet)"
	tui_keys Enter
	tui_wait "! '10.0.0.300' is not a valid IPv4 address"
	run -0 tui_screen
	assert_output --partial "3/8 Network"
	# the focus stayed: the next keys edit the same field, and it is accepted
	tui_keys BSpace BSpace
	tui_write_defaults
	grep -q "^    admin_ip: 10.0.0.3 " farrow.yml
	# generated credentials: shown once on request, never in the review
	tui_keys s
	tui_wait "Generated credentials"
	run -0 tui_screen
	assert_output --partial "DBUser.Meta"
	assert_output --partial "shown this once"
	tui_keys Enter
	tui_wait "were shown once"
	! grep -q "DBUser.Meta\|DBUser.DBA\|Etcd.Root" farrow.yml
}

@test "Esc goes back a step without losing answers" {
	tui_start
	to_network 10.1.2.3
	tui_keys Enter
	tui_wait "4/8 PostgreSQL"
	tui_keys Down Tab Down Down
	tui_keys Enter
	tui_wait "5/8 Credentials"
	tui_keys Escape
	tui_wait "4/8 PostgreSQL"
	run -0 tui_screen
	assert_output --partial " > 16"
	assert_output --partial " > china mirrors"
	tui_keys Escape
	tui_wait "3/8 Network"
	tui_wait "primary IP  10.1.2.3"
	tui_keys Escape
	tui_wait "2/8 Template"
	tui_keys Down Down Down Down Enter
	tui_wait "3/8 Network"
	# ha/trio: three nodes, the others from the template
	run -0 tui_screen
	assert_output --partial "primary IP  10.1.2.3"
	assert_output --partial "(template: 10.10.10.11)"
	tui_keys C-c
	tui_wait "Quit farrow configure? Nothing has been written."
	tui_keys y
	run -0 tui_exit_status
	assert_output 1
}

@test "resizing to 60x20 shows the too-small screen; 80x24 brings the step back as it was" {
	tui_start
	to_network 10.9.8.7
	tui_wait "10.9.8.7"
	tui_resize 60 20
	tui_wait "terminal too small"
	run -0 tui_screen
	assert_output --partial "60x20: farrow needs 80x24"
	tui_resize 80 24
	tui_wait "3/8 Network"
	tui_wait "primary IP  10.9.8.7"
}

@test "Ctrl-C asks; no keeps the step, yes writes nothing and leaves the terminal as it was" {
	tui_start
	to_network 10.4.4.4
	tui_keys Enter
	tui_wait "4/8 PostgreSQL"
	tui_keys C-c
	tui_wait "Nothing has been written. [y/N]"
	tui_keys n
	tui_wait "4/8 PostgreSQL"
	run -0 tui_screen
	refute_output --partial "Quit?"
	tui_keys Enter
	tui_wait "5/8 Credentials"
	tui_keys Enter
	tui_wait "6/8 Review"
	tui_keys C-c
	tui_wait "[y/N]"
	tui_keys y
	run -0 tui_exit_status
	assert_output 1
	tui_wait "farrow configure: quit; nothing written"
	[ ! -e farrow.yml ]
	[ ! -e farrow.yml.bak ]
	diff stty.before stty.after
}

@test "F1 shows the step's help; NO_COLOR gives a monochrome screen" {
	tui_start NO_COLOR=1
	tui_keys F1
	tui_wait "Help"
	run -0 tui_screen
	assert_output --partial "found beside farrow or on the install medium"
	tui_keys Enter
	tui_wait "1/8 Welcome"
	run -0 tmux -L "$TUI_SOCK" capture-pane -e -p -t w
	refute_output --regexp $'\e\\[(3[0-7]|4[0-7])m'
	tui_stop
	tui_start
	run -0 tmux -L "$TUI_SOCK" capture-pane -e -p -t w
	assert_output --regexp $'\e\\[[0-9;]*(3[0-7]|4[0-7])[;m]'
}
