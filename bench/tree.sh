#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Make the kernel work tree: the base, tagged "base", with series/ applied.
#
#   tree.sh           if the work tree holds work that is not in series/
#                     yet, but series/ is as it was applied, build on the
#                     work tree as it is and list that work;
#   tree.sh --exact   the work tree must be exactly base + series/.
#
# The work tree is compared with series/ as export.sh would write it, so
# commit messages, authorship and order count, not only the code.  The
# bench never overwrites work that is not in series/: it stops and says how
# to export it or put it aside.
. "$(dirname "$0")/lib.sh"

exact=0
[ "${1:-}" = --exact ] && exact=1

# What the bench last applied: the digests of series/ then, and of the work
# tree's own commits formatted right after (on another base than Debian's
# they differ from series/ in line numbers and index lines), as one posting
# whatever the postings of series/, so that a patch moved from one posting
# to the other in series/ is not taken for work in the tree.
applied_series=$LINUX_DIR/.git/mmn-applied-series
applied_tree=$LINUX_DIR/.git/mmn-applied-tree

# A fixed identity and date make the base commit the same on every machine.
base_commit_env() {
	GIT_AUTHOR_NAME="$PROJECT_IDENT_NAME" GIT_AUTHOR_EMAIL="$PROJECT_IDENT_EMAIL" \
	GIT_COMMITTER_NAME="$PROJECT_IDENT_NAME" GIT_COMMITTER_EMAIL="$PROJECT_IDENT_EMAIL" \
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
	"$@"
}

tmp=$(mktemp -d)
unpack=		# set while the base is being unpacked
trap 'rm -rf "$tmp" ${unpack:+"$unpack"}' EXIT

create_from_deb() {
	local deb=$1 version=$2
	say "unpacking $(basename "$deb") into $LINUX_DIR"
	# Next to the work tree, so that the last step is a rename.
	unpack=$(mktemp -d "$WORK_DIR/.unpack.XXXXXX")
	mkdir -p "$unpack/linux"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$unpack" ./usr/src/
	tar -xJf "$unpack"/usr/src/linux-source-*.tar.xz -C "$unpack/linux" \
		--strip-components=1
	rm -rf "$unpack/usr"
	git -C "$unpack/linux" init -q -b series
	# No background "gc --auto" over 90,000 loose objects racing the
	# bench's own git commands and builds.
	git -C "$unpack/linux" config gc.auto 0
	# Debian's top-level .gitignore ignores everything ("/*"): force-add.
	git -C "$unpack/linux" add -f -A .
	base_commit_env git -C "$unpack/linux" commit -q -m "Debian $BASE_PKG $version"
	git -C "$unpack/linux" tag base
	echo "$version" >"$unpack/linux/.git/mmn-base"
	mv "$unpack/linux" "$LINUX_DIR"
	rm -rf "$unpack"
	unpack=
}

create_from_kernel_tree() {
	local rev
	git -C "$KERNEL_TREE" rev-parse --git-dir >/dev/null 2>&1 ||
		die "KERNEL_TREE=$KERNEL_TREE is not a git repository"
	rev=$(git -C "$KERNEL_TREE" rev-parse HEAD)
	say "cloning $KERNEL_TREE (HEAD $rev) into $LINUX_DIR (shared objects; $KERNEL_TREE is not modified)"
	# Made under another name and renamed when complete, like the deb's.
	unpack=$(mktemp -d "$WORK_DIR/.clone.XXXXXX")
	git clone -q --shared --no-checkout --no-tags "$KERNEL_TREE" "$unpack/linux"
	git -C "$unpack/linux" config gc.auto 0
	git -C "$unpack/linux" checkout -q -b series "$rev"
	git -C "$unpack/linux" tag -f base >/dev/null
	echo "$KERNEL_TREE $rev" >"$unpack/linux/.git/mmn-base"
	mv "$unpack/linux" "$LINUX_DIR"
	rm -rf "$unpack"
	unpack=
}

# Digests of the work tree's commits formatted as series/ holds them.
tree_digests() {
	rm -rf "$tmp/fmt"
	format_patches "$tmp/fmt"
	patch_digests "$tmp/fmt"
}

# The same formatted as one posting: what $applied_tree records.
applied_digests() {
	rm -rf "$tmp/one"
	mkdir -p "$tmp/one"
	format_range "$tmp/one" base HEAD
	patch_digests "$tmp/one"
}

