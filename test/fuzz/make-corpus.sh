#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Regenerate the seed corpora in test/fuzz/corpus/ (run from the top of the
# tree): a few guest calls for fuzz_calls (x0..x7, HVC flag, immediate),
# short access sequences for fuzz_vgic (one byte per step: kind in bits
# 0-2, vCPU 3-4, log2 size 5-6, write 7; then the step's operands, as
# fuzz_vgic.c reads them), the DTBs of the shipped configs and of some bad
# ones for fuzz_config, for fuzz_image the hostile images of the
# bad-config corpus (test/configs/images) behind a memory-pick byte, and a
# few queues for fuzz_virtq (layout below). Files named regress-* are
# inputs on which fuzzing once found a bug; they are kept by hand, not
# generated here.
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

mkdir -p "$out"/fuzz_calls "$out"/fuzz_vgic "$out"/fuzz_config "$out"/fuzz_image \
	"$out"/fuzz_virtq "$out"/fuzz_blk "$out"/fuzz_vdev "$out"/fuzz_console
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
	test/integration/gic-attack/config.dts test/integration/smp/config.dts \
	config/qemu-virt-drivers.dts test/integration/drivers-block/config.dts \
	test/configs/good/virtio.dts; do
	cpp -nostdinc -undef -x assembler-with-cpp -I dts -I test/configs/platforms \
		-I "$(dirname "$f")" "$f" |
		dtc -q -I dts -O dtb -o "$out/fuzz_config/$(basename "${f%/config.dts}" .dts).dtb" -
