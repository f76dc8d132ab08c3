#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Regenerate the hostile guest images of the bad-config corpus (run from
# this directory); the files are kept in the tree, and also seed the
# fuzz_image fuzzer (test/fuzz/corpus/fuzz_image, first byte: memory pick).
# Each is an ELF64 AArch64 header with one program header, or an arm64
# Linux Image header, whose fields lie in one way:
#   filesz-over-memsz.elf  p_filesz 0x3000 > p_memsz 0x1000
#   phoff-wraps.elf        e_phoff near 2^64 (offset + size wraps)
#   offset-wraps.elf       p_offset near 2^64
#   paddr-wraps.elf        p_paddr + p_memsz wraps
#   no-load.elf            no program header at all
#   entry-outside.elf      a good segment, e_entry outside any memory
#   small-image-size.bin   Image header image_size 0x1000, file 0x3000
#   raw.bin                a few bytes of text: a raw image
#   at-2m.elf              a good segment of 0x1000 bytes at 0x40200000,
#                          where the bundled guests load (fixed size, so
#                          the corpus's messages do not follow the guests)
# escape.elf is a symbolic link out of this directory (kept in git).
set -euo pipefail

le() { # VALUE BYTES: little-endian
	local v=$1
	for ((i = 0; i < $2; i++)); do
		printf "\\x$(printf %02x $(((v >> (8 * i)) & 0xff)))"
	done
}
ehdr() { # ENTRY PHOFF PHNUM
	printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	le 2 2; le 183 2; le 1 4; le "$1" 8; le "$2" 8; le 0 8; le 0 4
	le 64 2; le 56 2; le "$3" 2; le 0 2; le 0 2; le 0 2
}
phdr() { # OFFSET PADDR FILESZ MEMSZ
	le 1 4; le 5 4; le "$1" 8; le "$2" 8; le "$2" 8; le "$3" 8; le "$4" 8
	le 0x1000 8
}
pad() { # FILE SIZE: zero-fill to SIZE bytes
	local n=$(($2 - $(stat -c %s "$1")))
	head -c "$n" /dev/zero >>"$1"
}
elf() { # FILE ENTRY PHOFF PHNUM [OFFSET PADDR FILESZ MEMSZ] SIZE
	local f=$1
	{
		ehdr "$2" "$3" "$4"
		[[ $# -gt 5 ]] && phdr "$5" "$6" "$7" "$8"
	} >"$f"
	pad "$f" "${!#}"
}

elf filesz-over-memsz.elf 0x40200000 64 1 0x1000 0x40200000 0x3000 0x1000 0x4000
elf phoff-wraps.elf 0x40200000 0xfffffffffffffff0 1 0x1000 0x40200000 0x100 0x1000 0x2000
elf offset-wraps.elf 0x40200000 64 1 0xffffffffffffff00 0x40200000 0x200 0x1000 0x2000
elf paddr-wraps.elf 0xfffffffffffff000 64 1 0x1000 0xfffffffffffff000 0x100 0x2000 0x2000
elf no-load.elf 0x40200000 64 0 0x1000
elf entry-outside.elf 0x10000000 64 1 0x1000 0x40200000 0x100 0x1000 0x2000
elf at-2m.elf 0x40200000 64 1 0x1000 0x40200000 0x100 0x1000 0x2000
{ # arm64 Image header: code0/1, text_offset, image_size, flags, ..., magic
	le 0 8; le 0 8; le 0x1000 8; le 0xa 8; le 0 8; le 0 8; le 0 8
	printf 'ARM\x64'; le 0 4
} >small-image-size.bin
pad small-image-size.bin 0x3000
ln -sfn ../../../dts/qemu-virt.dtsi escape.elf
printf 'raw guest\n' >raw.bin
