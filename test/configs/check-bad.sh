#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# check-bad.sh BHCONFIG CONFIG.dts IMAGEDIR...: CONFIG must be rejected, and
# the tool's messages (stderr, in order) must be exactly the lines the file
# lists as "// expect: ..." comments. Run from the top of the tree, so that
# messages name the file as test/configs/bad/NAME.dts. Platforms come from
# dts/ or test/configs/platforms/ (-P), which test platforms use to add
# devices (a config itself may not).
set -uo pipefail
tool="$1" config="$2"
shift 2
images=()
for d in "$@"; do
	images+=(-L "$d")
done

expected=$(sed -n 's|^// expect: ||p' "$config")
[[ -n "$expected" ]] || { echo "$config has no '// expect:' line"; exit 1; }
actual=$("$tool" check "$config" -P dts -P test/configs/platforms -I "$(dirname "$config")" "${images[@]}" 2>&1 >/dev/null)
status=$?
actual=$(printf '%s\n' "$actual" | sed '/^$/d') # dtc separates its errors with blank lines
if [[ $status -ne 1 ]]; then
	echo "expected exit status 1 (rejected), got $status"
	printf '%s\n' "$actual"
	exit 1
fi
if [[ "$actual" != "$expected" ]]; then
	echo "--- expected"
	printf '%s\n' "$expected"
	echo "--- actual"
	printf '%s\n' "$actual"
	exit 1
fi
printf '%s\n' "$actual"
