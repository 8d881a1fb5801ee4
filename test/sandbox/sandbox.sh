#!/bin/bash
# sandbox.sh -- Pigsty's Vagrant sandbox, made of what runs here: systemd-nspawn nodes booted
# from a cached Debian 12 (or 13) root, each in its own network namespace on a private bridge, with
# Pigsty's addresses 10.10.10.10-13 (only inside those namespaces). No route leaves the bridge.
#
#   sandbox.sh up [N]          boot N nodes (1 or 4; default 1)
#   sandbox.sh exec NODE CMD...  run a command on node NODE (1-4)
#   sandbox.sh shell NODE      an interactive shell on NODE
#   sandbox.sh ip NODE         print NODE's address
#   sandbox.sh status          list the nodes that run
#   sandbox.sh reboot NODE     power NODE off from inside, then boot it again from the same disk
#   sandbox.sh poweroff NODE   power loss: NODE's link down and its init killed (no shutdown)
#   sandbox.sh boot NODE       boot a powered-off NODE again from the same disk
#   sandbox.sh link NODE up|down  cut or restore NODE's link (a partition; it keeps running)
#   sandbox.sh image NODE DIR [SEED]  boot NODE from a node image (a root directory, kept
#                              read-only under the node's overlay): nothing of the sandbox's is
#                              added to it (no host key, no SSH key, no host name); SEED, a seed
#                              volume's file, is attached read-only as a loop device the node sees
#   sandbox.sh down            stop every node; remove mounts, namespaces, links, the bridge
# NODE is 1-4 or its address (10.10.10.10-13): farrow drill's --down-cmd/--heal-cmd give {host}.
#   sandbox.sh base            build (or find) the cached base root and print its path
#
# FARROW_SANDBOX_DIST=trixie (make sandbox DIST=trixie) boots Debian 13 nodes: mmdebstrap is
# given this host's own apt source with the trixie suite (`repo-builder host-source`); the
# default, bookworm, uses the host's apt sources as they are. A node keeps the dist it was
# brought up with across reboots.
#
# State lives in $FARROW_SANDBOX (default /var/tmp/farrow-sandbox): base roots keyed by their
# package list, and one directory per node. Needs root, systemd-nspawn, mmdebstrap, iproute2.
set -euo pipefail

SB=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
BR=${FARROW_SANDBOX_BRIDGE:-frbr0}
NET=10.10.10
DIST=${FARROW_SANDBOX_DIST:-bookworm}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# The base node: a minimal Debian with systemd and sshd (the bundle manifest's base).
BASE_PKGS="systemd,systemd-sysv,dbus,iproute2,openssh-server,ca-certificates,procps,python3"

die() { echo "sandbox: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null || die "needs $1 (apt-get install $2; make deps installs every one)"; }
# every tool this script runs, checked once, each with the package that has it
need_all() {
	need ip iproute2
	need pgrep procps
	need nsenter util-linux
	need setsid util-linux
	need mountpoint util-linux
	need ssh-keygen openssh-client
	need sha256sum coreutils
}

base() {
	local key dir tmp
	local dist=${1:-$DIST} src=()
	case "$dist" in bookworm | trixie) ;; *) die "DIST: bookworm or trixie, not '$dist'" ;; esac
	key=$(printf '%s\n' "$dist minbase $BASE_PKGS v1" | sha256sum | cut -c1-12)
	dir=$SB/base-$key
	if [ ! -f "$dir/.complete" ]; then
		need mmdebstrap mmdebstrap
		mkdir -p "$SB"
		tmp=$(mktemp -d "$SB/base.XXXXXX")
		if [ "$dist" != bookworm ]; then
			# this host's own source (URI and keyring) with the other suite: one line for mmdebstrap
			local rb=${FARROW_BIN:-$ROOT/build}/repo-builder
			[ -x "$rb" ] || die "a $dist base needs repo-builder ($rb): make first"
			src=("$("$rb" host-source --suite "$dist")") || die "no apt source for $dist"
		fi
		echo "sandbox: building the $dist base root once (mmdebstrap from this host's apt sources: about a minute)" >&2
		# mmdebstrap hands apt 'cat >&<fd>', which dash refuses for fd 10 and above: descriptors we
		# inherit (bats holds several, a caller may hold more) would push its own that high
		without_fds mmdebstrap --quiet --variant=minbase --include="$BASE_PKGS" \
			--customize-hook='rm -f "$1"/etc/ssh/ssh_host_*' \
			--customize-hook='echo "PermitRootLogin prohibit-password" > "$1"/etc/ssh/sshd_config.d/farrow.conf' \
			--customize-hook='mkdir -p "$1"/root/.ssh && chmod 700 "$1"/root/.ssh' \
			--customize-hook='ln -sf /dev/null "$1"/etc/systemd/system/systemd-networkd-wait-online.service' \
			"$dist" "$tmp/root" "${src[@]}" >&2 || die "mmdebstrap could not build the $dist base root"
		touch "$tmp/.complete"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	echo "$dir/root"
}

