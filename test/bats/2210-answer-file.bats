#!/usr/bin/env bats
# farrow answer check | match: farrow's own answer file for unattended installs from the install
# medium (the parser the live system's installer runs, lib/answerfile.c). check: each bad field
# at file:line:column, the host in the inventory beside it; match: this machine's own disks from
# /sys, and a selector that picks none or several is refused (t-answerfile covers the sysfs shapes
# of SATA, virtio and NVMe disks).

setup_file() {
	load helpers/common
	export W=$BATS_FILE_TMPDIR
	farrow configure -n -c meta -i 10.10.10.10 -g -o "$W/inventory.yml" >/dev/null
	KEY='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@farrow'
	HASH='$6$0123456789abcdef$MhK0u1o5m0b3hT0KkFZqOQ4d8h0yq2b0qF1e3a9Q0o0Z4C1o7M6Ue6Xb8m7h0j5d4r3s2t1u0v9w8x7y6z5A.'
	export KEY HASH
}

setup() {
	load helpers/common
	cd "$W" || return 1
}

answer() { # answer FILE [disk selector]: a good answer file for 10.10.10.10
	cat >"$1" <<EOF
farrow_answer: 1
host: 10.10.10.10
disk: ${2:-{ name: vda \}}
network: { address: 10.10.10.10/24, gateway: 10.10.10.1 }
root:
  password_hash: '$HASH'
  ssh_keys: [ '$KEY' ]
erase: true
on_error: poweroff
EOF
}

@test "answer check: a good file and its host in the inventory beside it" {
	answer good.yml
	run -0 farrow answer check good.yml
	assert_output "good.yml: good (host 10.10.10.10, 10.10.10.10/24, erase, then reboot)"
	# the host must be the inventory's; the inventory must be there
	sed -i 's/^host: .*/host: 10.10.10.11/' good.yml
	run -3 farrow answer check good.yml
	assert_output --partial "host 10.10.10.11 is not a host of ./inventory.yml"
	mkdir -p other
	answer other/a.yml
	run -1 farrow answer check other/a.yml
	assert_output --partial "the answer file's inventory"
	run -0 farrow answer check other/a.yml --inventory inventory.yml
}

@test "answer check: every bad field at file:line:column, exit 3, nothing else said good" {
	cat >bad.yml <<'EOF'
farrow_answer: 1
host: 10.10.10.10
disk: { serail: X, min_size: 20Q }
network: { address: 10.10.10.10, dhcp: true }
root:
  password_hash: hunter2
  ssh_keys: [ '-----BEGIN OPENSSH PRIVATE KEY-----' ]
erase: no
reboot: maybe
on_error: explode
inventory: /etc/farrow/inventory.yml
EOF
	run -3 farrow answer check bad.yml
	assert_line "bad.yml:3:9: answer file: disk.serail: unknown key (did you mean 'serial'?)"
	assert_line "bad.yml:3:30: answer file: disk.min_size: a size (as 20G, 512M, 2T or bytes), not '20Q'"
	assert_line --partial "bad.yml:4:21: answer file: network.address: '10.10.10.10' is not an IPv4 address with its prefix"
	assert_line "bad.yml:4:40: answer file: network: dhcp: true takes no address or gateway"
	assert_line --partial "bad.yml:6:18: answer file: root.password_hash: not a crypt(3) SHA-512 or yescrypt hash"
	assert_line "bad.yml:7:15: answer file: root.ssh_keys[0] is a private key: give the public one (.pub)"
	assert_line "bad.yml:8:8: answer file: erase: true is required: an unattended install erases the disk it picks, and says so here"
	assert_line "bad.yml:9:9: answer file: reboot: true or false, not 'maybe'"
	assert_line "bad.yml:10:11: answer file: on_error: shell, reboot or poweroff, not 'explode'"
	assert_line --partial "bad.yml:11:12: answer file: inventory: '/etc/farrow/inventory.yml' is absolute"
	refute_output --partial "good"
	# not YAML at all: the parser's line and column
	printf 'farrow_answer: 1\nhost: [10.10.10.10\n' >broken.yml
	run -3 farrow answer check broken.yml
	assert_output --regexp "^farrow: broken\.yml:[0-9]+:[0-9]+: "
	run -1 farrow answer check missing.yml
	run -2 farrow answer check
	run -2 farrow answer frobnicate good.yml
}

