#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check.sh: scripts/blk-timeline's analysis on a recorded trace gives the
# expected tables. The trace is two cuts from one real run of
# bench-io-block-driver-cmp: six 1 MiB reads through the driver, then six
# direct, and the same of 4 KiB, so five requests of each (a read whose
# next read is on the other disk or of another size ends a round and is
# not one). A report that does not name the direct disk, and an empty
# trace, are refused. Run from the top of the tree.
set -uo pipefail
dir=test/tools/blk-timeline
status=0
if ! diff -u "$dir/expected" <(scripts/blk-timeline --analyze "$dir/trace" "$dir/report.txt"); then
	echo "blk-timeline: the table differs from $dir/expected"
	status=1
fi
if scripts/blk-timeline --analyze "$dir/trace" <(grep -v a002e00 "$dir/report.txt") 2>/dev/null; then
	echo "blk-timeline: accepted a report without the direct disk"
	status=1
fi
if scripts/blk-timeline --analyze /dev/null "$dir/report.txt" 2>/dev/null; then
	echo "blk-timeline: gave a table without a trace"
	status=1
fi
exit $status
