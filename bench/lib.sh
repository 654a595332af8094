# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers for the bench scripts.  Sourced, not run.
#
# Every path can be overridden from the environment:
#   WORK_DIR      where the kernel tree and build directories live
#   KERNEL_TREE   the user's own kernel git tree (see README)
#   MMN_CACHE     download and ccache cache, outside the clone
#   JOBS          make -j
#   SERIES_DIR    the series (series/)
#   FIX_PATCHES   how many commits the first posting takes (export.sh)

set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$BENCH_DIR/.." && pwd)
SERIES_DIR=${SERIES_DIR:-$TOP/series}
CONFIG_DIR=$TOP/configs
WORK_DIR=${WORK_DIR:-$TOP/work}
JOBS=${JOBS:-$(nproc)}

# The pinned base: Debian's linux-source-6.12 (v6.12.117 + Debian patches).
# stable.sh sets all three (and SERIES_DIR) to make its 6.1 tree with tree.sh.
BASE_PKG=${BASE_PKG:-linux-source-6.12}
BASE_VERSION=${BASE_VERSION:-6.12.117-1~deb12u1}
BASE_SHA256=${BASE_SHA256:-e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703}

# The identity the series' commits carry (README: how to put your own).
PROJECT_IDENT_NAME="mmu-notifier pairing project"
PROJECT_IDENT_EMAIL="mmn-pairing@example.org"

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

[[ ${FIX_PATCHES:-0} =~ ^[0-9]+$ ]] ||
	die "FIX_PATCHES=$FIX_PATCHES: it is a number of patches (of the first posting)"

# Downloads and ccache live outside the clone, so a fresh clone reuses them.
if [ -z "${MMN_CACHE:-}" ]; then
	if mkdir -p /var/cache/mmn-bench 2>/dev/null && [ -w /var/cache/mmn-bench ]; then
		MMN_CACHE=/var/cache/mmn-bench
	else
		MMN_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/mmn-bench
	fi
fi
mkdir -p "$MMN_CACHE"

# Built-in tree (made from the .deb) unless the user brings their own.
if [ -n "${KERNEL_TREE:-}" ]; then
	KERNEL_TREE=$(cd "$KERNEL_TREE" && pwd) || die "KERNEL_TREE: no such directory"
	LINUX_DIR=${LINUX_DIR:-$WORK_DIR/kernel-tree}
else
	LINUX_DIR=${LINUX_DIR:-$WORK_DIR/linux}
fi
BUILD_DIR=${BUILD_DIR:-$WORK_DIR/build${KERNEL_TREE:+-kernel-tree}}
# The second work tree (bisect-tree.sh) and its builds.
BISECT_DIR=${BISECT_DIR:-$WORK_DIR/bisect${KERNEL_TREE:+-kernel-tree}}

export CCACHE_DIR=${CCACHE_DIR:-$MMN_CACHE/ccache}
export CCACHE_BASEDIR=$WORK_DIR
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
# Depend mode: a miss does not run the preprocessor before compiling, which
# took a fourth of a cold UML build (4 min 5 s against 3 min 2 s here).
export CCACHE_DEPEND=1
# Debian's python3 first: it is the one that sees python3-ply and
# python3-git (scripts/spdxcheck.py), whatever else PATH holds.
export PATH=/usr/bin:/bin:$PATH
# kunit.py must not litter the source tree with __pycache__.
export PYTHONDONTWRITEBYTECODE=1

# Boot x86_64 kernel $1 with initramfs $2 and command line $3 under QEMU's
# TCG with -cpu EPYC (emulated SVM: kvm_amd loads and VMs can be created),
# two CPUs and 1 GiB, for at most $5 seconds.  The serial console goes to
# $4.log, and without carriage returns to $4.txt.  Returns QEMU's status
# (124: the time ran out).
boot_x86_guest() {
	local rc=0
	timeout "$5" qemu-system-x86_64 -accel tcg -cpu EPYC -m 1024 -smp 2 \
		-nodefaults -nographic -serial stdio -no-reboot \
		-kernel "$1" -initrd "$2" -append "$3" \
		</dev/null >"$4.log" 2>&1 || rc=$?
	tr -d '\r' <"$4.log" >"$4.txt"
	return $rc
}