@test "answer match: this machine's disks from /sys; exactly one picked, none or several refused" {
	local name
	answer any.yml '{ min_size: 1M }'
	run farrow answer match any.yml --json
	name=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1])["disks"]; print(d[0]["name"] if d else "")' "${lines[${#lines[@]} - 1]}")
	[ -n "$name" ] || skip "this machine shows no disk in /sys/block"
	# by name: that disk, and the table says it is the one erased; then what is on it (a container
	# may not open /dev/<disk>: then the disk is refused, as the installer refuses a disk it cannot read)
	answer one.yml "{ name: $name }"
	run farrow answer match one.yml
	assert_line --regexp "^$name .*<= picked: the install erases it$"
	[ "$status" -eq 0 ] || assert_output --partial "cannot survey /dev/$name"
	run farrow answer match one.yml --json
	assert_output --partial "\"picked\":\"$name\""
	# a serial no disk has: refused, nothing picked
	answer none.yml '{ serial: no-such-serial-anywhere }'
	run -1 farrow answer match none.yml
	assert_output --partial "matches none of this machine's"
	refute_output --partial "picked"
	# several: a sysfs tree with two disks of one size (the installer refuses it the same way)
	for d in vda vdb; do
		mkdir -p "sys/block/$d"
		echo 41943040 >"sys/block/$d/size"
		echo 0 >"sys/block/$d/ro"
	done
	answer two.yml '{ max_size: 20G }'
	run -1 farrow answer match two.yml --sysfs sys
	assert_output --partial "matches 2 disks (vda, vdb): nothing is written; add disk.serial or disk.wwn to pick one"
}

@test "iso build checks its --answer with the same parser, before anything is built" {
	answer good.yml
	sed -i 's/^on_error: .*/on_error: explode/' good.yml
	run -3 farrow iso build --bundle none.tar.zst --key k.gpg --sign-key k.key --answer good.yml \
		--inventory inventory.yml -o out.iso
	assert_line "good.yml:9:11: answer file: on_error: shell, reboot or poweroff, not 'explode'"
	assert_line "farrow: iso build: good.yml does not hold: no ISO was built"
	[ ! -e out.iso ] || fail "an ISO was written"
	run -2 farrow iso build --bundle none.tar.zst --key k.gpg --sign-key k.key --answer good.yml -o out.iso
	assert_output --partial "--answer needs --inventory"
}

# disk_image FILE ROOTDIR: a 64 MiB GPT disk image, an ESP-sized first partition and an ext4 second
# one filled from ROOTDIR (mke2fs -d, nothing mounted), as an installed node's disk would be
disk_image() {
	truncate -s 64M "$1"
	printf 'label: gpt\nstart=2048, size=8192, name="esp"\nstart=10240, name="root"\n' | sfdisk -q "$1"
	mke2fs -q -F -t ext4 -d "$2" -E offset=$((10240 * 512)) "$1" 50000
}

@test "answer match: a disk that holds a PGDATA or an etcd member is refused unless erase_data: true" {
	mkdir -p node/data/postgres/pg-meta-15/data node/var/lib/etcd/member/snap dev sys/block/vda
	echo 15 >node/data/postgres/pg-meta-15/data/PG_VERSION
	disk_image dev/vda node
	echo 131072 >sys/block/vda/size
	echo 0 >sys/block/vda/ro
	answer keep.yml '{ name: vda }'
	run -1 farrow answer match keep.yml --sysfs sys --dev dev
	assert_line --regexp '^vda now: gpt: 1 esp \(4 MiB\), 2 root ext4 \([0-9]+ MiB\)$'
	assert_line "  holds PGDATA /data/postgres/pg-meta-15/data (PostgreSQL 15)"
	assert_line "  holds etcd /var/lib/etcd/member (an etcd member's data)"
	assert_output --partial "vda holds PGDATA /data/postgres/pg-meta-15/data (PostgreSQL 15) and more: nothing is written; set erase_data: true"
	echo 'erase_data: true' >>keep.yml
	run -0 farrow answer match keep.yml --sysfs sys --dev dev --json
	assert_output --partial '"picked":"vda"'
	assert_output --partial '{"kind":"PGDATA","partition":2,"path":"/data/postgres/pg-meta-15/data","detail":"PostgreSQL 15"}'
	# an empty disk: nothing on it, picked
	truncate -s 64M dev/empty
	rm dev/vda
	mv dev/empty dev/vda
	answer clean.yml '{ name: vda }'
	run -0 farrow answer match clean.yml --sysfs sys --dev dev
	assert_line "vda now: no partition table"
	refute_output --partial holds
}

