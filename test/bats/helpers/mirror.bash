# mirror.bash -- a loopback Debian mirror made of real .debs, for repo-builder's tests.
# The .debs (apt-get download) are cached outside the clone, keyed by names and versions.

FR_TEST_CACHE=${FARROW_TEST_CACHE:-/var/tmp/farrow-test-cache}
FR_MIRROR_PKGS="pgbouncer haproxy"
FR_PYTHON=$( [ -x /usr/bin/python3 ] && echo /usr/bin/python3 || command -v python3)

# Print the directory holding the real .debs of $FR_MIRROR_PKGS and all their dependencies.
fr_debs() {
	local pkgs key dir tmp
	# shellcheck disable=SC2086
	pkgs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances $FR_MIRROR_PKGS | grep -v '^ ' | grep -v '<' | sort -u)
	# shellcheck disable=SC2086
	key=$(apt-cache show --no-all-versions $pkgs | grep -E '^(Package|Version|SHA256):' | sha256sum | cut -c1-16)
	dir=$FR_TEST_CACHE/debs-$key
	if [ ! -d "$dir" ]; then
		mkdir -p "$FR_TEST_CACHE"
		tmp=$(mktemp -d "$FR_TEST_CACHE/debs.XXXXXX")
		# shellcheck disable=SC2086
		(cd "$tmp" && apt-get -q download $pkgs >/dev/null) || { rm -rf "$tmp"; return 1; }
		mv "$tmp" "$dir"
	fi
	echo "$dir"
}

# A package that cannot be installed: it depends on something nobody provides.
fr_broken_deb() { # fr_broken_deb <dir>
	local d=$BATS_FILE_TMPDIR/broken
	mkdir -p "$d/DEBIAN"
	printf 'Package: farrow-test-broken\nVersion: 1.0\nArchitecture: all\nMaintainer: farrow <t@farrow.invalid>\nDepends: libdoesnotexist1 (>= 2)\nDescription: farrow test package that cannot be installed\n' >"$d/DEBIAN/control"
	dpkg-deb -Zgzip --build "$d" "$1/farrow-test-broken_1.0_all.deb" >/dev/null
}