# Run "$@" with only descriptors 0-2 (every other one this shell holds closed in a subshell).
without_fds() {
	(
		for f in /proc/$BASHPID/fd/*; do
			f=${f##*/}
			[ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-" 2>/dev/null
		done
		exec "$@"
	)
}

node_dir() { echo "$SB/node$1"; }

# Every process of node $1: all that runs in its network namespace (its init and all it starts),
# whatever state `up` died in; no pid file needed. nspawn itself stays in the host's namespace.
node_pids() {
	[ -e "/run/netns/frn$1" ] || return 0
	ip netns pids "frn$1" 2>/dev/null || true
}
init_pid() { cat "$(node_dir "$1")/init.pid" 2>/dev/null; }

up_bridge() {
	ip link show "$BR" >/dev/null 2>&1 && return 0
	ip link add "$BR" type bridge
	ip addr add "$NET.1/24" dev "$BR"
	ip link set "$BR" up
}

# up_node I LOWER: boot node I from LOWER (a base root, or a node image: then $d/image says so
# and nothing is added to it); a reboot or boot takes the same LOWER again ($d/lower).
up_node() {
	local i=$1 lower=$2 d ns ip pid
	d=$(node_dir "$i")
	ns=frn$i
	ip=$NET.$((9 + i))
	[ -f "$d/init.pid" ] && kill -0 "$(init_pid "$i")" 2>/dev/null && { echo "node$i already up"; return 0; }
	mkdir -p "$d/upper" "$d/work" "$d/root"
	echo "$DIST" >"$d/dist"
	echo "$lower" >"$d/lower"
	mountpoint -q "$d/root" || mount -t overlay overlay -o "lowerdir=$lower,upperdir=$d/upper,workdir=$d/work" "$d/root"
	# per-node identity: host name, ssh host keys, the test's key, the address
	if [ ! -f "$d/image" ]; then
		echo "node$i" >"$d/root/etc/hostname"
		[ -f "$d/root/etc/ssh/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$d/root/etc/ssh/ssh_host_ed25519_key"
		if [ -f "$SB/id_ed25519.pub" ]; then
			cp "$SB/id_ed25519.pub" "$d/root/root/.ssh/authorized_keys"
			chmod 600 "$d/root/root/.ssh/authorized_keys"
		fi
	fi
	ip netns add "$ns" 2>/dev/null || true
	if ! ip -n "$ns" link show eth0 >/dev/null 2>&1; then # a rebooted node keeps its link
		ip link add "frv$i" type veth peer name "frp$i" 2>/dev/null || true
		ip link set "frv$i" master "$BR" up
		ip link set "frp$i" netns "$ns"
		ip -n "$ns" link set "frp$i" name eth0
		ip -n "$ns" addr add "$ip/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" link set lo up
	fi
	# CAP_NET_ADMIN and CAP_NET_RAW, as a machine's root has them, in the node's own namespace:
	# farrow's VIP keeper adds the cluster's address and announces it (gratuitous ARP)
	local extra=()
	[ -s "$d/seed-dev" ] && extra=(--bind-ro="$(cat "$d/seed-dev")")
	setsid systemd-nspawn --register=no --keep-unit --quiet -b -D "$d/root" --machine="node$i" \
		--network-namespace-path="/run/netns/$ns" --capability=CAP_NET_ADMIN,CAP_NET_RAW \
		"${extra[@]}" --console=read-only </dev/null >>"$d/console.log" 2>&1 &
	echo $! >"$d/nspawn.pid"
	for _ in $(seq 100); do
		pid=$(pgrep -P "$(cat "$d/nspawn.pid")" | head -1 || true)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || die "node$i did not start: $(tail -5 "$d/console.log")"
	echo "$pid" >"$d/init.pid"
}

wait_node() {
	local i=$1 state pid d
	d=$(node_dir "$i")
	for _ in $(seq 120); do
		# nspawn's first child can be its short-lived outer child: follow the one that stays (init)
		pid=$(pgrep -P "$(cat "$d/nspawn.pid")" | tail -1 || true)
		[ -n "$pid" ] && [ "$pid" != "$(init_pid "$i")" ] && echo "$pid" >"$d/init.pid"
		state=$(nsenter -t "$(init_pid "$i")" -m -u -i -n -p -- systemctl is-system-running 2>/dev/null || true)
		case "$state" in
		running | degraded) return 0 ;;
		esac
		sleep 0.5
	done
	die "node$i did not finish booting (state: $state)"
}

