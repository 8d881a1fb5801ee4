#!/usr/bin/env bats
# The install medium under an emulator (make test-images; qemu's TCG here, no KVM): farrow iso
# build makes a hybrid ISO from an image-capable bundle; it boots with SeaBIOS (BIOS, as a CD)
# and with OVMF (UEFI) to GRUB's menu on the serial console and on to the live system, which
# checks the medium against its signed list before anything else; a copy with one byte of the
# bundle flipped stops at that check, names the bundle, and writes nothing to the disk beside it.
# Two builds from the same inputs are compared byte for byte.

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
	SECONDS=0
	iso "$W/farrow.iso" --quiet
	echo "ISO built in $SECONDS s ($(($(stat -c %s "$W/farrow.iso") >> 20)) MiB)" >&3
}

setup() {
	load ../bats/helpers/common
	load ../bats/helpers/mirror
	fr_node_suite_setup
	command -v qemu-system-x86_64 >/dev/null || skip "needs qemu-system-x86 (make deps)"
}

iso() { # iso OUT [options]
	local out=$1
	shift
	farrow iso build --bundle "$IMAGE_BUNDLE" --key "$W/key/farrow-signing.gpg" \
		--sign-key "$W/key/farrow-signing.key" \
		--firstboot "${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot" -o "$out" "$@"
}

# iso_boot NAME ISO STEPS... -- [qemu options]: boot ISO as a CD (2 GiB of memory, no network,
# an empty 1 GiB disk $W/NAME.disk beside it), its serial console driven by serial.py through
# STEPS (the log in $W/NAME.log); then a power-off and a bounded wait. $output: serial.py's.
iso_boot() {
	local name=$1 iso=$2 pid steps=() rc
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do steps+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	rm -f "$W/$name.log" "$W/$name.sock" "$W/$name.mon" "$W/$name.disk"
	qemu-img create -q -f qcow2 "$W/$name.disk" 1G
	qemu-system-x86_64 -m 2048 -smp 2 -display none -no-reboot -nic none \
		-drive "file=$iso,format=raw,media=cdrom,readonly=on" -boot d \
		-drive "file=$W/$name.disk,format=qcow2,if=virtio" \
		-serial "unix:$W/$name.sock,server=on,wait=off" \
		-monitor "unix:$W/$name.mon,server,nowait" "$@" </dev/null >"$W/$name.qemu" 2>&1 &
	pid=$!
	rc=0
	run python3 "$FARROW_ROOT/test/images/serial.py" "$W/$name.sock" "$W/$name.log" "${steps[@]}"
	rc=$status
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"quit\n")' \
		"$W/$name.mon" 2>/dev/null || true
	for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	status=$rc
}

# The steps of a boot: GRUB's menu counting down (a key sent while GRUB still draws can be lost),
# its second entry (the serial console's) chosen, the kernel given its command line; then each test's own.
boot_steps=(timeout:120 'expect:automatically in [0-9]+s' send:down sleep:1 'send:\r'
	'expect:Kernel command line:[^\n]*farrow\.mode=rescue console=tty0 console=ttyS0' timeout:600)

@test "the ISO: El Torito BIOS and EFI, the medium's files, its list signed and good (gpgv, sha256sum -c)" {
	run -0 xorriso -indev "$W/farrow.iso" -report_el_torito plain
	assert_output --partial "El Torito boot img :   1  BIOS"
	assert_output --partial "El Torito boot img :   2  UEFI"
	run -0 xorriso -indev "$W/farrow.iso" -pvd_info
	assert_line --regexp "^Volume Id +: FARROW_[0-9A-F]{8}$"
	run -0 xorriso -osirrox on -indev "$W/farrow.iso" -extract / "$W/tree"
	for f in SHA256SUMS SHA256SUMS.sig boot/grub/grub.cfg live/vmlinuz live/initrd.img live/root.squashfs \
		farrow/bundle.gpg farrow/farrow farrow/farrow-firstboot farrow/templates/meta.yml farrow/templates/ha/trio.yml \
		"farrow/bundles/$(basename "$IMAGE_BUNDLE")" \
		"farrow/bundles/$(basename "$IMAGE_BUNDLE").sig"; do
		[ -s "$W/tree/$f" ] || fail "the medium has no $f"
	done
	# the boot images are hidden (xorriso patches El Torito's): the list names what the live system reads
	run -0 grep -c . "$W/tree/SHA256SUMS"
	[ "$output" -eq "$(find "$W/tree" -type f ! -name 'SHA256SUMS*' | wc -l)" ]
	run -0 gpgv --keyring "$W/key/farrow-signing.gpg" "$W/tree/SHA256SUMS.sig" "$W/tree/SHA256SUMS"
	run -0 bash -c "cd '$W/tree' && sha256sum --quiet -c SHA256SUMS"
	run -0 farrow-firstboot medium-check "$W/tree" --key "$W/key/farrow-signing.gpg"
	assert_output --regexp "the medium holds: [0-9]+ files, [0-9]+ MiB, match its signed list"
	# the menu: the rescue shell, and the same with the serial console as the main one
	run -0 grep -c "^menuentry" "$W/tree/boot/grub/grub.cfg"
	assert_output 2
	# the live root's squashfs leaves the unpacked bundle out (the medium carries the bundle)
	run -0 unsquashfs -l "$W/tree/live/root.squashfs" var/lib/farrow/bundles
	refute_output --partial ".deb"
	run -0 unsquashfs -l "$W/tree/live/root.squashfs" etc/initramfs-tools/scripts/farrow \
		etc/systemd/system/farrow-medium-check.service
	assert_output --partial "scripts/farrow"
	assert_output --partial "farrow-medium-check.service"
}

