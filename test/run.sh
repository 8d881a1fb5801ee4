#!/bin/bash
# run.sh -- the whole suite, as `make test` runs it: unit tests, bats (Debian 12 nodes), man-page
# lint, unit tests and bats again under ASan+UBSan, then the single-node suites on Debian 13 nodes.
# Prints one closing line "N passed, N failed, N skipped" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
rc=0
step() { # step <name> <command...>
	local name=$1
	shift
	echo "== $name"
	if ! "$@" 2>&1 | tee "$logs/$name.log"; then
		echo "== $name FAILED"
		rc=1
	fi
}
step build make --no-print-directory all
step unit make --no-print-directory unit
step bats make --no-print-directory bats
step lint make --no-print-directory lint
step asan make --no-print-directory asan
step trixie make --no-print-directory bats-trixie
pass=$(cat "$logs"/*.log | grep -E '^ok ' | grep -cv '# skip')
skip=$(cat "$logs"/*.log | grep -cE '^ok .*# skip')
fail=$(cat "$logs"/*.log | grep -cE '^not ok ')
[ "$fail" -eq 0 ] || rc=1
[ "$pass" -gt 0 ] || rc=1
echo "$pass passed, $fail failed, $skip skipped"
exit "$rc"