cmd_up() {
	local n=${1:-1} lower i
	case "$n" in 1 | 2 | 3 | 4) ;; *) die "up: 1 to 4 nodes" ;; esac
	[ "$(id -u)" = 0 ] || die "needs root"
	need systemd-nspawn systemd-container
	need_all
	lower=$(base)
	[ -f "$SB/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C farrow-sandbox -f "$SB/id_ed25519"
	up_bridge
	for i in $(seq "$n"); do up_node "$i" "$lower"; done
	for i in $(seq "$n"); do wait_node "$i"; echo "node$i $NET.$((9 + i)) up"; done
}

cmd_exec() {
	local i=$1 pid
	shift
	pid=$(init_pid "$i") || die "node$i is not up"
	kill -0 "$pid" 2>/dev/null || die "node$i is not up"
	exec nsenter -t "$pid" -m -u -i -n -p -- "$@"
}

# Power a node off from inside (services stop as on a real machine), then boot it again
# from the same disk (its overlay), address and keys.
cmd_reboot() {
	local i=$1 d pid
	d=$(node_dir "$i")
	pid=$(init_pid "$i") || die "node$i is not up"
	kill -0 "$pid" 2>/dev/null || die "node$i is not up"
	nsenter -t "$pid" -m -u -i -n -p -- systemctl poweroff >/dev/null 2>&1 || true
	for _ in $(seq 600); do kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null; then
		echo "sandbox: node$i did not power off within 60 s: killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
		sleep 1
	fi
	echo "node$i powered off"
	up_node "$i" "$(node_lower "$i")"
	wait_node "$i"
	echo "node$i $NET.$((9 + i)) up"
}

# What node $1 boots from again: the root it was brought up with (its dist's base, or an image).
node_lower() {
	local d
	d=$(node_dir "$1")
	DIST=$(cat "$d/dist" 2>/dev/null || echo "$DIST")
	if [ -s "$d/lower" ]; then cat "$d/lower"; else base "$DIST"; fi
}

# Boot node $1 from the node image $2 (a root directory), with the seed volume $3 if given.
cmd_image() {
	local i dir d seed=${3:-}
	i=$(node_num "$1")
	dir=$(cd "$2" && pwd) || die "image: no directory '$2'"
	[ -x "$dir/sbin/init" ] || [ -x "$dir/lib/systemd/systemd" ] || die "image: '$dir' is not a bootable root"
	[ "$(id -u)" = 0 ] || die "needs root"
	need systemd-nspawn systemd-container
	need_all
	d=$(node_dir "$i")
	kill -0 "$(init_pid "$i")" 2>/dev/null && die "node$i is up: sandbox.sh down first"
	rm -rf "$d"
	mkdir -p "$d"
	touch "$d/image"
	if [ -n "$seed" ]; then
		[ -f "$seed" ] || die "image: no seed file '$seed'"
		need losetup mount
		losetup -r -f --show "$seed" >"$d/seed-dev" || die "image: cannot attach '$seed' to a loop device"
	fi
	up_bridge
	up_node "$i" "$dir"
	wait_node "$i"
	echo "node$i $NET.$((9 + i)) up (image $dir)"
}

