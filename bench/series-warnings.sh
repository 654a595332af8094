#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fail if build log $1 shows a warning in a file the series touches.  The
# base has warnings of its own (lib/iomap.c on UML); the series' files must
# build without any.  $2 names the build in the message.
. "$(dirname "$0")/lib.sh"

log=${1:?usage: series-warnings.sh BUILD-LOG WHAT}
what=${2:-the}
patterns=()
while read -r f; do
	patterns+=(-e "$f:")
done < <(git -C "$LINUX_DIR" diff --name-only base -- '*.c' '*.h')
if [ ${#patterns[@]} -gt 0 ] &&
	grep -F "${patterns[@]}" "$log" | grep 'warning:' >&2; then
	die "the $what build warns in files the series touches (log: $log)"
fi
exit 0
