#!/usr/bin/env bats
# repo-builder against an rpm-md repository of fixture RPMs built here with rpmbuild, indexed by
# createrepo_c and signed with a throwaway key; the bundle read by Debian's dnf with repo_gpgcheck=1.

setup_file() {
	load helpers/common
	load helpers/mirror
	command -v rpmbuild >/dev/null && command -v createrepo_c >/dev/null && command -v dnf >/dev/null || return 0
	export REPO=$BATS_FILE_TMPDIR/rpmrepo KEYDIR=$BATS_FILE_TMPDIR/key
	fr_rpm_mirror "$REPO"
	export PORT
	PORT=$(fr_serve "$REPO")
	repo-builder keygen --out "$KEYDIR" >/dev/null
}

teardown_file() {
	load helpers/common
	load helpers/mirror
	fr_stop_servers
}

# dnf's repo_gpgcheck starts a gpg-agent in the test's cache: it must not outlive the test
teardown() {
	pkill -f "gpg-agent --homedir $BATS_TEST_TMPDIR/" 2>/dev/null || true
}

setup() {
	load helpers/common
	load helpers/mirror
	fr_isolate
	command -v rpmbuild >/dev/null && command -v createrepo_c >/dev/null && command -v dnf >/dev/null ||
		skip "needs rpmbuild, createrepo_c and dnf"
}

manifest() { # manifest <file> <packages> [base packages] [key]
	cat >"$1" <<YML
version: 0.1.0
targets: [ el9.x86_64 ]
repos:
  - { name: fixture, type: rpm-md, url: "http://127.0.0.1:$PORT", key: ${4:-$REPO.key} }
packages: [ $2 ]
${3:+base: { packages: [ $3 ] \}}
YML
}

dnf_conf() { # dnf_conf <dir> <repo root>: a dnf.conf using only the bundle's repo, repo_gpgcheck on
	mkdir -p "$1/repos" "$1/root"
	cat >"$1/dnf.conf" <<EOF
[main]
gpgcheck=0
repo_gpgcheck=1
reposdir=$1/repos
cachedir=$1/cache
logdir=$1
persistdir=$1/persist
[farrow]
name=farrow bundle
baseurl=file://$2/repo
gpgcheck=0
repo_gpgcheck=1
gpgkey=file://$2/keys/farrow-signing.asc
EOF
}

@test "rpm-md: the closure, a signed bundle, verify, and byte-identical rebuilds" {
	manifest m.yml "frt-app"
	run -0 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	b=out/farrow-pkg-0.1.0.el9.x86_64.tar.zst
	run -0 repo-builder verify "$b" --key "$KEYDIR/farrow-signing.gpg"
	run -0 repo-builder inspect "$b"
	assert_line --regexp "^frt-app +1.0-1 +noarch +fixture"
	assert_line --regexp "^frt-lib +2.0-1 +noarch +fixture"
	assert_line --regexp "^frt-provider +1.0-1 +noarch +fixture"
	assert_output --partial "3 packages"
	run -0 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out2 --cache cache2
	cmp "$b" out2/farrow-pkg-0.1.0.el9.x86_64.tar.zst
	# a base that has frt-lib already: not bundled
	manifest base.yml "frt-app" "frt-lib"
	run -0 repo-builder resolve base.yml
	refute_output --partial "frt-lib"
	assert_output --partial "el9.x86_64: 2 packages"
}

@test "rpm-md: dnf with repo_gpgcheck=1 finds every package in the bundle; a tampered repomd is refused" {
	manifest m.yml "frt-app"
	run -0 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache --quiet
	mkdir u
	tar -C u -xf out/farrow-pkg-0.1.0.el9.x86_64.tar.zst
	r=$PWD/u/farrow-pkg-0.1.0.el9.x86_64
	dnf_conf "$PWD/d" "$r"
	run -0 dnf -c d/dnf.conf --installroot="$PWD/d/root" --releasever=9 --setopt=install_weak_deps=False \
		-y install --downloadonly frt-app
	assert_output --regexp "frt-app +noarch +1.0-1 +farrow"
	assert_output --regexp "frt-lib +noarch +2.0-1 +farrow"
	assert_output --regexp "frt-provider +noarch +1.0-1 +farrow"
	assert_output --partial "Complete!"
	# one byte of repomd.xml changed after signing
	sed -i 's/<revision>/<revision>1/' "$r/repo/repodata/repomd.xml"
	rm -rf d
	dnf_conf "$PWD/d" "$r"
	run -1 dnf -c d/dnf.conf --installroot="$PWD/d/root" --releasever=9 -y install --downloadonly frt-app
	assert_output --regexp "GPG|signature"
}

@test "rpm-md: unsatisfiable dependencies, unsigned and foreign-signed upstreams" {
	manifest m.yml "frt-broken"
	run -5 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "nothing provides frt-nothing needed by frt-broken-1.0-1.noarch"
	repo-builder keygen --out other >/dev/null
	manifest m.yml "frt-app" "" "$PWD/other/farrow-signing.gpg"
	run -6 repo-builder build m.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "repodata/repomd.xml: signature does not verify"
	# an upstream without repomd.xml.asc
	cp -a "$REPO" unsigned
	rm unsigned/repodata/repomd.xml.asc
	port=$(fr_serve "$PWD/unsigned")
	sed "s/127.0.0.1:$PORT/127.0.0.1:$port/" m.yml | sed "s|$PWD/other/farrow-signing.gpg|$REPO.key|" >u.yml
	run -6 repo-builder build u.yml --key "$KEYDIR/farrow-signing.key" --out out --cache cache
	assert_output --partial "repomd.xml.asc: not found: the repository's metadata is not signed"
}