# what differs between two ISOs: their file lists, then the squashfs listings (sizes, owners,
# times) and the files of the live root whose bytes differ, on fd 3
iso_diff() {
	local d
	for d in a b; do
		mkdir -p "$W/diff/$d"
		xorriso -osirrox on -indev "$W/$([ $d = a ] && echo farrow || echo again).iso" \
			-extract /SHA256SUMS "$W/diff/$d/SHA256SUMS" -extract /live/root.squashfs "$W/diff/$d/root.squashfs" \
			>/dev/null 2>&1
		unsquashfs -lln "$W/diff/$d/root.squashfs" >"$W/diff/$d/list" 2>/dev/null
		unsquashfs -q -n -d "$W/diff/$d/root" "$W/diff/$d/root.squashfs" >/dev/null 2>&1
	done
	{
		echo "files of the medium that differ:"
		diff "$W/diff/a/SHA256SUMS" "$W/diff/b/SHA256SUMS"
		echo "the live root's listing:"
		diff "$W/diff/a/list" "$W/diff/b/list" | head -40
		echo "the live root's files whose bytes differ:"
		diff -rq --no-dereference "$W/diff/a/root" "$W/diff/b/root" 2>&1 | head -40
	} >&3
	rm -rf "$W/diff"
}

@test "the same inputs give the same ISO bytes" {
	run -0 iso "$W/again.iso" --quiet
	run cmp "$W/farrow.iso" "$W/again.iso"
	[ "$status" -eq 0 ] || iso_diff
	assert_success
	rm -f "$W/again.iso"
}

@test "BIOS (SeaBIOS, a CD): GRUB's menu on the serial console, the live system checks the medium" {
	SECONDS=0
	iso_boot bios "$W/farrow.iso" "${boot_steps[@]}" 'expect:medium-check: (the medium holds|FAILED)[^\n]*' \
		timeout:120 'expect:farrow rescue shell: the medium is at /run/farrow/medium'
	echo "BIOS: $output" >&3
	echo "BIOS boot to the medium checked: $SECONDS s (TCG)" >&3
	[ "$status" -eq 0 ] || fail "no medium check on the console: $(tail -c 2000 "$W/bios.log")"
	assert_output --partial "the medium holds"
	run -0 grep -ac "GNU GRUB" "$W/bios.log"
}

@test "UEFI (OVMF): the EFI image boots the same ISO to the medium check" {
	local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
	[ -r "$code" ] || skip "needs ovmf (make deps)"
	cp "$vars" "$W/vars.fd"
	SECONDS=0
	iso_boot uefi "$W/farrow.iso" "${boot_steps[@]}" 'expect:medium-check: (the medium holds|FAILED)[^\n]*' -- \
		-drive "if=pflash,format=raw,readonly=on,file=$code" -drive "if=pflash,format=raw,file=$W/vars.fd"
	echo "UEFI: $output" >&3
	echo "UEFI boot to the medium checked: $SECONDS s (TCG)" >&3
	[ "$status" -eq 0 ] || fail "no medium check on the console: $(tail -c 2000 "$W/uefi.log")"
	assert_output --partial "the medium holds"
}

@test "one byte of the bundle flipped: the check stops, names the bundle, and no disk is written" {
	local lba
	cp "$W/farrow.iso" "$W/bad.iso"
	lba=$(xorriso -indev "$W/bad.iso" -find /farrow/bundles -name '*.tar.zst' -exec report_lba 2>/dev/null |
		awk -F, '/File data lba/ {gsub(/ /, "", $2); print $2; exit}')
	[ -n "$lba" ] || fail "no LBA for the bundle in xorriso's report"
	printf '\x55' | dd of="$W/bad.iso" bs=1 seek=$((lba * 2048 + 4096)) conv=notrunc status=none
	run -1 cmp -s "$W/farrow.iso" "$W/bad.iso"
	iso_boot bad "$W/bad.iso" "${boot_steps[@]}" 'expect:FAILED ITS CHECK' \
		"expect:changed farrow/bundles/$(basename "$IMAGE_BUNDLE")" 'expect:Nothing was written to any disk' \
		'expect:medium-check: FAILED: 1 difference' 'refute:30:login:|rescue shell:'
	echo "flipped: $output" >&3
	[ "$status" -eq 0 ] || fail "the check did not stop: $(tail -c 2000 "$W/bad.log")"
	# no login, no installer: the disk beside the medium is as qemu-img made it (nothing allocated)
	run -0 qemu-img map --output=json "$W/bad.disk"
	refute_output --partial '"data": true'
	rm -f "$W/bad.iso"
}
