#!/bin/sh
# Install the Debian packages farrow needs (mk/apt-packages.txt), only those missing.
set -eu
list=$(dirname "$0")/../mk/apt-packages.txt
missing=
for p in $(grep -v '^[[:space:]]*#' "$list"); do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
n=$(echo $missing | wc -w)
echo "install-deps: $n Debian packages are missing; installing them with apt-get (a minute or two on a fresh machine):"
echo "$missing" | fold -s -w 96 | sed 's/^ */    /'
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
apt-get update -q
echo "install-deps: apt-get install$missing"
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
# npm: inside some sources' nodejs, a package of its own in Debian's (which conflicts with the former)
command -v npm >/dev/null 2>&1 || apt-get install -y -q --no-install-recommends npm
echo "install-deps: done"