# What the work tree holds that series/ does not, one line each.
unexported_work() {
	local ids c id i
	kgit status --porcelain --untracked-files=no | sed 's/^/  uncommitted: /'
	kgit ls-files --others --directory | grep -v '__pycache__' | sed 's/^/  untracked: /'
	ids=$(series_patch_ids)
	kgit rev-list --reverse --no-merges base..HEAD | while read -r c; do
		id=$(kgit show --format= "$c" | git patch-id --stable | awk '{print $1}')
		grep -qx "$id" <<<"$ids" ||
			echo "  commit not in series/: $(kgit log -1 --format='%h %s' "$c")"
	done
	# Same code as a patch of series/, but not the same patch: message,
	# author or place in the series changed.
	local -a have want commits
	if [ -f "$applied_tree" ]; then
		mapfile -t have < <(applied_digests)
		mapfile -t want <"$applied_tree"
	else
		mapfile -t have < <(tree_digests)
		mapfile -t want < <(patch_digests "$SERIES_DIR")
	fi
	mapfile -t commits < <(kgit rev-list --reverse base..HEAD)
	for i in "${!commits[@]}"; do
		[ "${have[i]}" = "${want[i]:-}" ] && continue
		id=$(kgit show --format= "${commits[i]}" | git patch-id --stable | awk '{print $1}')
		grep -qx "$id" <<<"$ids" &&
			echo "  commit changed since applied (message, author or order): $(kgit log -1 --format='%h %s' "${commits[i]}")"
	done
	return 0
}

# What remaking the work tree would lose besides unexported_work().
kept_elsewhere() {
	kgit stash list | sed 's/^/  stash: /'
	kgit for-each-ref --no-merged=HEAD --format='%(refname:short)' \
		refs/heads refs/tags | grep -vx base | sed 's/^/  branch or tag: /'
	return 0
}

stop_for() {
	printf '%s\n' "$1" >&2
	cat >&2 <<MSG
ERROR: $2
  To keep the work: commit it in $LINUX_DIR, run 'make export', commit series/.
  To put it aside:  'make discard' (stashes changes, tags the old commits,
                    and resets the work tree to base + series/).
MSG
	exit 1
}

in_progress() {
	local g
	g=$(kgit rev-parse --git-dir)
	for f in rebase-merge rebase-apply MERGE_HEAD CHERRY_PICK_HEAD REVERT_HEAD BISECT_LOG; do
		[ -e "$g/$f" ] && { echo "$f"; return; }
	done
	return 0
}

# Every file that patch $1 fails in, tried one file at a time on the tree
# as git am left it (the patches before it applied).
failing_files() {
	local f bad=()
	while read -r f; do
		kgit apply --check --include="$f" "$1" >/dev/null 2>&1 || bad+=("$f")
	done < <(git apply --numstat "$1" | cut -f3-)
	local IFS=,
	printf '%s' "${bad[*]}" | sed 's/,/, /g'
}

