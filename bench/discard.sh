#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Put the work tree's unexported work aside and reset it to base + series/.
# Nothing is deleted: changes, untracked files included, go to a git stash,
# and the old commits keep a tag, both in the work tree.
. "$(dirname "$0")/lib.sh"

[ -f "$LINUX_DIR/.git/mmn-base" ] || die "no work tree made by the bench at $LINUX_DIR: nothing to discard"
kgit am --abort >/dev/null 2>&1 || true
kgit rebase --abort >/dev/null 2>&1 || true

stamp=$(date +%Y%m%d-%H%M%S)
tag=discarded/$stamp
kgit tag "$tag" HEAD
say "old commits kept as tag $tag (git -C $LINUX_DIR log base..$tag)"
if [ -n "$({ kgit status --porcelain --untracked-files=no
	kgit ls-files --others --exclude='__pycache__'; } | head -1)" ]; then
	kgit stash push -q --all -m "make discard $stamp"
	say "changes and untracked files stashed (git -C $LINUX_DIR stash show -p --include-untracked)"
fi
kgit reset -q --hard base
# Record the bare base as what was applied, series/ as never applied:
# tree.sh then applies it.
: >"$LINUX_DIR/.git/mmn-applied-tree"
rm -f "$LINUX_DIR/.git/mmn-applied-series"
"$BENCH_DIR/tree.sh" --exact
