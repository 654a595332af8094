#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Print the path of the second work tree that the base side of static.sh,
# htmldocs.sh, cross.sh and coccicheck.sh checks commits out in,
# $BISECT_DIR/linux (work/bisect/linux), making it first if needed.  It
# sits at the same relative path as work/linux (and its builds as
# work/build), so that ccache hits.
. "$(dirname "$0")/lib.sh"

tree=$BISECT_DIR/linux
if [ ! -d "$tree/.git" ] && [ ! -f "$tree/.git" ]; then
	rm -rf "$tree"
	git -C "$LINUX_DIR" worktree prune
	mkdir -p "$(dirname "$tree")"
	git -C "$LINUX_DIR" worktree add -q --detach "$tree" base >&2
fi
echo "$tree"
