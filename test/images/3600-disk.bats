#!/usr/bin/env bats
# Disk images under an emulator (make test-images; qemu's TCG here, no KVM: slow, so few boots):
# a per-node raw image, made from an image-capable bundle, boots with SeaBIOS (BIOS) and with
# OVMF (UEFI) to farrow-firstboot, whose last line the serial console shows; a disk larger than
# the image gets its root partition and file system grown at first boot. Raw bytes are the same
# for the same inputs; qcow2 is the same disk.

setup_file() {
	load ../bats/helpers/common
	load ../bats/helpers/mirror
	fr_node_suite_can_run || return 0
	command -v qemu-system-x86_64 >/dev/null || return 0
	export W=$BATS_FILE_TMPDIR
	fr_dist_vars
	rb="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/repo-builder"
	"$rb" keygen --out "$W/key" >/dev/null
	"$rb" build "$FARROW_ROOT/profiles/bundles/$FR_TARGET-meta.yml" --image --key "$W/key/farrow-signing.key" \
		--out "$W/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	export IMAGE_BUNDLE=$W/dist/farrow-image-0.1.0.$FR_TARGET.x86_64.tar.zst
	farrow configure -n -c meta -i 10.10.10.10 -v "$FR_PG" -g -o "$W/meta.yml" >/dev/null
	SECONDS=0
	image "$W/meta.raw" --format raw --quiet
	echo "per-node raw image built in $SECONDS s ($(($(stat -c %s "$W/meta.raw") >> 20)) MiB)" >&3
}

setup() {
	load ../bats/helpers/common
	load ../bats/helpers/mirror
	fr_node_suite_setup
	command -v qemu-system-x86_64 >/dev/null || skip "needs qemu-system-x86 (make deps)"
}

image() { # image OUT [options]: the meta node's image
	local out=$1
	shift
	farrow image build --bundle "$IMAGE_BUNDLE" --key "$W/key/farrow-signing.gpg" --inventory "$W/meta.yml" \
		--host 10.10.10.10 --firstboot "${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot" -o "$out" "$@"
}

# qemu_boot NAME DISK [qemu options...]: boot DISK (not written: a qcow2 overlay takes the
# writes), the serial console into $W/NAME.log, until farrow-firstboot's last line shows
# (bounded 420 s); then an ACPI power-off and a bounded wait for qemu to end.
qemu_boot() {
	local name=$1 disk=$2 pid
	shift 2
	rm -f "$W/$name.log" "$W/$name.sock"
	qemu-system-x86_64 -m 2048 -smp 2 -nographic -no-reboot -nic none \
		-drive "file=$disk,format=qcow2,if=virtio" -serial "file:$W/$name.log" \
		-monitor "unix:$W/$name.sock,server,nowait" "$@" </dev/null >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 420); do
		grep -aq "farrow-firstboot: \([0-9]* modules\? converged\|FAILED\)" "$W/$name.log" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"system_powerdown\n")' \
		"$W/$name.sock" 2>/dev/null || true
	for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