# The steps that build the bench's own changes in the work tree itself
# (stress.sh's grafts, mutants.sh's mutants), where step 3's UML debug
# kernel is built already, borrow it: borrow_work_tree STEP refuses
# uncommitted changes, which would mix with the step's, and the leftovers
# of a borrow that was killed; borrowed PATH names each file of the tree
# before the step changes or adds it; on exit each is put back as HEAD
# has it (a new file is removed), and nothing else is touched.  A note in
# the tree's git directory names the files until then.
borrow_note() {
	git -C "$LINUX_DIR" rev-parse --path-format=absolute --git-path mmn-borrowed
}
check_borrowed() {
	local note files
	note=$(borrow_note)
	[ -f "$note" ] || return 0
	files=$(tail -n +2 "$note" | sort -u | paste -sd' ')
	die "$(head -1 "$note") was stopped before it put ${LINUX_DIR#"$TOP"/} back${files:+ ($files)}: 'git -C ${LINUX_DIR#"$TOP"/} checkout HEAD -- FILE' puts back one you did not change since (rm a new one), then 'rm $note'"
}
# No leftovers of a borrow and no uncommitted changes, for step $1, which
# changes the work tree.
need_clean_tree() {
	check_borrowed
	[ -z "$(git -C "$LINUX_DIR" status --porcelain --untracked-files=no)" ] ||
		die "${LINUX_DIR#"$TOP"/} has uncommitted changes: commit them (and 'make export') first; $1 changes the tree while it runs"
}
borrow_work_tree() {
	need_clean_tree "$1"
	BORROW_NOTE=$(borrow_note)
	BORROWER=$1
	echo "$BORROWER" >"$BORROW_NOTE"
	BORROWED=()
	trap 'give_back_work_tree && rm -f "$BORROW_NOTE" || exit 1' EXIT
}
borrowed() {
	[ ! -e "$LINUX_DIR/$1" ] || git -C "$LINUX_DIR" cat-file -e "HEAD:$1" 2>/dev/null ||
		die "${LINUX_DIR#"$TOP"/}/$1 is not HEAD's: $BORROWER would overwrite it"
	BORROWED+=("$1")
	echo "$1" >>"$BORROW_NOTE"
}
# Puts back what was borrowed so far; the note stays until the step ends.
give_back_work_tree() {
	local f bad=0
	for f in "${BORROWED[@]}"; do
		if git -C "$LINUX_DIR" cat-file -e "HEAD:$f" 2>/dev/null; then
			git -C "$LINUX_DIR" checkout -q HEAD -- "$f" || bad=1
		else
			rm -f "$LINUX_DIR/$f" || bad=1
		fi
	done
	if [ $bad -ne 0 ]; then
		warn "could not put back every file that $BORROW_NOTE names"
		return 1
	fi
	BORROWED=()
	echo "$BORROWER" >"$BORROW_NOTE"
}

# Run git in the kernel work tree with the project identity.
kgit() {
	git -C "$LINUX_DIR" -c user.name="$PROJECT_IDENT_NAME" \
		-c user.email="$PROJECT_IDENT_EMAIL" "$@"
}

# No work tree, no point going on: say which command makes it.
need_tree() {
	[ -e "$LINUX_DIR/.git" ] ||
		die "no work tree at ${LINUX_DIR#"$TOP"/}: run 'make${KERNEL_TREE:+ KERNEL_TREE=$KERNEL_TREE}' first"
}

# What the work tree holds: its HEAD, a digest of its uncommitted changes
# and one of configs/.  kunit.sh records it beside a kernel it built; the steps that
# boot that kernel again refuse one built from another state of the tree.
tree_state() {
	printf '%s %s\n' "$(git -C "$LINUX_DIR" rev-parse HEAD)" \
		"$({ git -C "$LINUX_DIR" diff HEAD; cat "$CONFIG_DIR"/*; } | sha1sum | cut -c1-12)"
}

# Die unless the kernel in build directory $1 was built from the tree as
# it is now.
need_fresh_kernel() {
	[ "$(cat "$1/tree-state" 2>/dev/null)" = "$(tree_state)" ] ||
		die "${1#"$TOP"/} was built from another state of ${LINUX_DIR#"$TOP"/}: run 'make kunit-x86_64' first"
}

