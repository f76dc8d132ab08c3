#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Regenerate the seed corpora in test/fuzz/corpus/ (run from the top of the
# tree): a few guest calls for fuzz_calls (x0..x7, HVC flag, immediate),
# short access sequences for fuzz_vgic (one byte per step: kind in bits
# 0-2, vCPU 3-4, log2 size 5-6, write 7; then the step's operands, as
# fuzz_vgic.c reads them), the DTBs of the shipped configs and of some bad
# ones for fuzz_config, and for fuzz_image the hostile images of the
# bad-config corpus (test/configs/images) behind a memory-pick byte.
# Files named regress-* are inputs on which fuzzing once found a bug; they
# are kept by hand, not generated here.
set -euo pipefail
out=test/fuzz/corpus

le() { # VALUE BYTES: little-endian
	for ((i = 0; i < $2; i++)); do
		printf "\\x$(printf %02x $((($1 >> (8 * i)) & 0xff)))"
	done
}
call() { # FILE HVC IMM X0..X7
	local f=$1 hvc=$2 imm=$3
	shift 3
	{ for x in "$@"; do le "$x" 8; done; le "$hvc" 1; le "$imm" 4; } >"$out/fuzz_calls/$f"
}
mmio() { # KIND VCPU SIZELOG2 WRITE [FRAME] OFFSET VALUE
	le $(($1 | $2 << 3 | $3 << 5 | $4 << 7)) 1
	[[ $1 -eq 1 ]] && { le "$5" 1; shift; }
	le "$5" 2
	le "$6" 8
}

mkdir -p "$out"/fuzz_calls "$out"/fuzz_vgic "$out"/fuzz_config "$out"/fuzz_image
hello=$((0x77202c6f6c6c6568)) # "hello, w"
call console-write 1 0 0xc6000001 13 $hello 0x0a646c726f 0 0 0 0
call console-write-max 1 0 0xc6000001 48 $hello $hello $hello $hello $hello $hello
call whoami 1 0 0xc6000002 0 0 0 0 0 0 0
call cpu-on-64 0 0 0xc4000003 1 0x40001000 7 0 0 0 0
call cpu-on-32 1 0 0x84000003 1 0xfff00000 0 0 0 0 0
call affinity-info 0 0 0xc4000004 1 0 0 0 0 0 0
call psci-features 1 0 0x8400000a 0x84000003 0 0 0 0 0 0

{ # a sets and clears enables of its SPI 48 and b's 56; b reads them
	mmio 0 0 2 1 0x104 $((1 << 16 | 1 << 24))
	mmio 0 2 2 1 0x104 $((1 << 24))
	mmio 0 0 2 1 0x184 -1
	mmio 0 2 2 0 0x104 0
	mmio 0 0 0 1 $((0x400 + 48)) 0x60
	mmio 0 0 2 1 $((0xc00 + 12)) 2
	mmio 0 0 3 1 $((0x6000 + 8 * 48)) 1
	mmio 0 0 3 0 $((0x6000 + 8 * 56)) 0
} >"$out/fuzz_vgic/distributor"
{ # enable SGIs on a's two vCPUs, send some, inject, ack, deactivate
	mmio 1 0 2 1 0x80 0x100 0xffff
	mmio 1 0 2 1 0x81 0x100 $((0xffff | 1 << 27))
	mmio 1 0 0 1 0x80 $((0x400 + 27)) 0x80
	le $((2 | 0 << 3)) 1; le $((5 << 24 | 3)) 8
	le $((2 | 2 << 3)) 1; le $((1 << 40 | 6 << 24)) 8
	le $((3 | 0 << 3)) 1; le 27 1
	le $((3 | 0 << 3)) 1; le 48 1
	le $((3 | 2 << 3)) 1; le 56 1
	le $((4 | 0 << 3)) 1; le 0 1
	le $((5 | 0 << 3)) 1; le 0 1
	le $((6 | 1 << 3)) 1
	mmio 1 1 3 0 0x01 8 0
} >"$out/fuzz_vgic/sgis-and-lrs"

for f in config/qemu-virt.dts config/qemu-virt-linux-rt.dts \
	test/configs/bad/irq-owned-twice.dts test/configs/bad/unknown-property.dts \
	test/configs/bad/device-long-paths.dts test/configs/bad/device-tenth-interrupt.dts \
	test/configs/bad/device-gpio-interrupt.dts test/configs/bad/cpu-beyond-16.dts \
	test/integration/gic-attack/config.dts test/integration/smp/config.dts; do
	cpp -nostdinc -undef -x assembler-with-cpp -I dts -I test/configs/platforms \
		-I "$(dirname "$f")" "$f" |
		dtc -q -I dts -O dtb -o "$out/fuzz_config/$(basename "${f%/config.dts}" .dts).dtb" -
done
pick=0
for f in test/configs/images/*.elf test/configs/images/*.bin; do
	[[ -L "$f" ]] && continue
	{ le $((pick++ % 32)) 1; cat "$f"; } >"$out/fuzz_image/$(basename "$f")"
done
