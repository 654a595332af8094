#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Throw away the work tree's unexported work: reset it to base + series/.
. "$(dirname "$0")/lib.sh"

[ -d "$LINUX_DIR/.git" ] || die "no work tree at $LINUX_DIR: nothing to discard"
kgit am --abort >/dev/null 2>&1 || true
say "discarding in $LINUX_DIR:"
kgit status --short --untracked-files=no >&2 || true
kgit log --oneline base..HEAD >&2 || true
kgit reset -q --hard base
kgit clean -q -fdx
"$BENCH_DIR/tree.sh" --exact
