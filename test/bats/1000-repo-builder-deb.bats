#!/usr/bin/env bats
# repo-builder against a loopback Debian mirror of real .debs, signed with a throwaway key;
# the bundle checked by stock apt (signatures and dates on) and gpgv.

setup_file() {
	load helpers/common
	load helpers/mirror
	export DEBS MIRROR PORT KEYDIR
	DEBS=$(fr_debs)
	MIRROR=$BATS_FILE_TMPDIR/mirror
	fr_make_mirror "$MIRROR" "$DEBS"
	PORT=$(fr_serve "$MIRROR")
	# a fixed base (the mirror's required packages), not whatever this host has installed
	fr_base_status "$MIRROR" "$BATS_FILE_TMPDIR/base.status"
	KEYDIR=$BATS_FILE_TMPDIR/key
	repo-builder keygen --out "$KEYDIR" >/dev/null
	# one build shared by the tests that only read it
	fr_manifest "$BATS_FILE_TMPDIR/m.yml" "$PORT" "$MIRROR.key" "pgbouncer, haproxy"
	repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" \
		--out "$BATS_FILE_TMPDIR/out" --cache "$BATS_FILE_TMPDIR/cache" --quiet >/dev/null
	export BUNDLE=$BATS_FILE_TMPDIR/out/farrow-test-0.1.0.d12.x86_64.tar.zst
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_stop_servers
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_isolate
}

@test "build: a bundle and its signature; gpgv and verify accept them" {
	[ -f "$BUNDLE" ]
	[ -f "$BUNDLE.sig" ]
	run -0 gpgv --keyring "$KEYDIR/farrow-signing.gpg" "$BUNDLE.sig" "$BUNDLE"
	run -0 repo-builder verify "$BUNDLE" --key "$KEYDIR/farrow-signing.gpg"
	assert_output --regexp "signature good, [0-9]+ files verified"
	run -0 repo-builder inspect "$BUNDLE"
	assert_line --regexp "^pgbouncer +1\.[0-9.]+-[^ ]+ +amd64 +mirror"
	assert_line --regexp "^haproxy +2\.[0-9.]+-[^ ]+ +amd64 +mirror"
	# nothing the base already has is bundled
	awk -v RS= '/Status: install ok installed/' "$BATS_FILE_TMPDIR/base.status" | sed -n 's/^Package: //p' |
		sort >installed
	[ -s installed ]
	repo-builder inspect "$BUNDLE" | awk '$4 == "mirror" {print $1}' | sort >bundled
	run -0 comm -12 installed bundled
	assert_output ""
}

