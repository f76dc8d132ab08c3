#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check-systems.sh BHCHECK TARGETDIR: run the (sanitized) independent
# checker again on every system image the build made, with the arguments
# the build used (systems/NAME/bhcheck.args); then show that it refuses an
# image checked against another system's config, and removes it.
set -euo pipefail
tool=$1 target=$2
n=0
for dir in "$target"/systems/*/; do
	[[ -f "$dir/bulkhead.elf" && -f "$dir/bhcheck.args" ]] || continue
	read -ra args <"$dir/bhcheck.args"
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
