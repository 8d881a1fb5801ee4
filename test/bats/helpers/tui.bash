# tui.bash -- drive `farrow configure`'s wizard in a detached tmux (send-keys, capture-pane).
# Each test gets its own tmux server (socket frtui-<pid>), 80x24, in $BATS_TEST_TMPDIR.

TUI_SOCK="frtui-$$"

# tui_start [ENV=VAL...] [-- configure args...]: the wizard in its own terminal; when it ends,
# exit.txt holds its status and stty.after the terminal's modes (stty.before: as it started).
tui_start() {
	local envs=() args=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	args=("$@")
	tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s w -x 80 -y 24 \
		"cd '$BATS_TEST_TMPDIR' && stty -a >stty.before && env ${envs[*]} '$FARROW_BIN/farrow' configure ${args[*]}; echo \$? >exit.txt; stty -a >stty.after; sleep 3600"
	tui_wait "1/${TUI_STEPS:-8} Welcome"
}

tui_stop() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true; }
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p -t w; }
tui_keys() { tmux -L "$TUI_SOCK" send-keys -t w "$@"; }
tui_resize() { tmux -L "$TUI_SOCK" resize-window -t w -x "$1" -y "$2"; }

# tui_wait TEXT [SECONDS]: until the screen shows TEXT (default 10 s); the screen goes to stderr if not.
tui_wait() {
	local i n=$((${2:-10} * 10))
	for ((i = 0; i < n; i++)); do
		tui_screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "--- the screen, waiting for '$1':" >&2
	tui_screen >&2
	return 1
}

# tui_exit_status: wait for the wizard to end, print its exit status.
tui_exit_status() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -s "$BATS_TEST_TMPDIR/exit.txt" ] && { cat "$BATS_TEST_TMPDIR/exit.txt"; return 0; }
		sleep 0.1
	done
	return 1
}

# tui_clear_field: erase what the focused field holds (Ctrl-U, as in a shell).
tui_clear_field() {
	tui_keys C-u
}

# tui_write_defaults: from step 3's Enter on, the defaults (template's version, the local
# bundle, generated credentials) through the review to a written farrow.yml.
tui_write_defaults() {
	tui_keys Enter
	tui_wait "4/${TUI_STEPS:-8} PostgreSQL"
	tui_keys Enter
	tui_wait "5/${TUI_STEPS:-8} Credentials"
	tui_keys Enter
	tui_wait "6/${TUI_STEPS:-8} Review"
	tui_keys Enter
	tui_wait "7/${TUI_STEPS:-8} Write"
	tui_keys Enter
	tui_wait "written farrow.yml"
}
