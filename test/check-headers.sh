#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every header of the core, the guest runtime and the driver partitions'
# libraries compiles on its own (Jailhouse's header_check):
# check-headers.sh CC, run from the top.
set -euo pipefail
cc="$1"
status=0
for h in $(find kernel/include kernel/arch/aarch64/include partitions/runtime userland-drivers -name '*.h' | sort); do
	if ! echo "#include \"$PWD/$h\"" | "$cc" -x c -std=gnu11 -fsyntax-only -Wall -Werror \
		-I kernel/include -I kernel/arch/aarch64/include -I partitions/runtime -I userland-drivers/lib - ; then
		echo "not self-contained: $h"
		status=1
	fi
done
exit $status
