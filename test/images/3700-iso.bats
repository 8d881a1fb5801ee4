#!/usr/bin/env bats
# The install medium under an emulator (make test-images; qemu's TCG here, no KVM): farrow iso
# build makes a hybrid ISO from an image-capable bundle; it boots with SeaBIOS (BIOS, as a CD)
# and with OVMF (UEFI) to GRUB's menu on the serial console and on to the live system, which
# checks the medium against its signed list before anything else; a copy with one byte of the
# bundle flipped stops at that check, names the bundle, and writes nothing to the disk beside it.
# Two builds from the same inputs are compared byte for byte. A second ISO carries an answer file
# for the meta node: its installer writes the node onto a disk (first on this host, from the ISO's
# own tree and squashed root onto a sparse file; then under qemu, unattended, onto an empty
# virtual disk), and the machine reboots into a node that farrow-firstboot converges: psql from
# this host reaches PostgreSQL through 5432 and 5433 (qemu's user network: host and guest only).

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
	# the meta node's ISO: an inventory, its answer file (qemu's user network is 10.10.10.0/24 with
	# qemu at .2; the disk picked by the serial qemu gives it)
	mkdir -p "$W/inv"
	farrow configure -n -c meta -i 10.10.10.10 -o "$W/inv/inventory.yml" >/dev/null
	cat >"$W/inv/answer.yml" <<EOF
farrow_answer: 1
host: 10.10.10.10
disk: { serial: FARROWDISK1, min_size: 4G }
network: { address: 10.10.10.10/24, gateway: 10.10.10.2 }
root: { password_hash: '$(openssl passwd -6 -salt farrowtest farrow-test)' }
erase: true
reboot: true
on_error: shell
EOF
	iso "$W/answer.iso" --answer "$W/inv/answer.yml" --inventory "$W/inv/inventory.yml" --quiet
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
# its fourth entry (the rescue shell with the serial console; before it the wizard, then each with
# the serial console) chosen, the kernel given its command line; then each test's own.
boot_steps=(timeout:120 'expect:automatically in [0-9]+s' send:down sleep:1 send:down sleep:1 send:down sleep:1 'send:\r'
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
	# the menu: the wizard, the rescue shell, and each with the serial console as the main one; an
	# unattended entry first, each way, only when GRUB finds a FARROW-ANSWER volume
	run -0 grep -c "^menuentry" "$W/tree/boot/grub/grub.cfg"
	assert_output 6
	run -0 grep -c "^if search --no-floppy --label FARROW-ANSWER --set=farrow_answer; then$" "$W/tree/boot/grub/grub.cfg"
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
		timeout:120 'expect:Write the logs to a USB stick' sleep:2 send:s sleep:1 'send:\r' \
		'expect:farrow rescue shell: the medium is at /run/farrow/medium'
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
		'expect:medium-check: FAILED: 1 difference' 'refute:30:login:|rescue shell:|Write the logs'
	echo "flipped: $output" >&3
	[ "$status" -eq 0 ] || fail "the check did not stop: $(tail -c 2000 "$W/bad.log")"
	# no login, no installer: the disk beside the medium is as qemu-img made it (nothing allocated)
	run -0 qemu-img map --output=json "$W/bad.disk"
	refute_output --partial '"data": true'
	rm -f "$W/bad.iso"
}

