#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check.sh: scripts/blk-timeline's analysis on a recorded trace (four 4 KiB
# reads on each disk, cut from a real run of bench-io-block-driver-cmp,
# the threads' first GIC events included) gives the expected table; a
# report that does not name the direct disk, and an empty trace, are
# refused. Run from the top
# of the tree.
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
