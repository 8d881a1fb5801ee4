#!/bin/bash
# iso.sh -- figures for farrow iso build: build time and size of the install ISO from the default
# image-capable d12 bundle, and, under qemu (TCG: no KVM here), BIOS and UEFI boots to GRUB's
# menu on the serial console and on to the live system's medium check. Prints; asserts nothing.
# Needs root (mmdebstrap) and qemu-system-x86 with OVMF. Not yet measured: the unattended install
# to PostgreSQL serving (the installer is not written yet: issue 13).
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
		send:down sleep:1 'send:\r' timeout:600 'expect:medium-check: (the medium holds|FAILED)' || true)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	awk -F' s: ' 'NR == 1 {m = $1} END {print m, $1}' <<<"$out"
}
read -r bmenu bcheck < <(boot bios)
cp /usr/share/OVMF/OVMF_VARS_4M.fd vars.fd
read -r umenu ucheck < <(boot uefi -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,file=vars.fd)

echo "== farrow iso build, the default d12 image-capable bundle ($(du -m "$bundle" | cut -f1) MiB)"
printf '%-46s %s\n' "build" "$tbuild s, $size MiB"
printf '%-46s %s\n' "BIOS (SeaBIOS, TCG): GRUB's menu" "$bmenu s"
printf '%-46s %s\n' "BIOS: the medium checked (menu + 1 s + boot)" "$bcheck s"
printf '%-46s %s\n' "UEFI (OVMF, TCG): GRUB's menu" "$umenu s"
printf '%-46s %s\n' "UEFI: the medium checked" "$ucheck s"
printf '%-46s %s\n' "unattended install -> PostgreSQL serving" "not yet (no installer: issue 13)"