# series/ is a sequence of postings, each its own format-patch output with
# its own cover letter and numbering, applied in order: series/1-fix, then
# series/2-contract.  A directory without posting directories is one flat
# posting (the old layout, and stable.sh's patch 1 alone).

# The posting directories of series directory $1, in order.
postings() {
	find "$1" -mindepth 1 -maxdepth 1 -type d -name '[0-9]-*' | LC_ALL=C sort
}

# The patches (not the cover letters) of series directory $1, in order:
# posting after posting.
patches_in() {
	local d
	local -a dirs
	mapfile -t dirs < <(postings "$1")
	[ ${#dirs[@]} -gt 0 ] || dirs=("$1")
	for d in "${dirs[@]}"; do
		find "$d" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
			! -name '0000-*' | LC_ALL=C sort
	done
}

series_patches() {
	patches_in "$SERIES_DIR"
}

# A patch by posting and number, as messages name it: "1-fix/0001" (or
# "0001" in a flat series directory).
patch_name() {
	local d b
	d=$(basename "$(dirname "$1")")
	b=$(basename "$1")
	case $d in [0-9]-*) ;; *) d= ;; esac
	echo "${d:+$d/}${b:0:4}"
}

# The work tree's commits since base, one a line as "POSTING NUMBER COMMIT",
# split into the postings of series/ ("." for a flat one): each posting
# but the last takes as many as it holds patches now, the first
# FIX_PATCHES if that is set; the last takes the rest.
split_commits() {
	local i=0 j k n
	local -a dirs commits
	mapfile -t dirs < <(postings "$SERIES_DIR")
	[ ${#dirs[@]} -gt 0 ] || dirs=(.)
	mapfile -t commits < <(kgit rev-list --reverse base..HEAD)
	for j in "${!dirs[@]}"; do
		if [ "$j" -eq $((${#dirs[@]} - 1)) ]; then
			n=${#commits[@]}
		elif [ "$j" -eq 0 ] && [ -n "${FIX_PATCHES:-}" ]; then
			n=$FIX_PATCHES
		else
			n=$(patches_in "${dirs[j]}" | wc -l)
		fi
		for ((k = 1; k <= n && i < ${#commits[@]}; k++, i++)); do
			printf '%s %04d %s\n' "$(basename "${dirs[j]}")" "$k" "${commits[i]}"
		done
	done
}

# The postings the work tree's commits make, one a line as "POSTING FROM TO"
# (git range FROM..TO); a posting left without commits is not listed.
posting_ranges() {
	local from=base name=. last=-1 p c
	while read -r p _ c; do
		if [ "$p" != "$name" ] && [ "$last" != -1 ]; then
			echo "$name $from $last"
			from=$last
		fi
		name=$p last=$c
	done < <(split_commits)
	[ "$last" = -1 ] || echo "$name $from $last"
}

# Format commits FROM..TO of the work tree into directory $1 exactly as a
# posting of series/ holds them (extra format-patch options may follow).
# The user's global and system git configuration is kept out, so that the
# bytes do not depend on who runs it.
format_range() {
	local out=$1 range=$2..$3 line
	local -a to=()
	shift 3
	while read -r line; do
		case $line in
		To:\ *) to+=("--to=${line#To: }") ;;
		Cc:\ *) to+=("--cc=${line#Cc: }") ;;
		esac
	done <"$CONFIG_DIR/recipients.txt"
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
		git -C "$LINUX_DIR" format-patch -q --zero-commit --no-signature \
		--numbered --subject-prefix=PATCH --no-base "${to[@]}" \
		-o "$out" "$@" "$range" >/dev/null
}

# Format the work tree's commits since base into directory $1 in the layout
# of series/, one directory a posting, each numbered from 1.
format_patches() {
	local out=$1 name from to
	shift
	mkdir -p "$out"
	while read -r name from to; do
		format_range "$out/$name" "$from" "$to" "$@"
	done < <(posting_ranges)
}

# sha256 of every patch (not the cover letters) in series directory $1, in
# order.
patch_digests() {
	patches_in "$1" | xargs -r sha256sum | awk '{print $1}'
}

# Patch-ids of the series, one a line, in order.
series_patch_ids() {
	local p
	series_patches | while read -r p; do
		git patch-id --stable <"$p" | awk '{print $1}'
	done
}

# Configure build directory $2 of kernel tree $1 as x86_64 tinyconfig with
# the Kconfig fragments "${@:4}" added; the log goes to $3.
config_x86_tiny() {
	local tree=$1 build=$2 log=$3
	shift 3
	{ make -C "$tree" O="$build" ARCH=x86_64 tinyconfig &&
	  "$tree/scripts/kconfig/merge_config.sh" -m -O "$build" \
		"$build/.config" "$@" &&
	  make -C "$tree" O="$build" ARCH=x86_64 olddefconfig; } >"$log" 2>&1
}

# Configure build directory $2 of kernel tree $1 as x86_64 tinyconfig with
# configs/kunit-m.config (kunit-m.sh); the log goes to $3.
config_kunit_m() {
	config_x86_tiny "$1" "$2" "$3" "$CONFIG_DIR/kunit-m.config"
}

# The lines of Kconfig fragments "${@:2}" that .config $1 does not hold as
# asked ("# CONFIG_X is not set" is also met by an absent CONFIG_X), as
# kunit.py checks a kunitconfig against the .config it built.
config_unmet() {
	local config=$1 line sym
	shift
	awk 1 "$@" | while read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$config" || echo "$line" ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$config" || echo "$line" ;;
		esac
	done
}

# Build bench/$2, a KUnit file of the bench's own (not of the series), into
# kernel tree $1 as lib/$2, under CONFIG_$3: a bool that selects
# MMU_NOTIFIER, added unless the tree has that option already; any further
# arguments are compiler flags for it.  Changes lib/$2, lib/Makefile and
# maybe Kconfig: for a caller that borrows the work tree, borrowed names
# them first.
graft_kunit_file() {
	local tree=$1 file=$2 sym=$3 obj
	shift 3
	obj=${file%.c}.o
	cp "$BENCH_DIR/$file" "$tree/lib/$file"
	# An option the tree has already: no new symbol, so the .config (and
	# with it every ccache key) stays that of the tree without the graft.
	if ! grep -rqx "config $sym" --include='Kconfig*' "$tree/mm" "$tree/lib"; then
		cat >>"$tree/Kconfig" <<KCONFIG

config $sym
	bool "$file of the mmu_notifier bench"
	depends on KUNIT && MMU
	select MMU_NOTIFIER
KCONFIG
	fi
	echo "obj-\$(CONFIG_$sym) += $obj" >>"$tree/lib/Makefile"
	[ $# -eq 0 ] || echo "CFLAGS_$obj += $*" >>"$tree/lib/Makefile"
}

# Build UML kernel tree $1 in directory $2 with the KUnit config $3 (a
# kunitconfig path), through ccache; the log is $2/build.log.
build_uml_kunit() {
	mkdir -p "$2"
	(cd "$1" && python3 tools/testing/kunit/kunit.py build --arch=um \
		--build_dir="$2" --kunitconfig="$3" \
		--make_options "CC=ccache gcc" --jobs "$JOBS") >"$2/build.log" 2>&1 || {
		tail -30 "$2/build.log" >&2
		die "the UML build in $2 failed (log: $2/build.log)"
	}
}

# The stable tree that stable.sh tries patch 1 on: Debian's linux-source-6.1
# (bookworm-security).
STABLE_PKG=linux-source-6.1
STABLE_VERSION=6.1.192-2
STABLE_SHA256=ae95fe63d4c553f8d0e6c86cb1ab566f3894a43743eb19ab585cd97d82f26514

# Compiler, sparse or kernel-doc output on stdin -> "file: warning: text",
# sorted, for files "$@" only, whatever prefix the build gave their path;
# line numbers are dropped, as the series moves lines.
series_file_warnings() {
	local f text
	# kernel-doc since 6.16 says "Warning: file:line text".
	text=$(sed -E 's/^Warning: ([^ :]+):([0-9]+) /\1:\2: warning: /')
	for f in "$@"; do
		grep -E "(^|/)$f:[0-9]+(:[0-9]+)?: (warning|error)" <<<"$text" |
			sed -E "s#^.*$f:[0-9]+(:[0-9]+)?: #$f: #" || true
	done | sort
}
