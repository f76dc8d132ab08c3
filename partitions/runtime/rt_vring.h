/* SPDX-License-Identifier: MIT */
/*
 * A split virtqueue in memory (VIRTIO 1.2 §2.7), in one place for every
 * bare-metal frontend, the attack guests and the block driver's own disk
 * queue. Inside a struct, for an N-entry queue:
 *
 *	RT_VRING_DESC(N);	the descriptor table (16 bytes each)
 *	RT_VRING_AVAIL(N);	the available ring, then used_event
 *	RT_VRING_PAD(N);	(legacy devices only) the used ring on the
 *				next 4 KiB, §4.2.4's QueueAlign of 4096
 *	RT_VRING_USED(N);	the used ring, then avail_event
 *
 * The members' own alignment gives §2.7's (16, 2 and 4) when the struct
 * is 16-byte aligned.
 */
#pragma once

#include <stdint.h>

/* One descriptor (§2.7.5). */
struct rt_vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

#define RT_VRING_DESC(n) struct rt_vring_desc desc[n]

#define RT_VRING_AVAIL(n)                                 \
	struct {                                          \
		uint16_t flags, idx, ring[n], used_event; \
	} avail

#define RT_VRING_PAD(n) uint8_t pad[4096 - ((n)*16 + ((n) + 3) * 2) % 4096]

#define RT_VRING_USED(n)                  \
	struct {                          \
		uint16_t flags, idx;      \
		struct {                  \
			uint32_t id, len; \
		} ring[n];                \
		uint16_t avail_event;     \
	} used
