# common.sh -- sourced by the sandbox benchmarks (install.sh, drill.sh, image.sh): the binaries from $1
# (default build) first on PATH, the sandbox and the test cache; bench_skip_unless_sandbox NAME
# exits 0 with a note where there is no root or systemd-nspawn; bench_bundle makes a work folder
# (removed, with the sandbox, at exit), a signing key and the default d12 bundle ($bundle).
BIN=${1:-build}
BIN=$(cd "$BIN" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SANDBOX=$ROOT/test/sandbox/sandbox.sh
CACHE=${FR_TEST_CACHE:-/var/tmp/farrow-test-cache}
export PATH=$BIN:$PATH

bench_skip_unless_sandbox() { # bench_skip_unless_sandbox WHAT
	if [ "$(id -u)" != 0 ] || ! command -v systemd-nspawn >/dev/null; then
		echo "== $1: skipped (needs root and systemd-nspawn for sandbox nodes)"
		exit 0
	fi
}

bench_bundle() { # bench_bundle NAME [--image]: cd into a new work folder with key/ and dist/, sets $work, $bundle
	work=$(mktemp -d "/tmp/farrow-bench-$1.XXXXXX")
	trap '"$SANDBOX" down; rm -rf "$work"' EXIT
	cd "$work"
	mkdir -p "$CACHE/rb-cache"
	repo-builder keygen --out key >/dev/null
	repo-builder build "$ROOT/profiles/bundles/d12-meta.yml" ${2:+"$2"} --key key/farrow-signing.key --out dist \
		--cache "$CACHE/rb-cache" --quiet >/dev/null
	bundle=$(ls dist/*.tar.zst)
}