# medium DIR SELECTOR: the farrow/ of an install medium as iso build --answer writes it (answer
# file, inventory, its host's profile); no bundle
medium() {
	mkdir -p "$1/farrow"
	answer "$1/farrow/answer.yml" "$2"
	cp inventory.yml "$1/farrow/inventory.yml"
	farrow profile inventory.yml --host 10.10.10.10 --bundle-dir /var/lib/farrow/bundles/farrow-image-0.1.0.d12.x86_64 \
		-o "$1/farrow/profile.yml" >/dev/null
}

@test "the live installer (farrow-firstboot install) refuses as answer match does, a line of JSON per step, before anything is written" {
	local before
	mkdir -p node/data/postgres/pg-meta-15/data dev sys/block/vda
	echo 15 >node/data/postgres/pg-meta-15/data/PG_VERSION
	disk_image dev/vda node
	echo 131072 >sys/block/vda/size
	echo 0 >sys/block/vda/ro
	before=$(sha256sum <dev/vda)
	medium m '{ name: vda }'
	run -1 farrow-firstboot install --medium m --lower /nonexistent --sysfs sys --dev dev --work work --log inst.log --no-act
	assert_line --regexp '^\{"farrow_install":1,"step":"answer","n":1,"of":6,"status":"done",.*"detail":"host 10.10.10.10; 10.10.10.10/24; then reboot"\}$'
	assert_line --regexp '^\{"farrow_install":1,"step":"disk","n":2,"of":6,"status":"failed",.*vda holds PGDATA /data/postgres/pg-meta-15/data \(PostgreSQL 15\).*set erase_data: true'
	assert_output --partial "FAILED at step disk (2/6); nothing more is written"
	run -0 grep -c 'disk     failed' inst.log
	# a selector that picks nothing: refused at the same step
	answer m/farrow/answer.yml '{ serial: no-such-serial }'
	run -1 farrow-firstboot install --medium m --lower /nonexistent --sysfs sys --dev dev --work work --log inst.log --no-act
	assert_line --regexp '"step":"disk".*"status":"failed".*matches none'
	# erase_data said: the disk may go, but the bundle is not on the medium: refused before the disk is touched
	answer m/farrow/answer.yml '{ name: vda }'
	echo 'erase_data: true' >>m/farrow/answer.yml
	run -1 farrow-firstboot install --medium m --lower /nonexistent --sysfs sys --dev dev --work work --log inst.log --no-act
	assert_line --regexp '"step":"disk".*"status":"done".*/vda: 64 MiB'
	assert_line --regexp '"step":"bundle".*"status":"failed"'
	# a profile for another host: refused at the first step
	farrow configure -n -c meta -i 10.10.10.11 -g -o other.yml >/dev/null
	farrow profile other.yml --host 10.10.10.11 -o m/farrow/profile.yml >/dev/null
	run -1 farrow-firstboot install --medium m --lower /nonexistent --sysfs sys --dev dev --work work --log inst.log --no-act
	assert_line --regexp '"step":"answer".*"status":"failed".*the medium.s profile is for 10.10.10.11, the answer file.s host is 10.10.10.10'
	assert_equal "$(sha256sum <dev/vda)" "$before"
	[ ! -e work/root ] || fail "the installer made a root before it had its disk and bundle"
}

