/* SPDX-License-Identifier: MIT */
/*
 * System register access and the register bits the core relies on, with
 * the Arm ARM (DDI 0487) section each comes from.
 */
#pragma once

#include <bulkhead/types.h>

#define STR_(x) #x
#define STR(x) STR_(x)

#define sysreg_read(r)                                          \
	({                                                      \
		u64 v_;                                         \
		__asm__ volatile("mrs %0, " STR(r) : "=r"(v_)); \
		v_;                                             \
	})

#define sysreg_write(r, v)                                                     \
	do {                                                                   \
		u64 w_ = (u64)(v);                                             \
		__asm__ volatile("msr " STR(r) ", %0" : : "r"(w_) : "memory"); \
	} while (0)

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")

/* GICv3 system registers without a name in older assemblers (ARM IHI 0069). */
#define ICC_IAR0_EL1 S3_0_C12_C8_0
#define ICC_EOIR0_EL1 S3_0_C12_C8_1
#define ICC_BPR0_EL1 S3_0_C12_C8_3
#define ICC_AP1R0_EL1 S3_0_C12_C9_0
#define ICC_AP1R1_EL1 S3_0_C12_C9_1
#define ICC_AP1R2_EL1 S3_0_C12_C9_2
#define ICC_AP1R3_EL1 S3_0_C12_C9_3
#define ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_SGI0R_EL1 S3_0_C12_C11_7
#define ICC_IGRPEN0_EL1 S3_0_C12_C12_6
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_DIR_EL1 S3_0_C12_C11_1
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP0R1_EL2 S3_4_C12_C8_1
#define ICH_AP0R2_EL2 S3_4_C12_C8_2
#define ICH_AP0R3_EL2 S3_4_C12_C8_3
#define ICH_AP1R0_EL2 S3_4_C12_C9_0
#define ICH_AP1R1_EL2 S3_4_C12_C9_1
#define ICH_AP1R2_EL2 S3_4_C12_C9_2
#define ICH_AP1R3_EL2 S3_4_C12_C9_3

/* MDCR_EL2 (D19.2.84) */
#define MDCR_TPM BIT(6)	  /* trap PMU accesses from EL0 and EL1 */
#define MDCR_HPMD BIT(17) /* no event counting at EL2 (ARMv8.1 PMU) */

/* HCR_EL2 (D19.2.48) */
#define HCR_VM BIT(0)	  /* stage 2 on */
#define HCR_FMO BIT(3)	  /* physical FIQ to EL2, virtual FIQ on */
#define HCR_IMO BIT(4)	  /* physical IRQ to EL2, virtual IRQ on */
#define HCR_AMO BIT(5)	  /* physical SError to EL2, virtual SError on */
#define HCR_TSC BIT(19)	  /* trap SMC */
#define HCR_TIDCP BIT(20) /* trap IMPLEMENTATION DEFINED registers */
#define HCR_TACR BIT(21)  /* trap ACTLR_EL1 */
#define HCR_TSW BIT(22)
#define HCR_RW BIT(31)	/* EL1 is AArch64 */
#define HCR_APK BIT(40) /* pointer-auth key registers do not trap */
#define HCR_API BIT(41) /* pointer-auth instructions do not trap */

/* Registers older assemblers do not name. */
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2
#define ZCR_EL2 S3_4_C1_C2_0

/* SCTLR_EL2 (D19.2.118), non-VHE layout */
#define SCTLR_EL2_M BIT(0)
#define SCTLR_EL2_C BIT(2)
#define SCTLR_EL2_SA BIT(3)
#define SCTLR_EL2_I BIT(12)
#define SCTLR_EL2_WXN BIT(19)
#define SCTLR_EL2_RES1                                                       \
	(BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | BIT(22) | BIT(23) | \
	 BIT(28) | BIT(29))

/* SCTLR_EL1 value at guest entry: MMU and caches off, RES1 bits set. */
#define SCTLR_EL1_RESET 0x30d00800UL

/* SPSR for an entry at EL1h with D, A, I, F masked (arm64 boot protocol). */
#define SPSR_EL1H_MASKED 0x3c5UL

/* ESR_ELx (D19.2.40): EC in [31:26], IL [25], ISS [24:0]. */
#define ESR_EC(esr) ((u32)((esr) >> 26) & 0x3fU)
#define ESR_IL (1UL << 25) /* instruction length: 32-bit */

/* CNTHCTL_EL2 (D19.11.?), non-VHE: EL1PCTEN bit 0, EL1PCEN bit 1. */
#define CNTHCTL_EL1PCTEN BIT(0)

/* MPIDR_EL1 affinity fields: Aff0..Aff2 in [23:0], Aff3 in [39:32]. */
#define MPIDR_AFF_MASK 0xff00ffffffUL
