#!/bin/bash
# install.sh -- figures for farrow install on one sandbox node (Pigsty's meta): wall time from
# `farrow install` to PostgreSQL accepting connections, the whole install, a no-op re-run, and
# the peak RSS of farrow and of farrow-firstboot. Prints; asserts nothing.
# Needs root on Debian 12 (the sandbox); uses the test cache for the bundle's packages.
set -euo pipefail
. "$(dirname "$0")/common.sh"
bench_skip_unless_sandbox "farrow install"
bench_bundle install
farrow configure -n -c meta -i 10.10.10.10 -g -o meta.yml >/dev/null
"$SANDBOX" down
"$SANDBOX" up 1 >/dev/null

# farrow's peak RSS (MiB, with its per-host processes) and wall time: prints "rss seconds"
measure() {
	python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
dt = time.monotonic() - t
if r.returncode:
    sys.exit(f"failed: {' '.join(sys.argv[1:])}")
print(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.1f} {dt:.1f}")
PY
}
install=(farrow install meta.yml --bundle "$bundle" --key key/farrow-signing.gpg --ssh-key "$("$SANDBOX" key)"
	--known-hosts known_hosts --accept-new-host-keys)

# PostgreSQL accepting connections: pg_isready against the node, polled while install runs
t0=$(date +%s.%N)
( while ! pg_isready -q -h 10.10.10.10 -p 5432 -t 1 2>/dev/null; do sleep 0.2; done; date +%s.%N >ready ) &
poller=$!
read -r rss total < <(measure "${install[@]}")
wait "$poller"
ready=$(python3 -c "print(f'{$(cat ready) - $t0:.1f}')")
read -r rss2 noop < <(measure "${install[@]}")
fbrss=$("$SANDBOX" exec 1 sh -c "journalctl -u farrow-firstboot -q --no-pager -o cat | sed -n 's/.*peak RSS of this process \([0-9.]*\) MiB/\1/p'" | sort -n | tail -1)

echo "== farrow install, one node (meta: node, ca, etcd, pgsql), bundle of $(du -m "$bundle" | cut -f1) MiB"
printf '%-46s %10s\n' "install -> PostgreSQL accepting connections" "$ready s   (Pigsty: 3-10 min)"
printf '%-46s %10s\n' "whole install (bundle copy to converged)" "$total s"
printf '%-46s %10s\n' "re-run, nothing to change" "$noop s"
printf '%-46s %10s\n' "peak RSS of farrow" "$([ "${rss%.*}" -ge "${rss2%.*}" ] && echo "$rss" || echo "$rss2") MiB"
printf '%-46s %10s\n' "peak RSS of farrow-firstboot (on the node)" "$fbrss MiB"
