# common.bash -- shared setup for farrow's bats suites.
# FARROW_BIN names the directory holding the binaries under test (make sets it).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

FARROW_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
: "${FARROW_BIN:=$FARROW_ROOT/build}"
export PATH="$FARROW_BIN:$PATH"
# Pigsty's templates and examples live beside the project, never inside it.
SHARED=${FARROW_SHARED:-$FARROW_ROOT/../shared}

# Skip (visibly) when Pigsty's files are not beside the project.
fr_need_shared() {
	[ -d "$SHARED/pigsty-conf" ] || skip "needs Pigsty's templates in $SHARED (../shared beside the clone)"
}

fr_isolate() {
	cd "$BATS_TEST_TMPDIR" || return 1
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	unset HTTP_PROXY HTTPS_PROXY ALL_PROXY NO_PROXY http_proxy https_proxy all_proxy no_proxy
}

# The inventory in $1 with its first mention of $2 replaced by $3, into $4.
fr_mutate() {
	python3 - "$1" "$2" "$3" "$4" <<'PY'
import sys
src, old, new, dst = sys.argv[1:]
text = open(src).read()
assert old in text, f"{old!r} not in {src}"
open(dst, "w").write(text.replace(old, new, 1))
PY
}

# fr_flip_byte FILE OFFSET: change the byte at OFFSET to another value (never the same one:
# writing a fixed 'X' leaves a file untouched whenever that byte already was an 'X').
fr_flip_byte() {
	python3 - "$1" "$2" <<'PY'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    assert b, f"{path} is shorter than {off + 1} bytes"
    f.seek(off)
    f.write(bytes([b[0] ^ 0x5A]))
PY
}
