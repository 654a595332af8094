#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the bench needs, only those that are missing.
. "$(dirname "$0")/lib.sh"

# "deps.sh" installs what "make" needs: a UML kernel build and kunit.py,
# nothing more (a fresh machine's first "make" waits for every package).
# "deps.sh check" adds what only "make check" needs: the x86_64 tool set
# (libelf for objtool, libssl for certificates, kmod, cpio, dwarves), QEMU
# and busybox for the guests, sparse, Sphinx, and checkpatch's Python
# modules; "deps.sh bench" adds gnuplot, and QEMU and the x86_64 tool set
# for the benchmark's -icount kernels.
pkgs=(gcc make libc6-dev flex bison bc python3 perl git ccache xz-utils)
case ${1:-} in
check)
	pkgs+=(build-essential cpio kmod libelf-dev libssl-dev gawk rsync
	       dwarves python3-ply python3-git qemu-system-x86 qemu-utils
	       busybox-static sparse python3-sphinx
	       gcc-aarch64-linux-gnu gcc-riscv64-linux-gnu libc6-dev-i386
	       lib32gcc-12-dev coccinelle ocaml-nox)
	;;
bench)
	pkgs+=(gnuplot-nox qemu-system-x86 libelf-dev libssl-dev)
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing missing Debian packages: ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
if [ -n "$sudo" ] && ! command -v sudo >/dev/null; then
	die "not root and no sudo: install these packages first: ${missing[*]}"
fi
export DEBIAN_FRONTEND=noninteractive
install() {
	$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
# The package lists a machine has are usually good enough; update them
# only if installing from them fails (none yet, or a version gone).
if ! install 2>/dev/null; then
	$sudo apt-get update -qq ||
		die "apt-get update failed; check the Debian mirror in /etc/apt/sources.list*"
	install || die "apt-get install failed for: ${missing[*]}"
fi
