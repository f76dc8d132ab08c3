#!/bin/sh
# SPDX-License-Identifier: MIT
# Turn the "->NAME value" markers that offsets.c leaves in its assembly
# output into #defines: asm-offsets.sh offsets.s asm-offsets.h
set -e
{
	echo "/* Generated from offsets.c. Do not edit. */"
	echo "#pragma once"
	sed -n 's/.*->\([A-Z_0-9]*\) #\{0,1\}\([0-9]*\).*/#define \1 \2/p' "$1"
} > "$2.tmp"
mv "$2.tmp" "$2"
