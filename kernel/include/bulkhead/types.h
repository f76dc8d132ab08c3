/* SPDX-License-Identifier: MIT */
/*
 * Basic types for the EL2 core. The output address of a mapping is a
 * distinct wrapper type (paddr_t), so that the table builder cannot be
 * handed an input address as its output by accident. (An IPA type went
 * unused: IPAs only ever come from the config or a fault register.)
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

/** A physical address (what the memory system sees). */
typedef struct {
	u64 pa;
} paddr_t;

#define PA(x) ((paddr_t){ .pa = (x) })

#define PAGE_SIZE 0x1000UL /* 4 KiB granule */
#define SZ_2M (1UL << 21)

#define ALIGNED(x, a) ((((u64)(x)) & ((u64)(a)-1U)) == 0U)
#define ROUND_UP(x, a) ((((u64)(x)) + (u64)(a)-1U) & ~((u64)(a)-1U))
#define ROUND_DOWN(x, a) (((u64)(x)) & ~((u64)(a)-1U))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))
#define BIT32(n) ((u32)1U << (n))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define noreturn _Noreturn

#define aligned_to(n) __attribute__((aligned(n)))
#define in_section(s) __attribute__((section(s)))