@test "the installer writes the node from the ISO's own tree and squashed root onto a disk (on this host)" {
	local off step
	mkdir -p "$W/h/lower" "$W/h/sys/block/vda" "$W/h/dev"
	run -0 xorriso -osirrox on -indev "$W/answer.iso" -extract / "$W/h/tree"
	chmod -R u+w "$W/h/tree"
	# the boot menu: install unattended first, the default; its serial-console twin
	run -0 grep -m1 "^menuentry" "$W/h/tree/boot/grub/grub.cfg"
	assert_output --partial "install unattended"
	run -0 grep -c "farrow.mode=unattended" "$W/h/tree/boot/grub/grub.cfg"
	assert_output 2
	run -0 grep -c "^menuentry" "$W/h/tree/boot/grub/grub.cfg"
	assert_output 6
	run -0 mount -t squashfs -o ro,loop "$W/h/tree/live/root.squashfs" "$W/h/lower"
	truncate -s 6G "$W/h/dev/vda"
	echo $((6 << 21)) >"$W/h/sys/block/vda/size"
	echo 0 >"$W/h/sys/block/vda/ro"
	echo FARROWDISK1 >"$W/h/sys/block/vda/serial"
	run farrow-firstboot install --medium "$W/h/tree" --lower "$W/h/lower" \
		--key "$W/h/lower/var/lib/farrow/keys/bundle.gpg" --sysfs "$W/h/sys" --dev "$W/h/dev" --work "$W/h/work" \
		--log "$W/h/install.log" --no-act
	umount "$W/h/lower"
	echo "host-side install: ${lines[${#lines[@]} - 1]}" >&3
	assert_success
	for step in answer disk bundle root write done; do
		assert_line --regexp "^\{\"farrow_install\":1,\"step\":\"$step\",.*\"status\":\"done\""
	done
	# the disk: farrow's layout; the node's root with its profile, bundle, network, root's hash, the log
	off=$(sfdisk --json "$W/h/dev/vda" | python3 -c 'import json,sys; p=json.load(sys.stdin)["partitiontable"]["partitions"]; print(p[2]["start"] * 512 if len(p) == 3 and p[2].get("name") == "root" else "")')
	[ -n "$off" ] || fail "not farrow's layout: $(sfdisk -d "$W/h/dev/vda")"
	dbg() { debugfs -R "$1" "$W/h/dev/vda?offset=$off" 2>/dev/null; }
	run -0 dbg "cat /etc/farrow/profile.yml"
	assert_output --partial "host: 10.10.10.10"
	run -0 dbg "stat /etc/farrow/profile.yml"
	assert_output --regexp "Mode: +0600"
	run -0 dbg "ls -l /var/lib/farrow/incoming"
	assert_output --partial "$(basename "$IMAGE_BUNDLE").sig"
	run -0 dbg "cat /etc/systemd/network/50-farrow.network"
	assert_output --partial "Address=10.10.10.10/24"
	run -0 dbg "cat /etc/shadow"
	assert_output --partial 'root:$6$farrowtest$'
	run -0 dbg "cat /var/log/farrow/install/install.log"
	assert_output --partial "4/6 root"
	# the live system's own units are not the node's
	run -0 dbg "ls /etc/systemd/system"
	refute_output --partial "farrow-medium-check"
	refute_output --partial "farrow-install"
	assert_output --partial "farrow-firstboot.service"
	# the whole root came from the squashed one (PostgreSQL's binaries preinstalled)
	run -0 dbg "ls /usr/lib/postgresql"
	assert_output --regexp "[0-9]+"
	rm -rf "$W/h"
}

# psql_meta PORT SQL: as the business user, through qemu's port forward on this host
psql_meta() {
	PGPASSWORD=DBUser.Meta psql "host=127.0.0.1 port=$1 user=dbuser_meta dbname=meta connect_timeout=5" -XAtc "$2"
}