@test "stock apt takes the bundle's repo with only its key: no trusted=yes, dates checked" {
	mkdir u
	tar -C u -xf "$BUNDLE"
	r=$PWD/u/farrow-test-0.1.0.d12.x86_64
	opts=$(fr_apt_opts "$PWD/apt")
	echo "deb [signed-by=$r/keys/farrow-signing.gpg] file:$r/repo farrow main" >"$PWD/apt/etc/sources.list"
	# shellcheck disable=SC2086
	run -0 apt-get $opts update
	refute_output --partial "W:"
	refute_output --partial "not signed"
	# shellcheck disable=SC2086
	run -0 apt-get $opts install --download-only -y pgbouncer haproxy
	assert_output --partial "Download complete and in download only mode"
	# every package came from the bundle, and the bundle held all that was needed
	gets=$(grep -c '^Get:' <<<"$output")
	[ "$gets" -eq "$(grep -c '^package ' "$r/MANIFEST")" ]
	[ "$(grep '^Get:' <<<"$output" | grep -vc "file:$r/repo farrow/main")" -eq 0 ]
	assert_line --regexp "^Get:[0-9]+ file:$r/repo farrow/main amd64 pgbouncer amd64 "
	# and apt refuses the same repo signed by another key
	repo-builder keygen --out other >/dev/null
	echo "deb [signed-by=$PWD/other/farrow-signing.gpg] file:$r/repo farrow main" >"$PWD/apt/etc/sources.list"
	rm -rf "$PWD/apt/lists"/*farrow*
	# shellcheck disable=SC2086
	run apt-get $opts update
	assert_output --partial "NO_PUBKEY"
}

@test "two builds from the same inputs are byte-identical; a warm rebuild fetches nothing" {
	run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" --out again \
		--cache "$BATS_FILE_TMPDIR/cache"
	assert_output --partial "files cached, 0 to fetch"
	cmp "$BUNDLE" again/farrow-test-0.1.0.d12.x86_64.tar.zst
	cmp "$BUNDLE.sig" again/farrow-test-0.1.0.d12.x86_64.tar.zst.sig
	# into the same place again: nothing to do
	touch -d @1000000000 again/farrow-test-0.1.0.d12.x86_64.tar.zst
	run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" --out again \
		--cache "$BATS_FILE_TMPDIR/cache"
	assert_output --partial "farrow-test-0.1.0.d12.x86_64.tar.zst: up to date"
	[ "$(stat -c %Y again/farrow-test-0.1.0.d12.x86_64.tar.zst)" = 1000000000 ]
	# a cold cache gives the same bytes too
	run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" --out cold --cache cold-cache
	cmp "$BUNDLE" cold/farrow-test-0.1.0.d12.x86_64.tar.zst
	# SOURCE_DATE_EPOCH sets the time, and the result is stable under it
	SOURCE_DATE_EPOCH=1700000000 run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" \
		--key "$KEYDIR/farrow-signing.key" --out e1 --cache "$BATS_FILE_TMPDIR/cache" --quiet
	SOURCE_DATE_EPOCH=1700000000 run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" \
		--key "$KEYDIR/farrow-signing.key" --out e2 --cache "$BATS_FILE_TMPDIR/cache" --quiet
	cmp e1/farrow-test-0.1.0.d12.x86_64.tar.zst e2/farrow-test-0.1.0.d12.x86_64.tar.zst
	run -0 tar -tvf e1/farrow-test-0.1.0.d12.x86_64.tar.zst
	assert_line --regexp "^-rw-r--r-- root/root .* 2023-11-14 22:13 farrow-test-0.1.0.d12.x86_64/MANIFEST$"
}

@test "tampering: a changed byte, a bad signature, another key, an extra or altered file" {
	cp "$BUNDLE" b.tar.zst
	cp "$BUNDLE.sig" b.tar.zst.sig
	run -0 repo-builder verify b.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	# one byte of the tarball
	fr_flip_byte b.tar.zst 2000
	run -6 repo-builder verify b.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	assert_output --partial "b.tar.zst.sig: signature does not hold"
	# one byte of the signature
	cp "$BUNDLE" b.tar.zst
	fr_flip_byte b.tar.zst.sig 100
	run -6 repo-builder verify b.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	assert_output --partial "signature does not hold"
	# another key
	cp "$BUNDLE.sig" b.tar.zst.sig
	repo-builder keygen --out other >/dev/null
	run -6 repo-builder verify b.tar.zst --key other/farrow-signing.gpg
	assert_output --partial "signature does not hold"
	# a changed byte in one file, repacked and re-signed with the right key: the file is named
	mkdir u
	tar -C u -xf "$BUNDLE"
	top=farrow-test-0.1.0.d12.x86_64
	deb=$(cd u && find "$top/repo/pool" -name 'pgbouncer_*.deb')
	fr_flip_byte "u/$deb" 500
	tar -C u --sort=name -cf - "$top" | zstd -q -o t.tar.zst
	h=$(mktemp -d /tmp/frgpg.XXXXXX)
	gpg --homedir "$h" --batch --import "$KEYDIR/farrow-signing.key" 2>/dev/null
	gpg --homedir "$h" --batch --detach-sign -o t.tar.zst.sig t.tar.zst
	gpgconf --homedir "$h" --kill all; rm -rf "$h"
	run -6 repo-builder verify t.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	refute_output --partial "signature does not hold"
	assert_output --partial "$deb: SHA-256"
	# a file that MANIFEST does not list
	rm -rf u
	mkdir u
	tar -C u -xf "$BUNDLE"
	echo extra >"u/$top/repo/extra.txt"
	tar -C u --sort=name -cf - "$top" | zstd -q -o x.tar.zst
	cp "$BUNDLE.sig" x.tar.zst.sig
	run -6 repo-builder verify x.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	assert_output --partial "$top/repo/extra.txt: is not listed in MANIFEST"
	# no signature beside it
	rm x.tar.zst.sig
	run -6 repo-builder verify x.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	assert_output --partial "x.tar.zst.sig: signature does not hold: cannot open"
}

@test "wrong upstream checksum and truncated download: the build fails and the cache keeps nothing bad" {
	bad=$BATS_FILE_TMPDIR/badmirror
	rm -rf "$bad"
	cp -al "$MIRROR" "$bad"
	deb=$(ls "$bad"/pool/main/pgbouncer_*.deb)
	# same size, one byte different: the index's SHA-256 no longer holds
	cp --remove-destination "$deb" "$deb.new"
	printf 'Z' | dd of="$deb.new" bs=1 seek=300 conv=notrunc 2>/dev/null
	mv "$deb.new" "$deb"
	port=$(fr_serve "$bad")
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	run -8 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "pgbouncer_"
	assert_output --partial "SHA-256 mismatch"
	run -0 fr_cache_verified cache
	run -0 find cache -name 'pgbouncer*' -o -name '*.part'
	assert_output ""
	[ ! -e out/farrow-test-0.1.0.d12.x86_64.tar.zst ]
	# a truncated file
	head -c 1000 "$MIRROR"/pool/main/pgbouncer_*.deb >"$deb.new"
	mv "$deb.new" "$deb"
	run -8 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --regexp "got 1000 bytes, the index says [0-9]+"
	run -0 fr_cache_verified cache
	run -0 find cache -name '*.part'
	assert_output ""
}

# out/ and the cache hold nothing, and nothing appeared beside the test's directory
refute_written() {
	if [ -e out ]; then
		run -0 find out -type f
		assert_output ""
	fi
	run -0 fr_cache_verified cache
	run -0 find "$BATS_TEST_TMPDIR/.." -maxdepth 3 -name 'somewhere*'
	assert_output ""
}

# build_from_hostile EDIT: pgbouncer from a mirror whose Packages EDIT changed (signed by its key): exit 6
build_from_hostile() {
	fr_hostile_mirror "$MIRROR" "$hostile" "$1"
	port=$(fr_serve "$hostile")
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	run -6 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "package pgbouncer"
}

@test "hostile upstream Filename and Size, signed by the upstream's own key: refused, nothing written" {
	fr_manifest m.yml "$PORT" "$MIRROR.key" "pgbouncer"
	hostile=$BATS_FILE_TMPDIR/hostile
	for case in "../../../somewhere|'../../../somewhere' has a '.' or '..' component" \
		"/abs/somewhere.deb|'/abs/somewhere.deb' is absolute" \
		"pool/main/../../../somewhere.deb|has a '.' or '..' component" \
		"dists/bookworm/somewhere.deb|is outside the repository's pool/" \
		"pool/main/a$(printf '\033')b.deb|holds a control character"; do
		name=${case%%|*} msg=${case#*|}
		build_from_hostile "__import__('re').sub(r'(?m)^Filename: pool/main/pgbouncer_.*$', 'Filename: $name', text)"
		assert_output --partial "Filename '"
		assert_output --partial "$msg"
		refute_written
	done
	for size in -5 lots 12x; do
		build_from_hostile "__import__('re').sub(r'(?m)^(Package: pgbouncer\n(?:.+\n)*?)Size: .*$', r'\\1Size: $size', text)"
		assert_output --partial "Size '$size' is not a number of bytes"
		refute_written
	done
	# the same rule for an index given by hand
	run -6 repo-builder resolve --index "$hostile/dists/bookworm/main/binary-amd64/Packages" pgbouncer
	assert_output --partial "Size '12x' is not a number of bytes"
}

@test "Release dates: an expired Valid-Until and a Date ten years ahead are refused; --allow-expired says so" {
	hostile=$BATS_FILE_TMPDIR/dated
	past=$(date -u -R -d '-3 days' | sed 's/+0000/UTC/')
	week=$(date -u -R -d '-10 days' | sed 's/+0000/UTC/')
	future=$(date -u -R -d '+10 years' | sed 's/+0000/UTC/')
	fr_hostile_mirror "$MIRROR" "$hostile" "text" "Date: $week\nValid-Until: $past"
	port=$(fr_serve "$hostile")
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	run -6 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "InRelease: expired: Valid-Until $past is"
	assert_output --partial "--allow-expired builds from an archive snapshot"
	refute_written
	run -6 repo-builder resolve m.yml
	assert_output --partial "expired: Valid-Until"
	# an archive snapshot, on purpose: built, and said loudly
	run -0 repo-builder build m.yml --allow-expired --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "WARNING: --allow-expired"
	assert_output --partial "WARNING: http://127.0.0.1:$port/dists/bookworm/InRelease: EXPIRED metadata taken"
	run -0 repo-builder verify out/farrow-test-0.1.0.d12.x86_64.tar.zst --key "$KEYDIR/farrow-signing.gpg"
	# a Date from the future would become the bundle's time: refused, --allow-expired or not
	rm -rf out
	fr_hostile_mirror "$MIRROR" "$hostile" "text" "Date: $future"
	port=$(fr_serve "$hostile")
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	run -6 repo-builder build m.yml --allow-expired --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --regexp "InRelease: Date $future is [0-9]+ s ahead of this host's clock \(more than the 300 s allowed for skew\): refused"
	refute_written
}

@test "a manifest's bundle or version that would leave --out is refused at its position" {
	mkdir -p x
	for field in "bundle: ../../../x/evil" "bundle: a/b" "bundle: .." "version: ../1"; do
		fr_manifest m.yml "$PORT" "$MIRROR.key" "pgbouncer"
		{ echo "$field"; grep -v "^${field%%:*}: " m.yml; } >m2.yml
		mv m2.yml m.yml
		run -3 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out/deep --cache cache
		assert_output --regexp "m.yml:1:[0-9]+: (bundle|version): '"
		run -0 find "$BATS_TEST_TMPDIR" -name '*.tar.zst*'
		assert_output ""
	done
	sed -i '/^files:/d' m.yml
	fr_manifest m.yml "$PORT" "$MIRROR.key" "pgbouncer"
	printf 'files:\n  - { url: "http://127.0.0.1:%s/x", sha256: %064d, path: ../../x/evil }\n' "$PORT" 0 >>m.yml
	run -3 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "path: '../../x/evil' has a '.' or '..' component"
}

@test "build killed by SIGTERM, SIGINT or SIGHUP while it holds the key: no key, no gpg-agent left" {
	port=$(fr_closed_port)
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	for sig in TERM INT HUP; do
		tmp=$(mktemp -d "$BATS_TEST_TMPDIR/k.XXXXXX") # short enough for lib/pgp.c to take as TMPDIR
		# the closed upstream keeps it retrying, with the signing key loaded, until the signal
		TMPDIR=$tmp repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache \
			>/dev/null 2>&1 3>&- &
		pid=$!
		for _ in $(seq 100); do
			[ -n "$(find "$tmp" -maxdepth 2 -name 'private-keys-v1.d' 2>/dev/null)" ] && break
			sleep 0.1
		done
		run -0 find "$tmp" -maxdepth 1 -name 'farrow-gpg.*' -perm 700
		assert_output --regexp "farrow-gpg\."
		run -0 pgrep -f "gpg-agent --homedir $tmp/"
		kill -$sig $pid
		st=0
		wait $pid || st=$?
		case $sig in TERM) [ "$st" = 143 ] ;; INT) [ "$st" = 130 ] ;; HUP) [ "$st" = 129 ] ;; esac
		run -0 find "$tmp" -mindepth 1
		assert_output ""
		run -1 pgrep -f "gpg-agent --homedir $tmp/"
	done
}

@test "an index that does not match its Release is refused" {
	bad=$BATS_FILE_TMPDIR/badindex
	rm -rf "$bad"
	cp -al "$MIRROR" "$bad"
	rm "$bad/dists/bookworm/main/binary-amd64/Packages.xz"
	xz -9e -c "$bad/dists/bookworm/main/binary-amd64/Packages" | head -c 2000 >"$bad/dists/bookworm/main/binary-amd64/Packages.xz"
	port=$(fr_serve "$bad")
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	run -6 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "Packages.xz: checksum mismatch"
}

@test "an upstream signed by another key is refused" {
	repo-builder keygen --out other >/dev/null
	fr_manifest m.yml "$PORT" "$PWD/other/farrow-signing.gpg" "pgbouncer"
	run -6 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "InRelease: signature does not verify"
	[ ! -d out ]
}

@test "an unknown package is named; an unsatisfiable one gets libsolv's explanation" {
	fr_manifest m.yml "$PORT" "$MIRROR.key" "pgbouncer, no-such-package-x"
	run -5 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "unknown package 'no-such-package-x': in no repository for d12.x86_64"
	fr_manifest m.yml "$PORT" "$MIRROR.key" "farrow-test-broken"
	run -5 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "problem 1: nothing provides libdoesnotexist1 >= 2 needed by farrow-test-broken-1.0.all"
	fr_manifest m.yml "$PORT" "$MIRROR.key" "{ name: pgbouncer, version: '>= 99' }"
	run -5 repo-builder resolve m.yml
	assert_output --partial "problem 1: package pgbouncer >= 99 does not exist"
	[ ! -d out ]
}

@test "an upstream port that is closed fails clearly after bounded retries" {
	port=$(fr_closed_port)
	fr_manifest m.yml "$port" "$MIRROR.key" "pgbouncer"
	SECONDS=0
	run -1 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "http://127.0.0.1:$port/dists/bookworm/InRelease: Couldn't connect to server (after retries)"
	[ "$SECONDS" -lt 30 ]
}

@test "resolve prints the closure without downloading; diff compares bundles" {
	run -0 repo-builder resolve "$BATS_FILE_TMPDIR/m.yml"
	assert_output --regexp "pgbouncer +1\."
	assert_output --regexp "d12.x86_64: [0-9]+ packages, [0-9]+ bytes"
	run -0 repo-builder resolve --index "$MIRROR/dists/bookworm/main/binary-amd64/Packages.xz" pgbouncer
	assert_output --regexp "libc6 +2\.36"
	fr_manifest m2.yml "$PORT" "$MIRROR.key" "pgbouncer" 0.2.0
	run -0 repo-builder build m2.yml --key "$KEYDIR/farrow-signing.key" --out out --cache "$BATS_FILE_TMPDIR/cache" --quiet
	run -0 repo-builder diff "$BUNDLE" out/farrow-test-0.2.0.d12.x86_64.tar.zst
	assert_line --regexp "^- haproxy 2\..* amd64$"
	assert_output --regexp "0 added, [0-9]+ removed, 0 upgraded, 0 downgraded"
}

@test "--json gives one JSON event a line" {
	run -0 repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" --out j --cache jcache --json
	echo "$output" >events
	run -0 python3 -c '
import json
ev = [json.loads(l) for l in open("events") if l.strip()]
kinds = [e["event"] for e in ev]
assert kinds[0] == "resolve" and kinds[-1] == "bundle", kinds
d = [e for e in ev if e["event"] == "download"]
assert d and all(e["ok"] for e in d) and d[-1]["files_done"] == d[-1]["files_total"]
print("ok")'
}

@test "bad manifests: positions, exit 3; keygen never overwrites; no key, no build" {
	cat >bad.yml <<'YML'
version: 1.0
targets: [ d12.x86_64, d11.x86_64 ]
repos:
  - { name: m, type: apt, url: http://127.0.0.1:1 }
packages: [ "bad name!" ]
image: { bundle: ../up, packages: [ ok, "no;way" ] }
YML
	run -3 repo-builder build bad.yml --key "$KEYDIR/farrow-signing.key"
	assert_output --partial "bad.yml:2:24: targets: 'd11.x86_64' is not a target"
	assert_output --partial "bad.yml:4:22: type: 'apt' is not deb, rpm-md, host-apt or debs"
	assert_output --partial "bad.yml:5:13: name: 'bad name!' is not a package name"
	assert_output --partial "bad.yml:6:18: bundle: '../up' cannot be a file name"
	assert_output --partial "bad.yml:6:41: packages: 'no;way' is not a package name"
	printf 'version: 1\ntargets: [ d12.x86_64 ]\nrepos: [ { name: h, type: host-apt } ]\npackages: [ a ]\nimage: [ a ]\n' >bad2.yml
	run -3 repo-builder build bad2.yml --key "$KEYDIR/farrow-signing.key"
	assert_output --partial "bad2.yml:5:8: image: expected a mapping"
	run -2 repo-builder build "$BATS_FILE_TMPDIR/m.yml"
	assert_output --partial "no signing key"
	run -1 repo-builder keygen --out "$KEYDIR"
	assert_output --partial "refusing to overwrite a signing key"
	[ "$(stat -c %a "$KEYDIR/farrow-signing.key")" = 600 ]
	chmod 644 "$KEYDIR/farrow-signing.key"
	run -1 repo-builder build "$BATS_FILE_TMPDIR/m.yml" --key "$KEYDIR/farrow-signing.key" --out o --cache c
	assert_output --partial "is readable by others"
	chmod 600 "$KEYDIR/farrow-signing.key"
}

@test "pins, regions and extra files: a package from a named repository, a region's URL, a checked file" {
	closed=$(fr_closed_port)
	sum=$(sha256sum "$MIRROR/dists/bookworm/Release" | cut -d' ' -f1)
	cat >m.yml <<YML
version: 0.3.0
targets: [ d12.x86_64 ]
repos:
  - { name: first, type: deb, url: "http://127.0.0.1:$PORT", suite: bookworm, key: $MIRROR.key }
  - name: second
    type: deb
    url: { default: "http://127.0.0.1:$closed", europe: "http://127.0.0.1:$PORT" }
    suite: bookworm
    key: $MIRROR.key
packages: [ { name: pgbouncer, repo: second } ]
base: { status: $BATS_FILE_TMPDIR/base.status }
files:
  - { url: "http://127.0.0.1:$PORT/dists/bookworm/Release", sha256: $sum, path: extra/Release }
YML
	# the default region's URL is closed; europe's is the mirror
	run -1 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache "$BATS_FILE_TMPDIR/cache"
	assert_output --partial "127.0.0.1:$closed"
	run -0 repo-builder build m.yml --region europe --key "$KEYDIR/farrow-signing.key" --out out \
		--cache "$BATS_FILE_TMPDIR/cache"
	b=out/farrow-pkg-0.3.0.d12.x86_64.tar.zst
	run -0 repo-builder inspect "$b"
	assert_line --regexp "^pgbouncer +[^ ]+ +amd64 +second "
	run -0 repo-builder verify "$b" --key "$KEYDIR/farrow-signing.gpg"
	run -0 tar -xOf "$b" farrow-pkg-0.3.0.d12.x86_64/files/extra/Release
	assert_output "$(cat "$MIRROR/dists/bookworm/Release")"
	# a pin to a repository without the package, and an extra file whose hash is wrong
	sed -i 's/name: pgbouncer, repo: second/name: no-such-pkg, repo: second/' m.yml
	run -5 repo-builder build m.yml --region europe --key "$KEYDIR/farrow-signing.key" --out out2 --cache c2
	sed -i "s/name: no-such-pkg, repo: second/name: pgbouncer, repo: second/; s/sha256: $sum/sha256: $(printf '%064d' 0)/" m.yml
	run -8 repo-builder build m.yml --region europe --key "$KEYDIR/farrow-signing.key" --out out2 --cache c2
	assert_output --partial "dists/bookworm/Release: SHA-256 mismatch"
	[ ! -d out2 ]
	# the image-capable variant of a mirror that lacks what a root needs: named, nothing built
	sed -i "s/sha256: $(printf '%064d' 0)/sha256: $sum/" m.yml
	run -5 repo-builder build m.yml --image --region europe --key "$KEYDIR/farrow-signing.key" --out out3 --cache c2
	assert_output --regexp "not image-capable: a root of d12\.x86_64 needs .*'linux-image-amd64'.*, in no repository"
	run -1 test -d out3
}

@test "a debs repository: a vendor's .deb by URL and SHA-256, its control indexed, resolved with its dependencies, taken by stock apt" {
	deb=$(basename "$(ls "$MIRROR"/pool/main/pgbouncer_*.deb | head -1)")
	sum=$(sha256sum "$MIRROR/pool/main/$deb" | cut -d' ' -f1)
	cat >m.yml <<YML
bundle: farrow-vendor
version: 0.4.0
targets: [ d12.x86_64 ]
repos:
  - { name: mirror, type: deb, url: "http://127.0.0.1:$PORT", suite: bookworm, key: $MIRROR.key }
  - name: vendor
    type: debs
    debs:
      - { url: "http://127.0.0.1:$PORT/pool/main/$deb", sha256: $sum }
packages: [ { name: pgbouncer, repo: vendor } ]
base: { status: $BATS_FILE_TMPDIR/base.status }
YML
	run -0 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache c
	b=out/farrow-vendor-0.4.0.d12.x86_64.tar.zst
	run -0 repo-builder inspect "$b"
	assert_line --regexp "^pgbouncer +[^ ]+ +amd64 +vendor "
	# its dependencies from the mirror, resolved by libsolv like any package's
	assert_line --regexp "^libevent-[^ ]+ +[^ ]+ +amd64 +mirror "
	run -0 tar -xOf "$b" farrow-vendor-0.4.0.d12.x86_64/MANIFEST
	assert_line --regexp "^package pgbouncer [^ ]+ amd64 vendor repo/pool/vendor/pgbouncer_[^ ]+_amd64\.deb [0-9]+ $sum$"
	# stock apt, signatures and dates on, installs it from the bundle's repository
	mkdir u
	run -0 tar -C u -xf "$b"
	r=$PWD/u/farrow-vendor-0.4.0.d12.x86_64
	opts=$(fr_apt_opts "$PWD/apt")
	echo "deb [signed-by=$r/keys/farrow-signing.gpg] file:$r/repo farrow main" >"$PWD/apt/etc/sources.list"
	# shellcheck disable=SC2086
	run -0 apt-get $opts -o Acquire::Check-Date=true update
	# shellcheck disable=SC2086
	run -0 apt-get $opts install --download-only -y pgbouncer
	assert_line --regexp "^Get:[0-9]+ file:$r/repo farrow/main amd64 pgbouncer amd64 "
	run -0 cmp "$MIRROR/pool/main/$deb" "$r/repo/pool/vendor/$deb"
	# a wrong SHA-256, and a file that is not a .deb: refused, nothing built
	sed "s/sha256: $sum/sha256: $(printf '%064d' 0)/" m.yml >bad.yml
	run -1 repo-builder build bad.yml --key "$KEYDIR/farrow-signing.key" --out out2 --cache c2
	assert_output --partial "SHA-256 mismatch"
	rsum=$(sha256sum "$MIRROR/dists/bookworm/Release" | cut -d' ' -f1)
	sed "s|pool/main/$deb\", sha256: $sum|dists/bookworm/Release\", sha256: $rsum|" m.yml >notdeb.yml
	run -1 repo-builder build notdeb.yml --key "$KEYDIR/farrow-signing.key" --out out2 --cache c2
	assert_output --partial "is not a .deb (no ar header)"
	run -1 test -d out2
}
