/* SPDX-License-Identifier: MIT */
/*
 * Device side of VIRTIO 1.2 split virtqueues (§2.7) for driver partitions.
 * The frontend's rings and buffers are reached only through a grant: a
 * small table of regions mapping frontend (guest) addresses to local
 * pointers. Everything the frontend wrote is hostile: each shared field is
 * read once through a volatile access, each descriptor is copied before it
 * is checked, every guest address range must lie inside one grant region,
 * and any violation breaks the queue for good (a distinct error code and
 * the offending index and value in struct virtq_fault); the caller then
 * sets DEVICE_NEEDS_RESET. A broken queue touches no shared memory again.
 * Little-endian only (checked at build time); no allocation; of libc
 * only memset (kernel/lib/string.c on the target).
 *
 * A driver's loop (kicks off while it drains, completes in order):
 *
 *	struct virtq_seg seg[N];
 *	struct virtq_chain c = { .seg = seg, .cap = N };
 *	virtq_init(&q, &cfg, grant, ngrant);    (or virtq_resume on restart)
 *	on a kick:
 *		while ((r = virtq_next(&q, &c)) > 0)
 *			virtq_push(&q, c.head, serve(&c));
 *		if (r < 0) set DEVICE_NEEDS_RESET, report virtq_strerror(r);
 *		else if (virtq_need_interrupt(&q)) interrupt the frontend;
 */
#pragma once

#include <bulkhead/types.h>

#define VIRTQ_MAX_SIZE 32768U /* §2.7: largest queue size */

/* Descriptor flags (§2.7.5). */
#define VIRTQ_DESC_F_NEXT 1U
#define VIRTQ_DESC_F_WRITE 2U
#define VIRTQ_DESC_F_INDIRECT 4U
/* Ring flags (§2.7.7, §2.7.10). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1U
#define VIRTQ_USED_F_NO_NOTIFY 1U

/** Error codes: negative, distinct, each with a virtq_strerror() text. */
enum virtq_err {
	VIRTQ_OK = 0,
	VIRTQ_E_SIZE = -1,		 /* value: queue size */
	VIRTQ_E_GRANT = -2,		 /* index: region; value: guest base */
	VIRTQ_E_RING_ALIGN = -3,	 /* index: 0 desc 1 avail 2 used */
	VIRTQ_E_RING_GRANT = -4,	 /* index as above; value: address */
	VIRTQ_E_AVAIL_IDX = -5,		 /* index: last popped; value: idx */
	VIRTQ_E_RESUME_IDX = -6,	 /* index: used idx; value: avail idx */
	VIRTQ_E_HEAD = -7,		 /* index: ring slot; value: head */
	VIRTQ_E_NEXT = -8,		 /* index: descriptor; value: next */
	VIRTQ_E_CHAIN_LONG = -9,	 /* value: descriptors walked */
	VIRTQ_E_BUF_GRANT = -10,	 /* value: buffer address */
	VIRTQ_E_ORDER = -11,		 /* readable after writable */
	VIRTQ_E_TOO_BIG = -12,		 /* value: length of that buffer */
	VIRTQ_E_SEGS = -13,		 /* value: segment capacity */
	VIRTQ_E_INDIRECT_FEATURE = -14,	 /* value: flags */
	VIRTQ_E_INDIRECT_NEXT = -15,	 /* value: flags */
	VIRTQ_E_INDIRECT_LEN = -16,	 /* value: table length in bytes */
	VIRTQ_E_INDIRECT_ALIGN = -17,	 /* value: table address */
	VIRTQ_E_INDIRECT_GRANT = -18,	 /* value: table address */
	VIRTQ_E_INDIRECT_NESTED = -19,	 /* value: flags */
	VIRTQ_E_INDIRECT_NEXT_IDX = -20, /* value: next */
	VIRTQ_E_PUSH_ID = -21,		 /* caller: value: id >= size */
	VIRTQ_E_PUSH_EXTRA = -22,	 /* caller: more pushes than pops */
};
#define VIRTQ_E_LAST VIRTQ_E_PUSH_EXTRA

/** One region of the grant: [guest, guest + size) seen at local. */
struct virtq_region {
	u64 guest;
	u64 size;
	void *local;
};

/** What the frontend configured (virtio-mmio QueueNum, QueueDesc, ...). */
struct virtq_config {
	u32 size;	/* QueueNum: a power of 2, 1..32768 */
	u64 desc;	/* QueueDesc: descriptor table, 16-byte aligned */
	u64 avail;	/* QueueDriver: available ring, 2-byte aligned */
	u64 used;	/* QueueDevice: used ring, 4-byte aligned */
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;	/* VIRTIO_F_INDIRECT_DESC negotiated */
	u32 max_bytes;	/* bound on a chain's readable, and writable, bytes */
};

