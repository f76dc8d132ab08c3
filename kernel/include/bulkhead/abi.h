/* SPDX-License-Identifier: MIT */
/*
 * Bulkhead's guest ABI: hypercalls and the PSCI subset a partition sees.
 * Self-contained (guests include it too). Full description: docs/abi.md.
 *
 * Hypercalls follow the SMC Calling Convention (Arm DEN0028): HVC #0,
 * function ID in w0, arguments in x1..x7, results in x0..x7. They live in
 * the Vendor Specific Hypervisor Service range (owning entity 6), fast
 * calls, 64-bit: 0xC600_0000 | n. x0 returns an SMCCC status (0 success,
 * negative error) unless a call says otherwise.
 */
#pragma once

#define BH_HC(n) (0xc6000000U | (n))

/** Protocol version: x0 = (major << 16) | minor. 1.1 added EXITS,
 * VDEV_RAISE, VDEV_NEEDS_RESET and BH_BUSY; 1.2: a device reset waits
 * (bounded) for its driver's confirmation in quiesced[]. */
#define BH_HC_VERSION BH_HC(0U)
#define BH_ABI_VERSION 0x00010002U

/**
 * Console write: x1 = byte count (0..BH_CONSOLE_MAX), x2..x7 = the bytes,
 * little-endian, 8 per register. Lines appear tagged "[partition] ".
 */
#define BH_HC_CONSOLE_WRITE BH_HC(1U)
#define BH_CONSOLE_MAX 48U

/**
 * Who am I: x1 = partition index, x2 = vCPU index, x3 = vCPU count,
 * x4 = physical CPU index (cpu@N of the platform), x5 = boot count
 * (1 on the first boot, +1 per restart), x6..x7 = partition name
 * (16 bytes, NUL padded, little-endian).
 */
#define BH_HC_WHOAMI BH_HC(2U)

/**
 * Exit counters of vCPU x1 of the calling partition (debug): x1..x4 hold
 * two 32-bit counts each, low half first, in the order hvc, smc, sysreg,
 * gic, virtio, abort, other, irq (docs/abi.md). INVALID_PARAMETER if the
 * partition has no such vCPU.
 */
#define BH_HC_EXITS BH_HC(3U)

/**
 * A driver partition raises the interrupt of a virtio device it serves:
 * x1 = the device's index (in its device tree), x2 = interrupt status bits
 * to set (1 used buffer, 2 configuration change). INVALID_PARAMETER if it
 * does not serve that device or x2 has other bits.
 */
#define BH_HC_VDEV_RAISE BH_HC(4U)

/**
 * A driver partition gives up on a device until its frontend resets it:
 * x1 = the device's index, x2 = the device life it gives up on (the
 * state page's resets count it acted on). The device shows
 * DEVICE_NEEDS_RESET and its frontend gets a configuration-change
 * interrupt, unless the frontend has reset the device since (then
 * nothing happens: that life is over).
 */
#define BH_HC_VDEV_NEEDS_RESET BH_HC(5U)

/* SMCCC return codes. */
#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_INVALID_PARAMETER (-3)
#define BH_BUSY (-4) /* nothing was taken: try again (CONSOLE_WRITE) */

/* PSCI (Arm DEN0022) function IDs and return codes. */
#define PSCI_VERSION 0x84000000U
#define PSCI_CPU_SUSPEND_32 0x84000001U
#define PSCI_CPU_SUSPEND_64 0xc4000001U
#define PSCI_CPU_OFF 0x84000002U
#define PSCI_CPU_ON_32 0x84000003U
#define PSCI_CPU_ON_64 0xc4000003U
#define PSCI_AFFINITY_INFO_32 0x84000004U
#define PSCI_AFFINITY_INFO_64 0xc4000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF 0x84000008U
#define PSCI_SYSTEM_RESET 0x84000009U
#define PSCI_FEATURES 0x8400000aU
#define PSCI_SYSTEM_SUSPEND_64 0xc400000eU /* not provided */

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)
#define PSCI_ON_PENDING (-5)
#define PSCI_INTERNAL_FAILURE (-6)
#define PSCI_INVALID_ADDRESS (-9)

#define PSCI_VERSION_1_1 0x00010001U
#define PSCI_TOS_NOT_PRESENT_MP 2U /* MIGRATE_INFO_TYPE: no trusted OS */