# A node by number (1-4) or by its address (10.10.10.10 is node 1): what farrow drill's
# hooks are given ({host}).
node_num() {
	case "$1" in
	[1-4]) echo "$1" ;;
	"$NET".1[0-3]) echo $(("${1##*.}" - 9)) ;;
	*) die "no node '$1' (1-4, or $NET.10-13)" ;;
	esac
}

# Power loss: the node's link goes down (packets black-holed, as a dead machine's) and its
# init is killed with everything it runs; `boot` brings it back from the same disk.
cmd_poweroff() {
	local i d pid
	i=$(node_num "$1")
	d=$(node_dir "$i")
	pid=$(init_pid "$i") || die "node$i is not up"
	ip link set "frv$i" down 2>/dev/null || true
	kill -KILL "$pid" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null || break; sleep 0.1; done
	echo "node$i lost power"
}

cmd_boot() {
	local i d
	i=$(node_num "$1")
	d=$(node_dir "$i")
	[ -d "$d" ] || die "node$i was never up"
	kill -0 "$(init_pid "$i")" 2>/dev/null && die "node$i is up"
	ip link set "frv$i" up 2>/dev/null || true
	up_node "$i" "$(node_lower "$i")"
	wait_node "$i"
	echo "node$i $NET.$((9 + i)) up"
}

# A partition: the node's link down or up; everything on it keeps running.
cmd_link() {
	local i
	i=$(node_num "$1")
	case "$2" in up | down) ;; *) die "link NODE up|down" ;; esac
	ip link set "frv$i" "$2"
	echo "node$i link $2"
}

cmd_down() {
	local d i pid pids
	need_all
	for d in "$SB"/node*; do
		[ -d "$d" ] || continue
		i=${d##*/node}
		pid=$(cat "$d/init.pid" 2>/dev/null || true)
		# killing the node's init takes its whole PID namespace down (killing nspawn would not)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		# and whatever runs in the node's root without a pid file (an `up` that died early)
		for _ in $(seq 50); do
			pids=$(node_pids "$i")
			[ -n "$pids" ] || break
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null || true
			sleep 0.1
		done
		[ -z "$(node_pids "$i")" ] || echo "sandbox: node$i still has processes: $(node_pids "$i" | tr '\n' ' ')" >&2
		if [ -f "$d/nspawn.pid" ]; then
			for _ in $(seq 50); do kill -0 "$(cat "$d/nspawn.pid")" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$(cat "$d/nspawn.pid")" 2>/dev/null || true
		fi
		pkill -KILL -f "systemd-nspawn .* -D $d/root " 2>/dev/null || true
		for _ in $(seq 20); do mountpoint -q "$d/root" || break; umount "$d/root" 2>/dev/null || umount -l "$d/root" 2>/dev/null || true; sleep 0.1; done
		ip link del "frv$i" 2>/dev/null || true
		ip netns del "frn$i" 2>/dev/null || true
		[ -s "$d/seed-dev" ] && losetup -d "$(cat "$d/seed-dev")" 2>/dev/null
		rm -rf "$d"
	done
	ip link del "$BR" 2>/dev/null || true
}

cmd_status() {
	local d i
	for d in "$SB"/node*; do
		[ -d "$d" ] || continue
		i=${d##*/node}
		if kill -0 "$(init_pid "$i")" 2>/dev/null; then echo "node$i $NET.$((9 + i)) up"; else echo "node$i down"; fi
	done
}

case "${1:-}" in
up) shift; cmd_up "$@" ;;
exec) shift; [ $# -ge 2 ] || die "exec NODE CMD..."; cmd_exec "$@" ;;
shell) shift; cmd_exec "${1:?shell NODE}" /bin/bash -l ;;
ip) echo "$NET.$((9 + ${2:?ip NODE}))" ;;
status) cmd_status ;;
reboot) shift; cmd_reboot "$(node_num "${1:?reboot NODE}")" ;;
poweroff) shift; cmd_poweroff "${1:?poweroff NODE}" ;;
boot) shift; cmd_boot "${1:?boot NODE}" ;;
link) shift; cmd_link "${1:?link NODE up|down}" "${2:?link NODE up|down}" ;;
image) shift; cmd_image "${1:?image NODE DIR [SEED]}" "${2:?image NODE DIR [SEED]}" "${3:-}" ;;
down) cmd_down ;;
base) base ;;
key) echo "$SB/id_ed25519" ;;
*) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
