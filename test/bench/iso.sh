#!/bin/bash
# iso.sh -- figures for farrow iso build: build time and size of the install ISO from the default
# image-capable d12 bundle, and, under qemu (TCG: no KVM here), BIOS and UEFI boots to GRUB's
# menu on the serial console and on to the live system's medium check. Prints; asserts nothing.
# Then the same bundle's ISO with an answer file for the meta node: booted with SeaBIOS onto an
# empty virtual disk, the unattended install, the reboot into the node, and psql through 5433
# (qemu's user network, a port forward on 127.0.0.1). Needs root (mmdebstrap) and
# qemu-system-x86 with OVMF.
set -euo pipefail
. "$(dirname "$0")/common.sh"
if [ "$(id -u)" != 0 ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "== farrow iso: skipped (needs root and qemu-system-x86)"
	exit 0
fi
bench_bundle iso --image

t0=$(date +%s.%N)
farrow iso build --bundle "$bundle" --key key/farrow-signing.gpg --sign-key key/farrow-signing.key \
	--firstboot "$BIN/farrow-firstboot" -o farrow.iso --quiet
tbuild=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.0f}')")
size=$(($(stat -c %s farrow.iso) >> 20))

boot() { # boot NAME [qemu options]: prints "menu-seconds check-seconds" (serial.py's times)
	local name=$1 pid out
	shift
	qemu-system-x86_64 -m 2048 -smp 2 -display none -no-reboot -nic none \
		-drive "file=farrow.iso,format=raw,media=cdrom,readonly=on" -boot d \
		-serial "unix:$name.sock,server=on,wait=off" "$@" </dev/null >/dev/null 2>&1 &
	pid=$!
	out=$(python3 "$ROOT/test/images/serial.py" "$name.sock" "$name.log" timeout:120 'expect:automatically in [0-9]+s' \
		send:down sleep:1 send:down sleep:1 send:down sleep:1 'send:\r' timeout:600 \
		'expect:medium-check: (the medium holds|FAILED)' || true)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	awk -F' s: ' 'NR == 1 {m = $1} END {print m, $1}' <<<"$out"
}
read -r bmenu bcheck < <(boot bios)
cp /usr/share/OVMF/OVMF_VARS_4M.fd vars.fd
read -r umenu ucheck < <(boot uefi -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,file=vars.fd)

# unattended: the meta node's answer ISO onto an empty disk, to PostgreSQL serving
mkdir -p inv
farrow configure -n -c meta -i 10.10.10.10 -o inv/inventory.yml >/dev/null
cat >inv/answer.yml <<EOF
farrow_answer: 1
host: 10.10.10.10
disk: { serial: FARROWDISK1 }
network: { address: 10.10.10.10/24, gateway: 10.10.10.2 }
root: { password_hash: '$(openssl passwd -6 -salt farrowbench farrow-bench)' }
erase: true
reboot: true
EOF
t0=$(date +%s.%N)
farrow iso build --bundle "$bundle" --key key/farrow-signing.gpg --sign-key key/farrow-signing.key \
	--answer inv/answer.yml --inventory inv/inventory.yml --firstboot "$BIN/farrow-firstboot" -o answer.iso --quiet
tabuild=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.0f}')")
qemu-img create -q -f qcow2 node.qcow2 8G
port=$((20000 + RANDOM % 20000))
t0=$(date +%s.%N)
qemu-system-x86_64 -m 3072 -smp 2 -display none -drive "file=answer.iso,format=raw,media=cdrom,readonly=on" -boot once=d \
	-drive file=node.qcow2,format=qcow2,if=none,id=d0 -device virtio-blk-pci,drive=d0,serial=FARROWDISK1 \
	-nic "user,model=virtio-net-pci,net=10.10.10.0/24,host=10.10.10.2,restrict=on,hostfwd=tcp:127.0.0.1:$port-10.10.10.10:5433" \
	-serial "unix:un.sock,server=on,wait=off" </dev/null >/dev/null 2>&1 &
pid=$!
out=$(python3 "$ROOT/test/images/serial.py" un.sock un.log timeout:300 'expect:medium-check: the medium holds' \
	timeout:1800 'expect:"step":"write","n":5,"of":6,"status":"start"' \
	'expect:"step":"done","n":6,"of":6,"status":"done"' timeout:600 'expect:root=LABEL=farrow-root' || true)
tpsql=
if grep -q 'farrow-root' <<<"$out"; then
	for _ in $(seq 900); do
		if PGPASSWORD=DBUser.Meta psql "host=127.0.0.1 port=$port user=dbuser_meta dbname=meta connect_timeout=5" \
			-XAtc 'select 1' >/dev/null 2>&1; then
			tpsql=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.0f}')")
			break
		fi
		sleep 1
	done
fi
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
read -r ucheck uwrite udone unode < <(awk -F' s: ' '{printf "%s ", $1} END {print ""}' <<<"$out")

echo "== farrow iso build, the default d12 image-capable bundle ($(du -m "$bundle" | cut -f1) MiB)"
printf '%-46s %s\n' "build" "$tbuild s, $size MiB"
printf '%-46s %s\n' "BIOS (SeaBIOS, TCG): GRUB's menu" "$bmenu s"
printf '%-46s %s\n' "BIOS: the medium checked (menu + 1 s + boot)" "$bcheck s"
printf '%-46s %s\n' "UEFI (OVMF, TCG): GRUB's menu" "$umenu s"
printf '%-46s %s\n' "UEFI: the medium checked" "$ucheck s"
printf '%-46s %s\n' "build with an answer file (meta)" "$tabuild s"
printf '%-46s %s\n' "unattended (SeaBIOS, TCG): the medium checked" "${ucheck:-?} s from power-on"
printf '%-46s %s\n' "  the disk erased and written" "${uwrite:-?} s .. ${udone:-?} s"
printf '%-46s %s\n' "  the node's own kernel booting" "${unode:-?} s"
printf '%-46s %s\n' "  PostgreSQL serving (psql through 5433)" "${tpsql:-not reached} s from power-on"
printf '%-46s %s\n' "  (beside it: install over SSH onto a booted" "node, make bench's install.sh, ~24 s on nspawn)"