@test "unattended under qemu (SeaBIOS): the answer ISO installs meta onto an empty disk, reboots into it, psql through 5432 and 5433" {
	local pid rc p1 p2 out5432 out5433 st5432 st5433
	p1=$((20000 + RANDOM % 20000))
	p2=$((p1 + 1))
	rm -f "$W/un.log" "$W/un.sock" "$W/un.mon" "$W/un.disk"
	qemu-img create -q -f qcow2 "$W/un.disk" 8G
	SECONDS=0
	# the CD once: the reboot after the install boots the disk. The guest's network is qemu's
	# user network, reachable from this host only through the two forwarded ports.
	qemu-system-x86_64 -m 3072 -smp 2 -display none \
		-drive "file=$W/answer.iso,format=raw,media=cdrom,readonly=on" -boot once=d \
		-drive "file=$W/un.disk,format=qcow2,if=none,id=d0" -device virtio-blk-pci,drive=d0,serial=FARROWDISK1 \
		-nic "user,model=virtio-net-pci,net=10.10.10.0/24,host=10.10.10.2,restrict=on,hostfwd=tcp:127.0.0.1:$p1-10.10.10.10:5432,hostfwd=tcp:127.0.0.1:$p2-10.10.10.10:5433" \
		-serial "unix:$W/un.sock,server=on,wait=off" -monitor "unix:$W/un.mon,server,nowait" </dev/null >"$W/un.qemu" 2>&1 &
	pid=$!
	run python3 "$FARROW_ROOT/test/images/serial.py" "$W/un.sock" "$W/un.log" timeout:300 \
		'expect:medium-check: the medium holds' timeout:1800 \
		'expect:"step":"done","n":6,"of":6,"status":"done"' timeout:600 'expect:farrow node' \
		'expect:Kernel command line:[^\n]*root=LABEL=farrow-root'
	rc=$status
	echo "unattended: $output" >&3
	echo "unattended: boot, install, reboot into the node's kernel: $SECONDS s (TCG)" >&3
	if [ "$rc" -eq 0 ]; then
		for _ in $(seq 900); do
			psql_meta "$p2" "select 1" >/dev/null 2>&1 && break
			sleep 1
		done
		echo "unattended: from power-on to psql through 5433: $SECONDS s (TCG)" >&3
	fi
	run psql_meta "$p2" "select current_user"
	st5433=$status out5433=$output
	run psql_meta "$p1" "select pg_is_in_recovery()"
	st5432=$status out5432=$output
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"quit\n")' \
		"$W/un.mon" 2>/dev/null || true
	for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$rc" -eq 0 ] || fail "no install and reboot: $(grep -a farrow_install "$W/un.log" | tail -4; tail -c 3000 "$W/un.log")"
	[ "$st5433" -eq 0 ] || fail "no psql through 5433 ($out5433): $(tail -c 3000 "$W/un.log")"
	assert_equal "$out5433" dbuser_meta
	[ "$st5432" -eq 0 ] || fail "no psql through 5432: $out5432"
	assert_equal "$out5432" f
}

# the guest's serial console as a tmux pane (serial-tty.py): wiz_wait TEXT SECONDS, wiz_keys KEYS...
wiz_screen() { tmux -L "frwiz-$$" capture-pane -p -t g; }
wiz_keys() { tmux -L "frwiz-$$" send-keys -t g "$@"; }
wiz_wait() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		wiz_screen | grep -qF -- "$1" && return 0
		sleep 0.5
	done
	echo "--- the guest's screen, waiting for '$1':" >&2
	wiz_screen >&2
	return 1
}

# wiz_drive: from power-on, GRUB's third entry (the wizard, serial console), through the
# inventory's screens with their defaults, the disk step, this machine, the confirmation (yes),
# to the installed screen; each screen saved beside the log; non-zero at the first that does not come
wiz_drive() {
	wiz_wait "automatically in" 120 || return 1
	wiz_keys Down
	sleep 1
	wiz_keys Down
	sleep 1
	wiz_keys Enter
	wiz_wait "1/10 Welcome" 400 || return 1
	echo "$SECONDS" >"$W/wiz.first"
	wiz_keys Enter
	wiz_wait "2/10 Template" 30 || return 1
	wiz_keys Enter
	wiz_wait "3/10 Network" 30 || return 1
	wiz_keys C-u 10.10.10.10 Enter
	wiz_wait "4/10 PostgreSQL" 30 || return 1
	wiz_keys Enter
	wiz_wait "5/10 Credentials" 30 || return 1
	wiz_keys Enter
	wiz_wait "6/10 Review" 60 || return 1
	wiz_keys Enter
	wiz_wait "7/10 Write" 30 || return 1
	wiz_keys Enter
	wiz_wait "written farrow.yml" 30 || return 1
	wiz_keys Enter
	wiz_wait "8/10 Disk" 60 || return 1
	wiz_wait "serial FARROWDISK1" 5 || return 1
	wiz_screen >"$W/wiz.disk-step"
	wiz_keys Enter
	wiz_wait "9/10 Machine" 30 || return 1
	wiz_keys Tab 10.10.10.1 Tab farrow-wizard-1 Tab farrow-wizard-1 Enter
	wiz_wait "10/10 Erase and install" 30 || return 1
	wiz_screen >"$W/wiz.erase-step"
	wiz_keys Down Enter
	wiz_wait "Installed: vda is 10.10.10.10" 900 || return 1
	wiz_screen >"$W/wiz.end"
}

