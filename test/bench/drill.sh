#!/bin/bash
# drill.sh -- farrow drill on ha/trio (three sandbox nodes), every mode, several trials each,
# printed beside the hand-built baseline of ../shared/research/ha-baseline.md (patroni 4.0.7 on
# Debian 12, norm plan). Also install -> cluster healthy. Prints; asserts nothing.
# TRIALS (default 5) per mode; MODES (default: crash kill-patroni switchover node-down partition).
# Needs root (the sandbox); about 5-10 minutes a mode at 5 trials.
set -euo pipefail
. "$(dirname "$0")/common.sh"
TRIALS=${TRIALS:-5}
MODES=${MODES:-crash kill-patroni switchover node-down partition}
bench_skip_unless_sandbox "farrow drill"
bench_bundle drill
farrow configure -n -c ha/trio --nodes 10.10.10.10,10.10.10.11,10.10.10.12 -g -o trio.yml >/dev/null
"$SANDBOX" down
"$SANDBOX" up 3 >/dev/null
key=$("$SANDBOX" key)
ssh=(--ssh-key "$key" --known-hosts "$work/known_hosts")
SECONDS=0
farrow install trio.yml --bundle "$bundle" --key key/farrow-signing.gpg "${ssh[@]}" --accept-new-host-keys \
	--wait 900 --firstboot "$BIN/farrow-firstboot" >/dev/null
until farrow status trio.yml "${ssh[@]}" >/dev/null; do sleep 1; done
echo "== ha/trio: farrow install -> every cluster healthy (farrow status exit 0): $SECONDS s"
sleep 15
echo "== idle footprint of the 3 nodes, 45 s (baseline, patroni 4.0.7: 662 MiB RSS, 273 MiB PSS, 3.8 % of one core)"
python3 "$ROOT/test/bench/footprint.py" 3 45

declare -A baseline=(
	[crash]="RTO 2.8-4.1 s, RPO 0"
	[kill-patroni]="(not measured)"
	[switchover]="(not measured)"
	[node-down]="RTO 29.8-34.9 s (first build 32.6-35.1), RPO 0, rejoin 1.9-8.5 s"
	[partition]="RTO 27.7-36.0 s, 0 rows lost in 7 of 7"
)
for mode in $MODES; do
	hooks=()
	case $mode in
	node-down) hooks=(--down-cmd "$SANDBOX poweroff {host}" --heal-cmd "$SANDBOX boot {host}") ;;
	partition) hooks=(--partition-cmd "$SANDBOX link {host} down" --heal-cmd "$SANDBOX link {host} up") ;;
	esac
	echo "== farrow drill --mode $mode, $TRIALS trials (baseline: ${baseline[$mode]})"
	farrow drill trio.yml --cluster pg-meta --mode "$mode" --trials "$TRIALS" --timeout 300 "${ssh[@]}" "${hooks[@]}" ||
		echo "   (the drill reports a failed trial: exit $?)"
done
