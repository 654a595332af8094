#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make the kernel work tree: the base, tagged "base", with series/ applied.
#
#   tree.sh           build on the work tree as it is if it already holds the
#                     series (extra, unexported work on top is reported);
#   tree.sh --exact   the work tree must be exactly base + series/ (make check).
#
# Never overwrites commits or changes that are not in series/: it stops and
# says how to export or discard them.
. "$(dirname "$0")/lib.sh"

exact=0
[ "${1:-}" = --exact ] && exact=1

# A fixed identity and date make the base commit the same on every machine.
base_commit_env() {
	GIT_AUTHOR_NAME="$PROJECT_IDENT_NAME" GIT_AUTHOR_EMAIL="$PROJECT_IDENT_EMAIL" \
	GIT_COMMITTER_NAME="$PROJECT_IDENT_NAME" GIT_COMMITTER_EMAIL="$PROJECT_IDENT_EMAIL" \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	"$@"
}

create_from_deb() {
	local deb=$1 version=$2 tmp
	say "unpacking $(basename "$deb") into $LINUX_DIR"
	tmp=$(mktemp -d "$WORK_DIR/.unpack.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/src/
	mkdir -p "$tmp/linux"
	tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp/linux" --strip-components=1
	git -C "$tmp/linux" init -q -b master
	# No background "gc --auto" over 90,000 loose objects racing the
	# bench's own git commands and builds.
	git -C "$tmp/linux" config gc.auto 0
	# Debian's top-level .gitignore ignores everything ("/*"): force-add.
	git -C "$tmp/linux" add -f -A .
	base_commit_env git -C "$tmp/linux" commit -q -m "Debian $BASE_PKG $version"
	git -C "$tmp/linux" tag base
	echo "$version" >"$tmp/linux/.git/mmn-base"
	mv "$tmp/linux" "$LINUX_DIR"
	rm -rf "$tmp"
}

create_from_kernel_tree() {
	local rev
	git -C "$KERNEL_TREE" rev-parse --git-dir >/dev/null 2>&1 ||
		die "KERNEL_TREE=$KERNEL_TREE is not a git repository"
	rev=$(git -C "$KERNEL_TREE" rev-parse HEAD)
	say "cloning $KERNEL_TREE (HEAD $rev) into $LINUX_DIR (shared objects; $KERNEL_TREE is not modified)"
	git clone -q --shared --no-checkout "$KERNEL_TREE" "$LINUX_DIR"
	git -C "$LINUX_DIR" config gc.auto 0
	git -C "$LINUX_DIR" checkout -q --detach "$rev"
	git -C "$LINUX_DIR" tag base
	echo "$KERNEL_TREE $rev" >"$LINUX_DIR/.git/mmn-base"
}

# What the work tree holds that series/ does not: uncommitted changes,
# untracked files, commits whose patch-id is not in series/.
unexported_work() {
	local ids c id
	kgit status --porcelain --untracked-files=no | sed 's/^/  uncommitted: /'
	kgit ls-files --others --directory | grep -v '__pycache__' | sed 's/^/  untracked: /'
	ids=$(series_patch_ids)
	kgit rev-list --reverse --no-merges base..HEAD | while read -r c; do
		id=$(kgit show --format= "$c" | git patch-id --stable | awk '{print $1}')
		grep -qx "$id" <<<"$ids" ||
			echo "  commit not in series/: $(kgit log -1 --format='%h %s' "$c")"
	done
}

stop_for_unexported() {
	printf '%s\n' "$1" >&2
	cat >&2 <<MSG
ERROR: the work tree $LINUX_DIR holds work that is not in series/ (above).
  To keep it:    commit it there, then run 'make export' and commit series/.
  To discard it: run 'make discard' (resets the work tree to base + series/).
MSG
	exit 1
}

apply_series() {
	local out patch file
	[ -n "$(series_patches)" ] || { say "series/ is empty: testing the bare base"; return; }
	say "applying series/ ($(series_patches | wc -l) patches)"
	mapfile -t patches < <(series_patches)
	if ! out=$(kgit am -q "${patches[@]}" 2>&1); then
		patch=$(sed -n 's/^Patch failed at \([0-9]*\) .*/\1/p' <<<"$out" | head -1)
		file=$(sed -n -e 's/^error: patch failed: \(.*\):[0-9]*$/\1/p' \
			-e 's/^error: \(.*\): does not exist in index$/\1/p' \
			-e 's/^error: \(.*\): already exists in index$/\1/p' <<<"$out" | head -1)
		kgit am --abort >/dev/null 2>&1 || true
		kgit reset -q --hard base
		printf '%s\n' "$out" >&2
		[ -n "$patch" ] || die "git am failed (above); the work tree is left at the base"
		die "series/$(cd "$SERIES_DIR" && ls "$patch"-*.patch 2>/dev/null) no longer applies${file:+: it fails in $file}.
  The work tree is left at the base; nothing else was changed."
	fi
}

mkdir -p "$WORK_DIR"

if [ -d "$LINUX_DIR/.git" ] && [ -d "$LINUX_DIR/.git/rebase-apply" ]; then
	die "a 'git am' is in progress in $LINUX_DIR: finish it ('git am --continue') or abort it ('git am --abort') first"
fi

# Is the existing tree on the wanted base?  If not, it must be remade.
if [ -n "${KERNEL_TREE:-}" ]; then
	want_base="$KERNEL_TREE $(git -C "$KERNEL_TREE" rev-parse HEAD 2>/dev/null || echo '?')"
else
	deb=$("$BENCH_DIR/fetch.sh")
	version=$(dpkg-deb -f "$deb" Version)
	want_base=$version
fi
if [ -d "$LINUX_DIR/.git" ] && [ "$(cat "$LINUX_DIR/.git/mmn-base" 2>/dev/null)" != "$want_base" ]; then
	left=$(unexported_work)
	[ -z "$left" ] || stop_for_unexported "$left"
	say "the work tree is on another base ($(cat "$LINUX_DIR/.git/mmn-base" 2>/dev/null)); remaking it"
	rm -rf "$LINUX_DIR"
fi

if [ ! -d "$LINUX_DIR/.git" ]; then
	rm -rf "$LINUX_DIR"
	if [ -n "${KERNEL_TREE:-}" ]; then
		create_from_kernel_tree
	else
		create_from_deb "$deb" "$version"
	fi
	apply_series
	exit 0
fi

want=$(series_patch_ids)
have=$(tree_patch_ids)
left=$(unexported_work)

if [ "$have" = "$want" ] && [ -z "$left" ]; then
	say "work tree is up to date with series/"
	exit 0
fi

# The tree holds the whole series, plus work of its own on top.
if [ -n "$left" ] && [ "$(head -n "$(grep -c . <<<"$want")" <<<"$have")" = "$want" ]; then
	[ "$exact" -eq 0 ] || stop_for_unexported "$left"
	printf '%s\n' "$left" >&2
	warn "testing the work tree as it is: the work above is not in series/ yet ('make export')"
	exit 0
fi

[ -z "$left" ] || stop_for_unexported "$left"
say "series/ changed: resetting the work tree to base and applying it again"
kgit reset -q --hard base
apply_series