# "16 patches", or "2 patches of 1-fix, 10 of 2-contract".
series_summary() {
	local d
	local -a dirs parts=()
	mapfile -t dirs < <(postings "$SERIES_DIR")
	if [ ${#dirs[@]} -eq 0 ]; then
		echo "$(series_patches | wc -l) patches"
		return
	fi
	for d in "${dirs[@]}"; do
		parts+=("$(patches_in "$d" | wc -l) of $(basename "$d")")
	done
	local IFS=,
	echo "${parts[*]}" | sed 's/,/, /g; s/ of / patches of /'
}

apply_series() {
	local out i patch files
	local -a patches
	mapfile -t patches < <(series_patches)
	if [ ${#patches[@]} -eq 0 ]; then
		say "series/ is empty: testing the bare base"
	else
		say "applying series/ ($(series_summary))"
		if ! out=$(kgit am -q "${patches[@]}" 2>&1); then
			# git am counts the patches of all postings together.
			i=$(sed -n 's/^Patch failed at \([0-9]*\) .*/\1/p' <<<"$out" | head -1)
			patch=
			[ -z "$i" ] || patch=${patches[10#$i - 1]:-}
			files=
			[ -z "$patch" ] || files=$(failing_files "$patch")
			kgit am --abort >/dev/null 2>&1 || true
			kgit reset -q --hard base
			# At the base, nothing applied: the next run tries again.
			: >"$applied_tree"
			rm -f "$applied_series"
			[ -n "$patch" ] || { printf '%s\n' "$out" >&2; die "git am failed (above); the work tree is left at the base"; }
			sed -n -e '/^error/p' -e "s|^Patch failed at [0-9]*|Patch failed at $(patch_name "$patch")|p" \
				<<<"$out" >&2
			die "series/${patch#"$SERIES_DIR"/} no longer applies${files:+: it fails in $files}.
  The work tree is left at the base; nothing else was changed."
		fi
	fi
	patch_digests "$SERIES_DIR" >"$applied_series"
	applied_digests >"$applied_tree"
}

mkdir -p "$WORK_DIR"

# Is the existing tree the bench's, and on the wanted base?
if [ -n "${KERNEL_TREE:-}" ]; then
	want_base="$KERNEL_TREE $(git -C "$KERNEL_TREE" rev-parse HEAD 2>/dev/null || echo '?')"
else
	deb=$("$BENCH_DIR/fetch.sh")
	version=$(dpkg-deb -f "$deb" Version)
	want_base=$version
fi
if [ -e "$LINUX_DIR" ] && [ ! -f "$LINUX_DIR/.git/mmn-base" ]; then
	die "$LINUX_DIR exists but was not made by the bench (no .git/mmn-base): move it away, or set WORK_DIR"
fi
if [ -d "$LINUX_DIR" ]; then
	op=$(in_progress)
	[ -z "$op" ] || die "a git operation is in progress in $LINUX_DIR ($op): finish or abort it first"
	check_borrowed
fi
# Changed or new files (Debian's .gitignore hides the new ones from status).
dirty_files() {
	{ kgit status --porcelain --untracked-files=no
	  kgit ls-files --others --directory; } | grep -v '__pycache__' || true
}

# Untouched since the bench applied series/: nothing of the user's in it.
pristine() {
	[ "$(applied_digests)" = "$(cat "$applied_tree" 2>/dev/null || echo none)" ] &&
		[ -z "$(dirty_files)" ]
}

if [ -d "$LINUX_DIR" ] && [ "$(cat "$LINUX_DIR/.git/mmn-base")" != "$want_base" ]; then
	left=$(kept_elsewhere)
	pristine || left=$(unexported_work; kept_elsewhere)
	[ -z "$left" ] || stop_for "$left" "the work tree is on another base ($(cat "$LINUX_DIR/.git/mmn-base")) and holds work that is not in series/ (above)"
	say "the work tree is on another base ($(cat "$LINUX_DIR/.git/mmn-base")); remaking it"
	rm -rf "$LINUX_DIR"
fi

if [ ! -d "$LINUX_DIR" ]; then
	if [ -n "${KERNEL_TREE:-}" ]; then
		create_from_kernel_tree
	else
		create_from_deb "$deb" "$version"
	fi
	apply_series
	exit 0
fi

series_now=$(patch_digests "$SERIES_DIR")
series_then=$(cat "$applied_series" 2>/dev/null || echo none)

# Exactly series/ (also for a tree that has no record of what was applied).
if [ "$(tree_digests)" = "$series_now" ] && [ -z "$(dirty_files)" ]; then
	printf '%s\n' "$series_now" >"$applied_series"
	applied_digests >"$applied_tree"
	say "work tree is up to date with series/"
	exit 0
fi

if pristine; then
	if [ "$series_now" = "$series_then" ]; then
		say "work tree is up to date with series/"
		exit 0
	fi
	# Nothing of the user's: series/ changed since it was applied.
	say "series/ changed: resetting the work tree to base and applying it again"
	kgit reset -q --hard base
	apply_series
	exit 0
fi

left=$(unexported_work)
[ -n "$left" ] || left="  (the work tree differs from what the bench applied)"
if [ "$series_now" != "$series_then" ]; then
	stop_for "$left" "series/ changed since it was applied, and the work tree holds work that is not in series/ (above)"
fi
[ "$exact" -eq 0 ] || stop_for "$left" "the work tree holds work that is not in series/ (above); 'make check' tests series/ alone"
printf '%s\n' "$left" >&2
warn "testing the work tree as it is: the work above is not in series/ yet ('make export')"