@test "answers from beside the medium: a FARROW-ANSWER volume (farrow answer volume), or an HTTPS directory pinned by its certificate" {
	local port srv fp ofp
	rm -rf dev sys m work # the files' other tests left: an empty disk here
	mkdir -p dev sys/block/vda m/farrow
	truncate -s 64M dev/vda
	echo 131072 >sys/block/vda/size
	echo 0 >sys/block/vda/ro
	answer a.yml '{ name: vda }'
	# the volume: the checked answer file, the inventory, the host's profile for the bundle named
	run -0 farrow answer volume a.yml --inventory inventory.yml --bundle dist/farrow-image-0.1.0.d12.x86_64.tar.zst -o vol.img
	assert_output --partial "labelled FARROW-ANSWER for host 10.10.10.10"
	[ "$(stat -c %a vol.img)" = 600 ]
	run -0 blkid -o value -s LABEL vol.img
	assert_output FARROW-ANSWER
	run -1 farrow answer volume a.yml --inventory inventory.yml --bundle b.tar.zst -o vol.img
	assert_output --partial "exists"
	sed 's/^on_error: .*/on_error: explode/' a.yml >bad.yml
	run -3 farrow answer volume bad.yml --inventory inventory.yml --bundle b.tar.zst -o bad.img
	[ ! -e bad.img ] || fail "a volume was written for a bad answer file"
	# the installer takes its answers from it (the medium has none), picks the disk, then wants the bundle
	run -1 farrow-firstboot install --device "$PWD/vol.img" --medium m --sysfs sys --dev dev --work work --log inst.log --no-act
	assert_line --regexp '"step":"answer".*"status":"progress".*the answers are from .*/vol.img'
	assert_line --regexp '"step":"answer".*"status":"done".*host 10.10.10.10'
	assert_line --regexp '"step":"disk".*"status":"done".*/vda'
	assert_line --regexp '"step":"bundle".*"status":"failed"'
	[ "$(stat -c %a work/answer)" = 700 ]
	# over HTTPS: a directory with the same three files, the server known by its certificate alone
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=answer \
		-keyout srv.key -out srv.crt 2>/dev/null
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=other \
		-keyout other.key -out other.crt 2>/dev/null
	fp=$(openssl x509 -in srv.crt -noout -fingerprint -sha256 | cut -d= -f2)
	ofp=$(openssl x509 -in other.crt -noout -fingerprint -sha256 | cut -d= -f2)
	mkdir -p www/node1
	cp work/answer/answer.yml work/answer/inventory.yml work/answer/profile.yml www/node1/
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 - "$port" <<'PY' 3>&- &
import functools, http.server, ssl, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory="www")
s = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain("srv.crt", "srv.key")
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
	srv=$!
	for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break; sleep 0.1; done
	rm -rf work
	run -1 farrow-firstboot install --device "https://127.0.0.1:$port/node1/" --sha256 "$ofp" --medium m --sysfs sys \
		--dev dev --work work --log inst.log --no-act
	assert_line --regexp '"step":"answer".*"status":"failed".*refused'
	run -1 farrow-firstboot install --device "http://127.0.0.1:$port/node1/" --medium m --sysfs sys --dev dev --work work \
		--log inst.log --no-act
	assert_output --partial "plain HTTP is refused"
	run -1 farrow-firstboot install --device "https://127.0.0.1:$port/node1" --sha256 "$fp" --medium m --sysfs sys \
		--dev dev --work work --log inst.log --no-act
	kill "$srv"
	assert_line --regexp '"step":"answer".*"status":"progress".*the answers are from https://127.0.0.1:[0-9]+/node1'
	assert_line --regexp '"step":"disk".*"status":"done".*/vda'
	assert_line --regexp '"step":"bundle".*"status":"failed"'
	run -0 cmp work/answer/profile.yml www/node1/profile.yml
}

@test "export-logs: the installer's log and the boot's onto a USB stick's FAT file system, found or given; never formatted" {
	local before
	rm -rf dev sys
	echo "[   0 s] 1/6 answer   failed a test's log" >inst.log
	# a stick: a partition table, a FAT partition (the usual shape), removable, beside a fixed disk
	mkdir -p sys/block/sdb sys/block/vda dev
	truncate -s 64M dev/sdb dev/vda
	printf 'label: dos\nstart=2048, type=c\n' | sfdisk -q dev/sdb
	mkfs.vfat -n STICK --offset 2048 dev/sdb $(((64 * 1024 - 1024))) >/dev/null
	for d in sdb vda; do
		echo 131072 >"sys/block/$d/size"
		echo 0 >"sys/block/$d/ro"
	done
	echo 1 >sys/block/sdb/removable
	echo 0 >sys/block/vda/removable
	before=$(sha256sum <dev/vda)
	run -0 farrow-firstboot export-logs --sysfs sys --dev dev --log inst.log
	assert_output --regexp "export-logs: farrow-logs-[0-9]{8}T[0-9]{6}Z/install.log \([0-9]+ bytes\)"
	assert_output --partial "written to dev/sdb (its FAT file system at byte 1048576)"
	run -0 mtype -i dev/sdb@@1M "::$(mdir -b -i dev/sdb@@1M :: | sed -n 's|^::/||p' | head -1)/install.log"
	assert_output --partial "a test's log"
	assert_equal "$(sha256sum <dev/vda)" "$before"
	# no FAT file system on what is given: refused, nothing written, nothing formatted
	run -1 farrow-firstboot export-logs --device dev/vda --log inst.log
	assert_output --partial "has no FAT file system (nothing is formatted"
	assert_equal "$(sha256sum <dev/vda)" "$before"
	# no removable disk: said so
	echo 0 >sys/block/sdb/removable
	run -1 farrow-firstboot export-logs --sysfs sys --dev dev --log inst.log
	assert_output --partial "no removable disk besides the medium"
}
