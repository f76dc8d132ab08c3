#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check-systems.sh BHCHECK TARGETDIR: run the (sanitized) independent
# checker again on every system image the build made, with the arguments
# the build used (systems/NAME/bhcheck.args); then show that it refuses an
# image checked against another system's config, and removes it. A build
# tree kept across a pull can hold systems whose config is gone: skipped,
# and said so.
set -euo pipefail
tool=$1 target=$2
n=0
for dir in "$target"/systems/*/; do
	[[ -f "$dir/bulkhead.elf" && -f "$dir/bhcheck.args" ]] || continue
	read -ra args <"$dir/bhcheck.args"
	for ((i = 0; i + 1 < ${#args[@]}; i++)); do
		if [[ ${args[i]} == --name && ! -f ${args[i + 1]} ]]; then
			echo "skipped $dir: its config ${args[i + 1]} is gone (an old build)"
			continue 2
		fi
	done
	"$tool" "$dir/bulkhead.elf" "${args[@]}"
	n=$((n + 1))
done
echo "checked $n system images"
[[ $n -gt 0 ]]

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$target/systems/qemu-virt/bulkhead.elf" "$tmp/"
read -ra args <"$target/systems/test-concurrent/bhcheck.args"
if "$tool" "$tmp/bulkhead.elf" "${args[@]}" --remove-on-failure 2>"$tmp/err"; then
	echo "an image checked against another config was accepted"
	exit 1
fi
grep "problems in" "$tmp/err"
[[ ! -e "$tmp/bulkhead.elf" ]] || { echo "the refused image was not removed"; exit 1; }