# same_disk A B: two builds of one disk hold the same bytes where mke2fs clamps inode times to
# SOURCE_DATE_EPOCH (1.47.1 on); mke2fs 1.47.0 (Debian 12) copies each file's ctime, which nothing
# can set: there the disks may differ only inside the root file system's inode tables, every
# other byte the same (checked block by block against dumpe2fs's inode table ranges). Files named
# after A and B are allowed to differ too (their blocks, from debugfs): a qcow2's image.json says qcow2.
same_disk() {
	local v a=$1 b=$2 allow="" f
	shift 2
	for f in "$@"; do
		allow="$allow $(debugfs -R "blocks $f" "$a?offset=$((69632 * 512))" 2>/dev/null)"
	done
	v=$(mke2fs -V 2>&1 | awk 'NR == 1 {print $2}')
	if [ "$(printf '%s\n' 1.47.1 "$v" | sort -V | head -1)" = 1.47.1 ]; then
		[ $# -gt 0 ] || { run -0 cmp "$a" "$b"; return; }
	fi
	run -0 python3 - "$a" "$b" $((69632 * 512)) "$allow" <<'PY'
import re, subprocess, sys
a, b, off = sys.argv[1], sys.argv[2], int(sys.argv[3])
allowed = {int(x) for x in sys.argv[4].split()}
dump = subprocess.run(["dumpe2fs", f"{a}?offset={off}"], capture_output=True, text=True, check=True).stdout
tables = [(int(x), int(y)) for x, y in re.findall(r"Inode table at (\d+)-(\d+)", dump)]
assert tables, "no inode tables in dumpe2fs's output"
bad = diff = 0
with open(a, "rb") as fa, open(b, "rb") as fb:
    pos = 0
    while True:
        x, y = fa.read(1 << 20), fb.read(1 << 20)
        if not x and not y:
            break
        if x != y:
            for i in range(0, max(len(x), len(y)), 4096):
                if x[i:i + 4096] != y[i:i + 4096]:
                    diff += 1
                    p = pos + i - off
                    blk = p // 4096 if p >= 0 else -1
                    if blk not in allowed and not any(lo <= blk <= hi for lo, hi in tables):
                        bad += 1
                        print(f"byte block at {pos + i} (fs block {blk}) differs outside the inode tables")
        pos += len(x)
print(f"{diff} blocks of 4 KiB differ, {bad} outside the inode tables")
sys.exit(1 if bad else 0)
PY
	echo "$(basename "$b") against $(basename "$a"), mke2fs $v: $output" >&3
}

@test "the same inputs give the same raw bytes; qcow2 is the same disk" {
	run -0 image "$W/meta2.raw" --format raw --quiet
	same_disk "$W/meta.raw" "$W/meta2.raw"
	rm -f "$W/meta2.raw"
	run -0 image "$W/meta.qcow2" --format qcow2 --quiet
	run -0 qemu-img convert -f qcow2 -O raw "$W/meta.qcow2" "$W/meta-q.raw"
	same_disk "$W/meta.raw" "$W/meta-q.raw" /etc/farrow/image.json
	rm -f "$W/meta-q.raw"
	# GPT: BIOS boot, EFI system partition, root; the ESP carries the removable UEFI path
	run -0 sfdisk -d "$W/meta.raw"
	assert_line --regexp 'type=21686148-6449-6E6F-744E-656564454649, .*name="bios"'
	assert_line --regexp 'type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, .*name="esp"'
	assert_line --regexp 'start= *69632, .*type=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709, .*name="root"'
	run -0 env MTOOLS_SKIP_CHECK=1 mdir -i "$W/meta.raw@@$((4096 * 512))" ::EFI/BOOT
	assert_output --partial BOOTX64
	run -0 e2fsck -fn "$W/meta.raw?offset=$((69632 * 512))"
	run -0 debugfs -R "cat /etc/farrow/image.json" "$W/meta.raw?offset=$((69632 * 512))"
	assert_output --partial '"format":"raw"'
	# inspect reads a raw disk's record through debugfs, a qcow2's through a sparse raw copy
	run -0 farrow image inspect "$W/meta.raw"
	assert_line --regexp "^bundle +farrow-image-0\.1\.0\.$FR_TARGET\.x86_64$"
	assert_line --regexp "^profile +host 10\.10\.10\.10, "
	run -0 farrow image inspect "$W/meta.qcow2"
	assert_line --regexp "^image +$W/meta\.qcow2 \(qcow2\)$"
	assert_line --regexp "^profile +host 10\.10\.10\.10, "
}

@test "BIOS (SeaBIOS): GRUB from the bundle boots the node to farrow-firstboot; a larger disk's root is grown" {
	# a 6 GiB disk over the image: systemd-repart grows the root partition, systemd-growfs its ext4
	run -0 qemu-img create -q -f qcow2 -F raw -b "$W/meta.raw" "$W/bios.qcow2" 6G
	SECONDS=0
	qemu_boot bios "$W/bios.qcow2"
	echo "BIOS boot to farrow-firstboot's last line: $SECONDS s (TCG)" >&3
	run -0 grep -ac "GNU GRUB" "$W/bios.log"
	run -0 grep -ac "root=LABEL=farrow-root" "$W/bios.log"
	run -0 grep -a "farrow-firstboot: \([0-9]* modules\? converged\|FAILED\)" "$W/bios.log"
	echo "console: $output" >&3
	run -0 grep -ac "pg-meta-1 login:" "$W/bios.log"
	# after the power-off: the root partition reaches the end of the 6 GiB disk, its file system too
	run -0 qemu-img convert -f qcow2 -O raw "$W/bios.qcow2" "$W/bios.raw"
	run -0 sfdisk -d "$W/bios.raw"
	size=$(sed -n 's/.*start= *69632, size= *\([0-9]*\),.*name="root".*/\1/p' <<<"$output")
	[ "$size" -gt $((5 * 1024 * 1024 * 2)) ]
	run -0 dumpe2fs -h "$W/bios.raw?offset=$((69632 * 512))"
	blocks=$(sed -n 's/^Block count: *//p' <<<"$output")
	[ "$blocks" -gt $((5 * 1024 * 256)) ]
	rm -f "$W/bios.raw"
}

@test "UEFI (OVMF): the removable path boots the same disk to farrow-firstboot" {
	local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -r "$code" ] || skip "needs ovmf (make deps)"
	cp "$vars" "$W/vars.fd"
	run -0 qemu-img create -q -f qcow2 -F raw -b "$W/meta.raw" "$W/uefi.qcow2"
	SECONDS=0
	qemu_boot uefi "$W/uefi.qcow2" -drive "if=pflash,format=raw,readonly=on,file=$code" \
		-drive "if=pflash,format=raw,file=$W/vars.fd"
	echo "UEFI boot to farrow-firstboot's last line: $SECONDS s (TCG)" >&3
	run -0 grep -ac "GNU GRUB" "$W/uefi.log"
	run -0 grep -ac "root=LABEL=farrow-root" "$W/uefi.log"
	run -0 grep -a "farrow-firstboot: \([0-9]* modules\? converged\|FAILED\)" "$W/uefi.log"
}