# Make a signed mirror in $1 from the .debs in $2: dists/bookworm/main/binary-amd64, pool/main.
# The throwaway signing key's public half goes to $1.key.
fr_make_mirror() { # fr_make_mirror <dir> <debs-dir>
	local m=$1 home
	mkdir -p "$m/pool/main" "$m/dists/bookworm/main/binary-amd64"
	ln "$2"/*.deb "$m/pool/main/" 2>/dev/null || cp "$2"/*.deb "$m/pool/main/"
	fr_broken_deb "$m/pool/main"
	(cd "$m" && apt-ftparchive packages pool >dists/bookworm/main/binary-amd64/Packages)
	gzip -9kf "$m/dists/bookworm/main/binary-amd64/Packages"
	xz -kf "$m/dists/bookworm/main/binary-amd64/Packages"
	(cd "$m" && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm \
		-o APT::FTPArchive::Release::Codename=bookworm -o APT::FTPArchive::Release::Components=main \
		-o APT::FTPArchive::Release::Architectures=amd64 release dists/bookworm >"$m.Release")
	mv "$m.Release" "$m/dists/bookworm/Release"
	# the mirror's key stays in $m.gnupg: tests sign hostile variants of the mirror with it
	home=$m.gnupg
	rm -rf "$home" && mkdir -m 700 "$home"
	gpg --homedir "$home" --batch --passphrase '' --quick-gen-key "mirror <mirror@farrow.invalid>" rsa3072 sign never 2>/dev/null
	fr_sign_mirror "$m" "$home"
	gpg --homedir "$home" --export >"$m.key"
	gpgconf --homedir "$home" --kill all 2>/dev/null || true
}

# Sign dists/bookworm/Release of mirror $1 (InRelease, Release.gpg) with the key in GnuPG home $2.
fr_sign_mirror() { # fr_sign_mirror <dir> <gnupg-home>
	gpg --homedir "$2" --batch --yes --clearsign -o "$1/dists/bookworm/InRelease" "$1/dists/bookworm/Release"
	gpg --homedir "$2" --batch --yes -abs -o "$1/dists/bookworm/Release.gpg" "$1/dists/bookworm/Release"
}

# A hostile, correctly signed variant of mirror $1 in $2: Packages edited by the python
# expression $3 (on `text`), Release fields set by $4 ("Date: ...\nValid-Until: ..."), then
# the indexes and Release made again and signed with the mirror's own key.
fr_hostile_mirror() { # fr_hostile_mirror <mirror> <dir> <python-edit> [release-fields]
	local src=$1 m=$2 d
	rm -rf "$m" && cp -al "$src" "$m"
	d=$m/dists/bookworm
	rm -f "$d/main/binary-amd64/Packages"*
	"$FR_PYTHON" - "$src/dists/bookworm/main/binary-amd64/Packages" "$d/main/binary-amd64/Packages" "$3" <<'PY'
import sys
src, dst, edit = sys.argv[1:]
text = open(src).read()
text = eval(edit)
open(dst, "w").write(text)
PY
	gzip -9kf "$d/main/binary-amd64/Packages"
	xz -kf "$d/main/binary-amd64/Packages"
	rm -f "$d/Release" "$d/InRelease" "$d/Release.gpg"
	(cd "$m" && apt-ftparchive -o APT::FTPArchive::Release::Suite=bookworm \
		-o APT::FTPArchive::Release::Codename=bookworm -o APT::FTPArchive::Release::Components=main \
		-o APT::FTPArchive::Release::Architectures=amd64 release dists/bookworm >"$m.Release")
	"$FR_PYTHON" - "$m.Release" "${4:-}" <<'PY'
import re, sys
path, fields = sys.argv[1], sys.argv[2]
text = open(path).read()
for f in filter(None, fields.split("\\n")):
    k = f.split(":", 1)[0]
    if re.search("^" + k + ":", text, re.M):
        text = re.sub("^" + k + ":.*$", f, text, count=1, flags=re.M)
    else:
        text = text.replace("\nMD5Sum:", "\n" + f + "\nMD5Sum:", 1)
open(path, "w").write(text)
PY
	mv "$m.Release" "$d/Release"
	fr_sign_mirror "$m" "$src.gnupg"
	gpgconf --homedir "$src.gnupg" --kill all 2>/dev/null || true
}

# A fixed base system for the suites, whatever this host has installed: the mirror's packages of
# Priority required and everything they depend on (first alternatives), as a dpkg status file.
fr_base_status() { # fr_base_status <mirror> <status-file>
	"$FR_PYTHON" - "$1/dists/bookworm/main/binary-amd64/Packages" "$2" <<'PY'
import re, sys
keep = ("Package", "Version", "Architecture", "Multi-Arch", "Essential", "Priority", "Provides",
        "Depends", "Pre-Depends", "Conflicts", "Breaks", "Replaces")
pkgs, provides = {}, {}
for st in open(sys.argv[1]).read().split("\n\n"):
    f = {}
    for line in st.splitlines():
        if line[:1] not in (" ", "\t") and ":" in line:
            k, v = line.split(":", 1)
            f[k] = v.strip()
    if "Package" in f:
        pkgs[f["Package"]] = f
        for p in filter(None, re.split(r"\s*,\s*", f.get("Provides", ""))):
            provides.setdefault(p.split()[0], f["Package"])
todo = [n for n, f in pkgs.items() if f.get("Priority") == "required"]
base = set()
while todo:
    n = todo.pop()
    if n in base:
        continue
    base.add(n)
    deps = ", ".join(filter(None, (pkgs[n].get("Pre-Depends"), pkgs[n].get("Depends"))))
    for dep in filter(None, re.split(r"\s*,\s*", deps)):
        for alt in dep.split("|"):
            name = alt.split()[0].split(":")[0]
            if name in pkgs or name in provides:
                todo.append(name if name in pkgs else provides[name])
                break
out = []
for n in sorted(base):
    f = pkgs[n]
    lines = ["Package: " + n, "Status: install ok installed"]
    lines += [k + ": " + f[k] for k in keep[1:] if k in f]
    out.append("\n".join(lines))
open(sys.argv[2], "w").write("\n\n".join(out) + "\n")
PY
}

# Fail unless every file under the cache directory $1 is named by its own SHA-256.
fr_cache_verified() { # fr_cache_verified <dir>
	"$FR_PYTHON" - "$1" <<'PY'
import hashlib, os, sys
bad = []
for root, _, files in os.walk(sys.argv[1]):
    for n in files:
        p = os.path.join(root, n)
        h = hashlib.sha256(open(p, "rb").read()).hexdigest()
        if n != h:
            bad.append(p)
print("\n".join("unverified in the cache: " + b for b in bad))
sys.exit(1 if bad else 0)
PY
}

# Serve $1 on 127.0.0.1; prints the port. The server's pid is appended to $BATS_FILE_TMPDIR/servers.
fr_serve() { # fr_serve <dir>
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
	# the system python (a pyenv shim would fork, and its pid would not be the server's);
	# fd 3 closed, or bats waits for the server
	"$FR_PYTHON" -m http.server --bind 127.0.0.1 "$port" --directory "$1" >/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_FILE_TMPDIR/servers"
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
		sleep 0.1
	done
	echo "$port"
}

fr_stop_servers() {
	[ -f "$BATS_FILE_TMPDIR/servers" ] || return 0
	while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$BATS_FILE_TMPDIR/servers"
	rm -f "$BATS_FILE_TMPDIR/servers"
}

# A port nothing listens on.
fr_closed_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Write a manifest to $1 for the mirror at port $2 with key $3 and packages $4.
fr_manifest() { # fr_manifest <file> <port> <key> <packages> [version]
	cat >"$1" <<YML
bundle: farrow-test
version: ${5:-0.1.0}
targets: [ d12.x86_64 ]
repos:
  - name: mirror
    type: deb
    url: http://127.0.0.1:$2
    suite: bookworm
    components: [ main ]
    key: $3
packages: [ $4 ]
base:
  status: $BATS_FILE_TMPDIR/base.status
YML
}

# Options that make apt use only the given sources list, with stock date checks.
fr_apt_opts() { # fr_apt_opts <dir> -> prints options
	local d=$1
	mkdir -p "$d/etc/trusted.d" "$d/etc/sources.list.d" "$d/etc/preferences.d" "$d/lists/partial" \
		"$d/cache/archives/partial"
	echo "-o Dir::Etc=$d/etc -o Dir::Etc::sourcelist=$d/etc/sources.list" \
		"-o Dir::Etc::sourceparts=$d/etc/sources.list.d -o Dir::Etc::trusted=/dev/null" \
		"-o Dir::Etc::trustedparts=$d/etc/trusted.d -o Dir::Etc::preferencesparts=$d/etc/preferences.d" \
		"-o Dir::State::lists=$d/lists -o Dir::Cache=$d/cache" \
		"-o Dir::State::status=$BATS_FILE_TMPDIR/base.status -o Debug::NoLocking=1" \
		"-o Acquire::Check-Date=true -o Acquire::Check-Valid-Until=true -o APT::Sandbox::User=root"
}

# fr_node_fixture <dir> [nodes] [meta|full]: for the sandbox suites, that many nodes up (default 1,
# after a clean teardown) and the default bundle (or with full, the whole sandbox's: Redis too) in
# <dir>/dist with its key in <dir>/key; exports SANDBOX and BUNDLE. The bundle
# is built by the plain repo-builder: a sanitizer build of its resolver takes minutes over the
# whole Debian archive (bats 1010 runs that one).
fr_node_fixture() {
	local dir=$1 nodes=${2:-1} kind=${3:-meta} rb="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/repo-builder"
	fr_dist_vars
	export FARROW_SANDBOX=${FARROW_SANDBOX:-/var/tmp/farrow-sandbox}
	export SANDBOX="$FARROW_ROOT/test/sandbox/sandbox.sh"
	"$SANDBOX" down
	FARROW_BIN=${FARROW_BIN:-$FARROW_ROOT/build} "$SANDBOX" up "$nodes" >&3
	"$rb" keygen --out "$dir/key" >/dev/null
	"$rb" build "$FARROW_ROOT/profiles/bundles/$FR_TARGET-$kind.yml" --key "$dir/key/farrow-signing.key" \
		--out "$dir/dist" --cache "$FR_TEST_CACHE/rb-cache" --quiet >/dev/null
	export BUNDLE=$dir/dist/farrow-$([ "$kind" = meta ] && echo pkg || echo "$kind")-0.1.0.$FR_TARGET.x86_64.tar.zst
}

# The release the node suites run on: FARROW_TEST_DIST=bookworm (the default: Debian 12 nodes,
# the d12 bundle, PostgreSQL 15) or trixie (Debian 13 nodes, the d13 bundle, PostgreSQL 17;
# `make bats-trixie`). Exports FR_DIST, FR_TARGET (d12|d13), FR_PG, FR_PRETTY (os-release's
# PRETTY_NAME), FR_OTHER (the other release, whose bundle a node must refuse) and the sandbox's
# FARROW_SANDBOX_DIST.
fr_dist_vars() {
	FR_DIST=${FARROW_TEST_DIST:-bookworm}
	case $FR_DIST in
	bookworm) FR_TARGET=d12 FR_PG=15 FR_PRETTY="Debian GNU/Linux 12 (bookworm)" FR_OTHER=d13 ;;
	trixie) FR_TARGET=d13 FR_PG=17 FR_PRETTY="Debian GNU/Linux 13 (trixie)" FR_OTHER=d12 ;;
	*) echo "FARROW_TEST_DIST: bookworm or trixie, not '$FR_DIST'" >&2; return 1 ;;
	esac
	export FR_DIST FR_TARGET FR_PG FR_PRETTY FR_OTHER FARROW_SANDBOX_DIST=$FR_DIST
}

# fr_seed_node ROOT PROFILE FIRSTBOOT: put what a node converges from onto its disk, as an image or
# a seed volume would: the bundle $BUNDLE (as incoming/<top>.tar.zst, with .sig) and its key from
# $W/key, the profile, farrow-firstboot, and farrow-firstboot.service enabled. No SSH.
fr_seed_node() {
	local root=$1 profile=$2 fb=$3 top
	top=$(basename "$BUNDLE" .tar.zst)
	install -D -m 0644 "$BUNDLE" "$root/var/lib/farrow/incoming/$top.tar.zst"
	install -D -m 0644 "$BUNDLE.sig" "$root/var/lib/farrow/incoming/$top.tar.zst.sig"
	install -D -m 0644 "$W/key/farrow-signing.gpg" "$root/var/lib/farrow/keys/bundle.gpg"
	install -d -m 0700 "$root/etc/farrow"
	install -m 0600 "$profile" "$root/etc/farrow/profile.yml"
	install -D -m 0755 "$fb" "$root/usr/local/sbin/farrow-firstboot"
	"$fb" unit >"$root/etc/systemd/system/farrow-firstboot.service"
	ln -sf ../farrow-firstboot.service "$root/etc/systemd/system/multi-user.target.wants/farrow-firstboot.service"
}

# fr_wait_firstboot: until node 1's farrow-firstboot status --json says done or failed (bounded
# 15 min); leaves the last status in $output.
fr_wait_firstboot() {
	for _ in $(seq 900); do
		run "$SANDBOX" exec 1 farrow-firstboot status --json
		case "$output" in *'"result":"done"'* | *'"result":"failed"'*) return 0 ;; esac
		sleep 1
	done
}

# The one-node suites (3100, 3300, 3310): root, systemd-nspawn and a Debian 12 host (the
# default bundle is built from this host's bookworm packages).
fr_node_suite_can_run() {
	[ "$(id -u)" = 0 ] && command -v systemd-nspawn >/dev/null || return 1
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ]
}

# fr_pgpass INVENTORY FILE [USER]: a pgpass file (0600) for USER's (default dbuser_meta) generated
# password, so psql never takes it in argv.
fr_pgpass() {
	local pw user=${3:-dbuser_meta}
	pw=$(grep -o "name: $user, password: [A-Za-z0-9]*" "$1" | sed 's/.*password: //')
	[ "${#pw}" -eq 24 ] || return 1
	printf '*:*:*:%s:%s\n' "$user" "$pw" >"$2"
	chmod 600 "$2"
}

# setup_file of a one-node suite: node 1 up, a bundle ($BUNDLE, key in $W/key), $W/meta.yml
# (Pigsty's meta with generated credentials; skipped when META is already set up by the suite)
# and $W/pgpass. Where the suite cannot run, nothing (its tests skip in fr_node_suite_setup).
fr_node_suite_setup_file() {
	fr_node_suite_can_run || return 0
	export W=$BATS_FILE_TMPDIR
	fr_node_fixture "$W"
	farrow configure -n -c meta -i 10.10.10.10 -v "$FR_PG" -g -o "$W/meta.yml" >/dev/null
	fr_pgpass "$W/meta.yml" "$W/pgpass"
}

fr_node_suite_teardown_file() {
	[ "$(id -u)" = 0 ] || return 0
	[ -z "${FR_KEEP_NODES:-}" ] || return 0 # a developer looking at the nodes after a failure
	"$FARROW_ROOT/test/sandbox/sandbox.sh" down
}

# setup of a one-node suite's test: skip with the reason where it cannot run; cd $W; FB, the
# farrow-firstboot the nodes get (the plain build: a sanitizer build needs libasan); psql's
# password file and a bounded connect.
fr_node_suite_setup() {
	[ "$(id -u)" = 0 ] || skip "the sandbox needs root"
	command -v systemd-nspawn >/dev/null || skip "needs systemd-nspawn"
	. /etc/os-release
	[ "$ID$VERSION_ID" = debian12 ] || skip "the default bundle is built by a Debian 12 host"
	cd "$W" || return 1
	fr_dist_vars
	FB="${FARROW_NODE_BIN:-$FARROW_ROOT/build}/farrow-firstboot"
	export PGPASSFILE=$W/pgpass PGCONNECT_TIMEOUT=5
}

# Build fixture RPMs with dependencies among them into $1.
fr_rpms() {
	local top=$BATS_FILE_TMPDIR/rpmbuild spec
	mk() {
		local name=$1 ver=$2
		shift 2
		spec=$BATS_FILE_TMPDIR/$name-$ver.spec
		{
			printf 'Name: %s\nVersion: %s\nRelease: 1\nSummary: farrow test %s\nLicense: MIT\nBuildArch: noarch\n' \
				"$name" "$ver" "$name"
			for d in "$@"; do printf '%s\n' "$d"; done
			printf '%%description\nfarrow test package.\n%%install\nmkdir -p %%{buildroot}/usr/share/%s\n' "$name"
			printf 'echo %s > %%{buildroot}/usr/share/%s/VERSION\n%%files\n/usr/share/%s/VERSION\n' "$ver" "$name" "$name"
		} >"$spec"
		rpmbuild --define "_topdir $top" -bb "$spec" >/dev/null 2>&1
	}
	mk frt-lib 1.0
	mk frt-lib 2.0
	mk frt-app 1.0 "Requires: frt-lib >= 2" "Requires: frt-virtual"
	mk frt-provider 1.0 "Provides: frt-virtual"
	mk frt-broken 1.0 "Requires: frt-nothing"
	mkdir -p "$1"
	cp "$top"/RPMS/noarch/*.rpm "$1/"
}

# An rpm-md mirror of those RPMs in $1, indexed by createrepo_c and signed (repomd.xml.asc) with a
# throwaway key whose public half goes to $1.key.
fr_rpm_mirror() { # fr_rpm_mirror <dir>
	local home
	fr_rpms "$1"
	createrepo_c --no-database --general-compress-type=gz "$1" >/dev/null
	home=$(mktemp -d /tmp/frgpg.XXXXXX)
	gpg --homedir "$home" --batch --passphrase '' --quick-gen-key "rpm mirror <r@farrow.invalid>" rsa3072 sign never 2>/dev/null
	gpg --homedir "$home" --batch -ab -o "$1/repodata/repomd.xml.asc" "$1/repodata/repomd.xml"
	gpg --homedir "$home" --export >"$1.key"
	gpgconf --homedir "$home" --kill all
	rm -rf "$home"
}

# fr_s3rver_start DIR CA_DIR [ADDR PORT [BUCKET...]]: s3rver (npm, pinned; installed once into
# the test cache) serving DIR over TLS, by default on the sandbox bridge, 10.10.10.1:9000, as
# sss.pigsty with bucket pgsql; given ADDR and PORT, there with the BUCKETs named (none by
# default). The certificate is from the inventory's farrow CA (CA_DIR holds ca.crt and ca.key),
# for sss.pigsty and ADDR. s3rver's fixed credentials: S3RVER / S3RVER. A real S3
# implementation for the S3 side of farrow (pgBackRest's repository, the minio module's
# buckets): MinIO itself cannot be fetched on these machines.
FR_S3RVER_VERSION=3.7.1
fr_s3rver_start() {
	local dir=$1 ca=$2 addr=${3:-10.10.10.1} port=${4:-9000} pre=$FR_TEST_CACHE/s3rver-$FR_S3RVER_VERSION b
	local buckets=(pgsql)
	[ $# -ge 3 ] && buckets=("${@:5}")
	command -v npm >/dev/null || { echo "needs npm (apt-get install nodejs; make deps)" >&2; return 1; }
	if [ ! -x "$pre/node_modules/.bin/s3rver" ]; then
		mkdir -p "$pre"
		npm install --prefix "$pre" --no-audit --no-fund --loglevel=error "s3rver@$FR_S3RVER_VERSION" >&2 || return 1
	fi
	mkdir -p "$dir/data"
	openssl req -x509 -new -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		-nodes -keyout "$dir/s3.key" -out "$dir/s3.crt" -days 2 -subj /CN=sss.pigsty \
		-addext "subjectAltName=DNS:sss.pigsty,IP:$addr" 2>/dev/null || return 1
	local cfg=()
	for b in "${buckets[@]}"; do cfg+=(--configure-bucket "$b"); done
	node "$pre/node_modules/s3rver/bin/s3rver.js" -d "$dir/data" -a "$addr" -p "$port" --no-vhost-buckets \
		--key "$dir/s3.key" --cert "$dir/s3.crt" "${cfg[@]}" >"$dir/s3rver.log" 2>&1 3>&- &
	echo $! >"$dir/s3rver.pid"
	for _ in $(seq 50); do
		curl -s --cacert "$ca/ca.crt" --resolve "sss.pigsty:$port:$addr" -o /dev/null "https://sss.pigsty:$port/" && return 0
		sleep 0.2
	done
	echo "s3rver did not answer on $addr:$port: $(tail -5 "$dir/s3rver.log")" >&2
	return 1
}

fr_s3rver_stop() {
	[ -f "$1/s3rver.pid" ] && kill "$(cat "$1/s3rver.pid")" 2>/dev/null
	rm -f "$1/s3rver.pid"
}
