#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check-good.sh BHCONFIG CONFIG.dts IMAGEDIR...: CONFIG must be accepted
# (generated into a temporary directory), the config.c it generates must
# compile with the core's warnings (the host compiler, $CC or cc, checks
# its syntax and types: two initialisers of one table entry are an
# error), and every "// guest-dt: PART NODE PROPERTY TYPE VALUE..." line
# of it must hold in partition PART's device tree (fdtget -t TYPE: x for
# cells in hex, s for a string). Run from the top of the tree.
set -uo pipefail
tool="$1" config="$2"
shift 2
images=()
for d in "$@"; do
	images+=(-L "$d")
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$tool" gen "$config" --out "$out" -P dts -P test/configs/platforms \
	-I "$(dirname "$config")" "${images[@]}" || exit 1
"${CC:-cc}" -fsyntax-only -Wall -Wextra -Werror -Wconversion \
	-Wsign-conversion -Wshadow -Wvla -Wswitch-default -Wmissing-prototypes \
	-Ikernel/include -Ikernel/arch/aarch64/include "$out/config.c" || exit 1
status=0
while read -r part node prop type value; do
	actual=$(fdtget -t "$type" "$out/$part.dtb" "$node" "$prop" 2>&1)
	if [[ "$actual" != "$value" ]]; then
		echo "$part: $node $prop: expected '$value', got '$actual'"
		status=1
	fi
done < <(sed -n 's|^// guest-dt: ||p' "$config")
exit $status