done
pick=0
for f in test/configs/images/*.elf test/configs/images/*.bin; do
	[[ -L "$f" ]] && continue
	{ le $((pick++ % 32)) 1; cat "$f"; } >"$out/fuzz_image/$(basename "$f")"
done

# fuzz_virtq: a 40-byte header (queue size, as log2 if below 16; flags
# 1 EVENT_IDX, 2 INDIRECT_DESC, 4 start by resuming, 8 region 1 at G1;
# segment capacity - 1; number of steps; max bytes; G0; desc, avail and
# used offsets from G0; sizes of regions 0 and 1; G1), 4-byte steps (kind,
# byte, u16), then the regions' contents. Steps: 0 pop, 1 drain-pop, 2 complete the oldest
# (byte: length), 3 complete id u16, 4 frontend writes byte at u16,
# 5 kicks off, 6 kicks on, 7 interrupt?, 8 driver restart. The seeds use
# queue size 8 at G0: descriptors at 0, avail ring at 128, used at 152,
# buffers from 256, region 1 (256 bytes) right after region 0 (1024).
g0=$((0x40000000))
image=$(mktemp)
trap 'rm -f "$image"' EXIT
put() { # OFFSET VALUE BYTES: into the region image
	le "$2" "$3" | dd of="$image" bs=1 seek="$1" conv=notrunc status=none
}
desc() { # TABLE INDEX ADDR LEN FLAGS NEXT (TABLE: offset in region 0)
	local at=$(($1 + 16 * $2))
	put $at "$3" 8; put $((at + 8)) "$4" 4; put $((at + 12)) "$5" 2; put $((at + 14)) "$6" 2
}
avail() { # IDX HEAD...: ring entries from slot IDX - number of heads
	local idx=$1 slot
	shift
	slot=$((idx - $#))
	for h in "$@"; do put $((132 + 2 * (slot++ & 7))) "$h" 2; done
	put 130 $((idx & 0xffff)) 2
}
vq() { # FILE FLAGS STEP...: header, steps ("KIND BYTE U16"), image
	local f=$1 flags=$2
	shift 2
	{
		le 3 1; le "$flags" 1; le 15 1; le $# 1; le 4096 4; le $g0 8
		le 0 4; le 128 4; le 152 4; le 1024 2; le 256 2; le 0 8
		for s in "$@"; do set -- $s; le "$1" 1; le "$2" 1; le "$3" 2; done
		cat "$image"
	} >"$out/fuzz_virtq/$f"
	truncate -s 0 "$image"
	truncate -s 1280 "$image"
}
N=1 W=2 I=4
truncate -s 1280 "$image"
desc 0 0 $((g0 + 256)) 16 $N 1
desc 0 1 $((g0 + 320)) 32 $W 0
desc 0 3 $((g0 + 384)) 8 0 0
avail 2 0 3
vq direct 0 "1 0 0" "2 16 0" "7 0 0" "1 0 0" "2 0 0" "6 0 0" "7 0 0"
desc 0 0 $((g0 + 512)) 48 $I 0
desc 512 0 $((g0 + 256)) 10 $N 2
desc 512 2 $((g0 + 320)) 20 $N 1
desc 512 1 $((g0 + 384)) 30 $W 0
desc 0 1 $((g0 + 256)) 4 $N 2
desc 0 2 $((g0 + 640)) 16 $I 0
desc 640 0 $((g0 + 1024)) 256 $W 0
avail 2 0 1
vq indirect-mixed 2 "0 0 0" "0 0 0" "2 30 0" "2 0 0" "7 0 0"
for i in 0 1 2; do desc 0 $i $((g0 + 256 + 64 * i)) 64 $W 0; done
put 154 65534 2 # used->idx
put 148 65535 2 # used_event
avail 1 0 1 2
vq event-idx-resume $((1 | 4)) "0 0 0" "2 64 0" "7 0 0" "5 0 0" "1 0 0" "2 1 0" \
	"7 0 0" "6 0 0" "8 0 0" "1 0 0" "1 0 0"
desc 0 0 $((g0 + 256)) 16 $N 1
desc 0 1 $((g0 + 1016)) 16 $W 0 # straddles into region 1
desc 0 2 $((g0 + 256)) 16 $N 2 # a loop
avail 2 0 2
# Breaks on the straddling buffer; the frontend fixes it, the driver
# restarts and pops it again, then breaks on the loop.
vq fix-restart 0 "0 0 0" "4 0x40 16" "8 0 0" "0 0 0" "2 0 0" "0 0 0"
# Indirect, but a readable buffer after a writable one (§2.7.4.2).
desc 0 0 $((g0 + 256)) 8 $((N | W)) 1
desc 0 1 $((g0 + 512)) 32 $I 0
desc 512 0 $((g0 + 384)) 8 $((N | W)) 1
desc 512 1 $((g0 + 320)) 8 0 0
avail 1 0
vq write-then-read 2 "1 0 0" "7 0 0"

# fuzz_blk (as fuzz_blk.c reads it): set-up bytes (flags: bit 0 two
# devices, bits 1-2 read-only, bit 3 flush, bit 4 the second device's
# slice on a disk the driver does not drive, bits 5-7 all set: no disk;
# the disk's size in 256-sector
# steps; each device's slice offset and size in 256-sector steps; one
# spare), then steps. A chain offered: op 0x00 (| 0x10 for the second
# device), a kind byte (bit 2: the type in bits 0-1, IN OUT FLUSH GET_ID;
# bit 3: a small sector), 16 header bytes, a segment count - 1, and 2
# bytes per segment (bit 0 writable, bits 1-2: 16 bytes, 1 byte, 512 <<
# bits 3-5, or bits 3-15 bytes). Op 0x03: the disk answers (a pick byte),
# the driver wakes; 0x05: a reset; 0x06: the driver wakes.
blk() { # FILE SETUP... -- STEP BYTES...
	local f=$1
	shift
	for b in "$@"; do printf "\\x$(printf %02x "$b")"; done >"$out/fuzz_blk/$f"
}
hdr() { # SECTOR: 16 header bytes (the type is the kind's)
	echo 0 0 0 0 0 0 0 0 $(($1 & 255)) $(($1 >> 8 & 255)) 0 0 0 0 0 0
}
write3=(0x0d $(hdr 3) 2 0 0 4 0 3 0)    # OUT sector 3: header, 512, status
read3=(0x0c $(hdr 3) 2 0 0 5 0 3 0)     # IN sector 3
flush=(0x0e $(hdr 0) 1 0 0 3 0)         # FLUSH
getid=(0x0f $(hdr 0) 1 0 0 0xaf 0)      # GET_ID into 21 bytes
past=(0x0c $(hdr 600) 2 0 0 5 0 3 0)    # IN past a 512-sector slice
blk serve 0x09 0x10 0 2 2 2 0 \
	0x00 "${write3[@]}" 0x03 0 0x00 "${read3[@]}" 0x03 0 \
	0x10 "${flush[@]}" 0x03 0 0x10 "${getid[@]}" 0x06 0x05
blk reset-in-flight 0x01 0x10 0 2 2 2 0 \
	0x00 "${read3[@]}" 0x00 "${write3[@]}" 0x05 0x03 0 0x03 0 0x06
blk refused 0x03 0x10 0 2 2 2 0 \
	0x00 "${write3[@]}" 0x00 "${past[@]}" 0x10 "${write3[@]}" 0x03 0 0x06
blk no-disk 0xe9 0x10 0 2 2 2 0 \
	0x00 "${write3[@]}" 0x00 "${read3[@]}" 0x10 "${flush[@]}" 0x06
blk foreign 0x19 0x10 0 2 2 2 0 \
	0x10 "${read3[@]}" 0x00 "${read3[@]}" 0x03 0 0x06

# fuzz_vdev (as fuzz_vdev.c reads it): steps, a byte of op each (bits
# 0-2: 0-1 a register write, 2 a read, 3 VDEV_RAISE, 4 a stop to
# restart, 5 a stop for good, 6 a restart's wait, 7 the driver confirms
# resets (bit 3) or not; bits 4-5 the partition, linux 0, blk 1, rt 2;
# bit 6 the device whose window; bit 7 a named register) and operands:
# a named register is its index in fuzz_vdev.c's list (| 0x80: a 4-byte
# value follows, else one byte), VDEV_RAISE a device byte and 4 bytes of
# bits.
reg() { # OP NAME VALUE: a named register write, the value 4 bytes if big
	local idx
	case $2 in
	STATUS) idx=12 ;; DRV_FEAT) idx=3 ;; DRV_SEL) idx=4 ;; Q_SEL) idx=5 ;;
	Q_NUM) idx=7 ;; Q_READY) idx=8 ;; NOTIFY) idx=9 ;; ACK) idx=11 ;;
	DESC) idx=13 ;; DRIVER) idx=15 ;; DEVICE) idx=17 ;;
	esac
	if (($3 > 15)); then
		echo $(($1 | 0x80)) $((idx | 0x80)) $(($3 & 255)) $(($3 >> 8 & 255)) \
			$(($3 >> 16 & 255)) $(($3 >> 24 & 255))
	else
		echo $(($1 | 0x80)) $idx "$3"
	fi
}
negotiate() { # OP FEATURES_LOW FEATURES_HIGH QSIZE: up to DRIVER_OK, a kick
	echo $(reg "$1" STATUS 3) $(reg "$1" DRV_SEL 0) $(reg "$1" DRV_FEAT "$2") \
		$(reg "$1" DRV_SEL 1) $(reg "$1" DRV_FEAT "$3") $(reg "$1" STATUS 11) \
		$(reg "$1" Q_SEL 0) $(reg "$1" Q_NUM "$4") \
		$(reg "$1" DESC $((0x48000000))) $(reg "$1" DRIVER $((0x48001000))) \
		$(reg "$1" DEVICE $((0x48002000))) $(reg "$1" Q_READY 1) \
		$(reg "$1" STATUS 15) $(reg "$1" NOTIFY 0)
}
vdev() { # FILE BYTES...
	local f=$1
	shift
	for b in "$@"; do printf "\\x$(printf %02x "$b")"; done >"$out/fuzz_vdev/$f"
}
# linux sets dev 0 up and kicks; blk raises its interrupt; linux acks and
# resets it (blk confirms).
vdev linux-dev0 $(negotiate 0x00 $((1 << 9)) 1 256) 0x13 0 1 0 0 0 \
	$(reg 0x00 ACK 1) 0x0f $(reg 0x00 STATUS 0)
# rt sets dev 1 up; blk stops for good (rt's device needs a reset); rt
# restarts, blk not answering.
vdev rt-dev1-driver-dies $(negotiate 0x60 0 1 64) 0x15 0x26 $(reg 0x60 STATUS 0)
# linux writes rt's window (named registers and raw: STATUS, 8 bytes at
# QUEUE_NUM); rt's driver raise from linux; blk raises a device it serves
# with bits it may not.
vdev cross-writes $(reg 0x40 STATUS 15) 0x00 0x70 0x10 2 15 0 \
	0x00 0x38 0x10 3 1 2 3 4 5 6 7 8 0x03 1 1 0 0 0 0x13 0 4 0 0 0 \
	0x1b 1 0 0 0 0 $(negotiate 0x00 0 3 512)

# fuzz_console (as fuzz_console.c reads it): steps, a byte of op each
# (bits 0-2: 0-1 a transmit, 2 typing, 3 a receive buffer posted, 4 a
# reset, else a wake; bits 4-5 the console: linux 0, rt 1,
# baremetal-front 2; bit 6 two chains) and operands: a chain is a
# buffer count - 1, then each buffer's length and (transmit) bytes;
# typing is a count - 1 and the bytes (0xff: Ctrl-]).
con() { # FILE BYTES...
	local f=$1
	shift
	for b in "$@"; do printf "\\x$(printf %02x "$b")"; done >"$out/fuzz_console/$f"
}
text() { # STRING: its bytes
	local i
	for ((i = 0; i < ${#1}; i++)); do printf '%d ' "'${1:i:1}"; done
}
# linux (focused) and rt print lines; the operator types, linux reads.
con lines 0x00 0 12 $(text "hello, linux") 0x10 0 9 $(text "rt line") 10 0 \
	0x03 0 32 0x02 2 $(text "ls") 13 0x05
# linux streams escapes and backspaces; a bare-metal frontend prints a
# line longer than the console's 240 bytes in three buffers.
con escapes 0x00 0 19 27 91 54 110 27 91 75 27 91 50 74 8 8 8 97 98 99 8 10 \
	0x20 2 90 $(for i in $(seq 90); do echo 65; done) \
	90 $(for i in $(seq 90); do echo 66; done) \
	90 $(for i in $(seq 90); do echo 67; done) 0x05
# Ctrl-] to rt, which posts a buffer and reads; linux's buffer gets none.
con switch 0x03 0 16 0x02 0 0xff 0x13 1 4 4 0x02 3 $(text "abc") 13 0x14 0x02 0 120