@test "the wizard over the serial console (tmux): the inventory, the disk step, its confirmation, and the node written" {
	local pid rc off
	rm -f "$W/wiz.sock" "$W/wiz.mon" "$W/wiz.disk" "$W/wiz.log" "$W/wiz.first"
	qemu-img create -q -f qcow2 "$W/wiz.disk" 8G
	qemu-system-x86_64 -m 3072 -smp 2 -display none -no-reboot -nic none \
		-drive "file=$W/farrow.iso,format=raw,media=cdrom,readonly=on" -boot d \
		-drive "file=$W/wiz.disk,format=qcow2,if=none,id=d0" -device virtio-blk-pci,drive=d0,serial=FARROWDISK1 \
		-serial "unix:$W/wiz.sock,server=on,wait=off" -monitor "unix:$W/wiz.mon,server,nowait" </dev/null >"$W/wiz.qemu" 2>&1 &
	pid=$!
	tmux -L "frwiz-$$" -f /dev/null new-session -d -s g -x 80 -y 24 \
		"python3 '$FARROW_ROOT/test/images/serial-tty.py' '$W/wiz.sock' '$W/wiz.log'; sleep 3600"
	SECONDS=0
	run wiz_drive
	rc=$status
	echo "wizard: power-on to its first screen $(cat "$W/wiz.first" 2>/dev/null || echo '?') s, to installed $SECONDS s (TCG)" >&3
	tmux -L "frwiz-$$" kill-server 2>/dev/null || true
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"quit\n")' \
		"$W/wiz.mon" 2>/dev/null || true
	for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[ "$rc" -eq 0 ] || fail "the wizard did not install: $output; $(tail -c 2000 "$W/wiz.log")"
	run -0 cat "$W/wiz.disk-step"
	assert_output --regexp "vda +8\.0 GiB +.*serial FARROWDISK1"
	assert_output --partial "now: no partition table, 0 partitions"
	run -0 cat "$W/wiz.erase-step"
	assert_output --partial "This will erase vda: (no model), 8.0 GiB, serial FARROWDISK1."
	assert_output --partial "> No, go back"
	# the disk: farrow's layout, the node's profile and the installer's log on it
	qemu-img convert -O raw "$W/wiz.disk" "$W/wiz.raw"
	off=$(sfdisk --json "$W/wiz.raw" | python3 -c 'import json,sys; p=json.load(sys.stdin)["partitiontable"]["partitions"]; print(p[2]["start"] * 512 if len(p) == 3 and p[2].get("name") == "root" else "")')
	[ -n "$off" ] || fail "not farrow's layout: $(sfdisk -d "$W/wiz.raw")"
	run -0 debugfs -R "cat /etc/farrow/profile.yml" "$W/wiz.raw?offset=$off"
	assert_output --partial "host: 10.10.10.10"
	run -0 debugfs -R "cat /var/log/farrow/install/install.log" "$W/wiz.raw?offset=$off"
	assert_output --partial "2/6 disk     done"
	rm -f "$W/wiz.raw"
}
