#!/bin/bash
# tui-captures.sh -- text captures of every screen of the `farrow configure` wizard, for
# docs/tui/ and the README: drives it under tmux (80x24) with fixed answers.
# usage: tools/tui-captures.sh BUILD_DIR OUT_DIR
set -euo pipefail
bin=$(cd "${1:-build}" && pwd)
out=${2:-docs/tui}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d /tmp/farrow-tui.XXXXXX)
sock=frtui-cap-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$work"' EXIT
keys() { tmux -L "$sock" send-keys -t w "$@"; }
wait_for() {
	for _ in $(seq 100); do tmux -L "$sock" capture-pane -p -t w | grep -qF -- "$1" && return 0; sleep 0.1; done
	echo "tui-captures: '$1' never showed" >&2
	exit 1
}
shot() { tmux -L "$sock" capture-pane -p -t w | sed 's/[[:space:]]*$//' >"$out/$1.txt"; }

tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 "cd $work && NO_COLOR=1 $bin/farrow configure; sleep 600"
wait_for "1/8 Welcome"
shot 1-welcome
keys Enter; wait_for "2/8 Template"; shot 2-template
keys Enter; wait_for "3/8 Network"
keys C-u
keys 10.0.0.300 Enter; wait_for "not a valid IPv4 address"; shot 3-network-invalid
keys BSpace BSpace BSpace 10 Enter; wait_for "4/8 PostgreSQL"; shot 4-postgresql
keys Enter; wait_for "5/8 Credentials"; shot 5-credentials
keys Down Enter; wait_for "Credential 1 of"; shot 5-credentials-enter
keys Escape; wait_for "Generate strong"
keys Up Enter; wait_for "6/8 Review"; shot 6-review
keys Enter; wait_for "7/8 Write"; shot 7-write
keys Enter; wait_for "written"; shot 7-written
keys Enter; wait_for "8/8 Install"; shot 8-install
keys F1; wait_for "Help"; shot 8-help
keys Enter; wait_for "8/8 Install"
tmux -L "$sock" resize-window -t w -x 60 -y 20; wait_for "terminal too small"; shot 0-too-small
tmux -L "$sock" resize-window -t w -x 80 -y 24; wait_for "8/8 Install"
keys C-c; wait_for "Quit?"; shot 0-quit
keys y
echo "tui-captures: $(ls "$out" | wc -l) screens in $out"
