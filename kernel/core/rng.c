// SPDX-License-Identifier: MIT
/*
 * A fresh /chosen/rng-seed for every boot of every partition. The core has
 * no entropy source of its own, so it keeps a secret: a ChaCha20 key
 * (RFC 8439) made at boot from every partition's build-time seed (which no
 * partition ever sees: each boot's seed overwrites it before the guest
 * runs). A partition's first boot draws a block from it, every later boot
 * from the partition's own key; with the partition, the boot count, the
 * counter and, where the CPU has it, RNDR (FEAT_RNG) in the nonce, 32 bytes of
 * the block become the partition's next key (fast key erasure: an earlier seed
 * cannot be recomputed from a later state) and 32 the seed. A guest that saw
 * all its earlier seeds cannot derive the next one without the key. Whoever
 * holds the system image knows the build-time seeds, so this is no substitute
 * for a hardware entropy source: the counter and RNDR are the only fresh input.
 *
 * Each partition's key is touched only by its own start, which its
 * lifecycle serialises; the core's key is written only by rng_init(),
 * before any other CPU runs, and only read afterwards.
 */
#include <bulkhead/arch.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/rng.h>

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32U - (n))))

static u32 core_key[8];

/* A ChaCha quarter round on x[a], x[b], x[c], x[d] (RFC 8439 2.1). */
static __attribute__((noinline)) void quarter(u32 *x, u32 a, u32 b, u32 c,
					      u32 d)
{
	x[a] += x[b];
	x[d] = ROTL(x[d] ^ x[a], 16U);
	x[c] += x[d];
	x[b] = ROTL(x[b] ^ x[c], 12U);
	x[a] += x[b];
	x[d] = ROTL(x[d] ^ x[a], 8U);
	x[c] += x[d];
	x[b] = ROTL(x[b] ^ x[c], 7U);
}

/* One ChaCha20 block (RFC 8439 2.3): @key 8 words, @nonce 4 words
 * (block counter and nonce together), 16 words out in @x. */
static void chacha20(const u32 key[8], const u32 nonce[4], u32 x[16])
{
	static const u32 sigma[4] = { 0x61707865U, 0x3320646eU, 0x79622d32U,
				      0x6b206574U }; /* "expand 32-byte k" */
	u32 s[16];

	(void)memcpy(s, sigma, sizeof(sigma));
	(void)memcpy(&s[4], key, 32);
	(void)memcpy(&s[12], nonce, 16);
	(void)memcpy(x, s, sizeof(s));
	for (u32 i = 0U; i < 10U; i++) {
		quarter(x, 0, 4, 8, 12);
		quarter(x, 1, 5, 9, 13);
		quarter(x, 2, 6, 10, 14);
		quarter(x, 3, 7, 11, 15);
		quarter(x, 0, 5, 10, 15);
		quarter(x, 1, 6, 11, 12);
		quarter(x, 2, 7, 8, 13);
		quarter(x, 3, 4, 9, 14);
	}
	for (u32 i = 0U; i < 16U; i++) {
		x[i] += s[i];
	}
}

/* The build-time seed of @c's DTB, in the pristine image the core keeps. */
static const u8 *build_seed(const struct part_config *c)
{
	for (u32 i = 0; c->rng_seed && i < c->nimg; i++) {
		if (c->rng_seed - c->img[i].pa < c->img[i].size) {
			return c->img[i].src + (c->rng_seed - c->img[i].pa);
		}
	}
	return NULL;
}

void rng_init(void)
{
	(void)memset(core_key, 0, sizeof(core_key));
	for (u32 i = 0; i < nr_partitions; i++) {
		const u8 *seed = build_seed(&part_configs[i]);

		for (u32 k = 0U; seed && k < 32U; k++) {
			((u8 *)core_key)[k] ^= seed[k];
		}
	}
}

void rng_seed_partition(struct partition *p, u8 *seed)
{
	u64 now = arch_counter(), rnd = arch_random();
	u32 nonce[4] = { (p->index << 16) | (p->boots & 0xffffU), (u32)now,
			 (u32)(now >> 32), (u32)rnd ^ (u32)(rnd >> 32) };
	u32 out[16];

	chacha20(p->boots > 1U ? p->rng_key : core_key, nonce, out);
	(void)memcpy(p->rng_key, out, 32);
	for (u32 k = 0U; k < 32U; k++) { /* words 8-15, little-endian */
		seed[k] = (u8)(out[8U + k / 4U] >> (8U * (k % 4U)));
	}
	(void)memset(out, 0, sizeof(out));
}