/** The first violation seen; code is 0 while the queue works. */
struct virtq_fault {
	int code;      /* enum virtq_err */
	bool indirect; /* index is into an indirect table */
	u32 index;     /* descriptor (or as enum virtq_err says) */
	u64 value;     /* the offending value (as enum virtq_err says) */
};

/**
 * One buffer of a chain, translated; readable ones come first. Its bytes
 * stay in the frontend's memory and can change under the driver: copy a
 * header out once, then check and use the copy.
 */
struct virtq_seg {
	void *ptr; /* local pointer, [ptr, ptr + len) inside the grant */
	u32 len;
	bool writable; /* device-writable (VIRTQ_DESC_F_WRITE) */
};

/**
 * A popped descriptor chain. The caller sets seg and cap once; virtq_pop()
 * fills the rest. A chain with more than cap buffers breaks the queue
 * (§2.7.4.1 lets a device limit chains); it is never truncated.
 */
struct virtq_chain {
	struct virtq_seg *seg; /* caller's array of cap segments */
	u32 cap;
	u16 head;     /* id to give virtq_push() */
	u32 nseg;     /* segments filled */
	u32 nread;    /* seg[0..nread) readable, seg[nread..nseg) writable */
	u32 readable; /* bytes in readable segments (<= max_bytes) */
	u32 writable; /* bytes in writable segments (<= max_bytes) */
};

/** A queue's device-side state; fields are private to virtq.c. */
struct virtq {
	const struct virtq_region *grant;
	u32 ngrant;
	u32 size;
	u32 max_bytes;
	bool event_idx;
	bool indirect;
	bool signalled_valid;
	bool kicks_off;
	volatile u8 *desc;
	volatile u8 *avail;
	volatile u8 *used;
	u16 last_avail; /* next available ring entry to pop */
	u16 avail_idx;	/* avail->idx as last read and checked */
	u16 used_idx;	/* next used ring entry to fill */
	u16 signalled;	/* used_idx at the last virtq_need_interrupt() */
	struct virtq_fault fault;
};

/**
 * Set up @q from @cfg for a queue the frontend just enabled: indices start
 * at 0. @grant (kept by pointer, must outlive @q) lists @ngrant regions.
 * Checks size, alignment and that each ring lies in one region; enables
 * kicks. Returns 0 or an error (the queue is then broken).
 */
int virtq_init(struct virtq *q, const struct virtq_config *cfg,
	       const struct virtq_region *grant, u32 ngrant);

/**
 * As virtq_init(), for a restarted driver partition taking over a running
 * queue: resumes at the used ring's idx, so chains popped but not completed
 * before the restart are popped again (this needs in-order completion).
 * The caller should interrupt the frontend once afterwards: the previous
 * incarnation may have completed a chain and died before interrupting.
 */
int virtq_resume(struct virtq *q, const struct virtq_config *cfg,
		 const struct virtq_region *grant, u32 ngrant);

/**
 * Pop the next available chain into @c: 1 if one was popped, 0 if the
 * queue is empty, or an error (then and ever after; @c is then garbage).
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);

/**
 * virtq_pop() for a drain loop with kick suppression: kicks stay off
 * while chains are found; on empty, kicks go back on and the ring is
 * checked once more, so a chain published meanwhile is not left waiting
 * for a kick the frontend will not send. Returns as virtq_pop(); 0 means
 * empty with kicks on.
 */
int virtq_next(struct virtq *q, struct virtq_chain *c);

/**
 * Complete chain @id with @len bytes written into its writable buffers
 * (§2.7.8): the used element, then (release) used->idx. Any order is
 * allowed; Bulkhead's drivers complete in order (virtq_resume relies on
 * it). Returns 0 or an error (an id not < size, more pushes than pops).
 */
int virtq_push(struct virtq *q, u16 id, u32 len);

/**
 * Whether to interrupt the frontend for what was pushed since the last
 * call (§2.7.7: used_event with EVENT_IDX, else VIRTQ_AVAIL_F_NO_INTERRUPT).
 * Includes the full barrier between used->idx and reading those fields.
 */
bool virtq_need_interrupt(struct virtq *q);

/** Ask the frontend not to kick (§2.7.10); a hint, kicks may still come. */
void virtq_kicks_off(struct virtq *q);

/**
 * Ask the frontend to kick again, then (full barrier) re-read avail->idx:
 * true if chains are pending, which the caller must pop now.
 */
bool virtq_kicks_on(struct virtq *q);

/** The first violation, or code 0 if the queue works. */
const struct virtq_fault *virtq_fault(const struct virtq *q);

/** A short static text for an error code ("unknown error" if none). */
const char *virtq_strerror(int code);
