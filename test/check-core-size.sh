#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check-core-size.sh REPORT LIMIT: the core's size in a build report
# (text + rodata + data + bss + page tables) must stay within LIMIT bytes.
set -euo pipefail
size=$(sed -n 's/^core: \([0-9]*\) bytes.*/\1/p' "$1")
[[ -n "$size" ]] || { echo "no core size in $1"; exit 1; }
echo "core: $size bytes (limit $2)"
grep '^core:' "$1"
(( size <= $2 ))
