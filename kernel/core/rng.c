// SPDX-License-Identifier: MIT
/*
 * A fresh /chosen/rng-seed for every boot of every partition. The core has
 * no entropy source of its own, so it keeps a secret: a ChaCha20 key
 * (RFC 8439) derived at boot from every partition's build-time seed (which
 * no partition ever sees: each boot's seed overwrites it before the guest
 * runs), the counter and, where the CPU has it, RNDR (FEAT_RNG). Each
 * partition gets its own key from it. A (re)start draws one ChaCha20 block
 * with that key, the boot count and the counter: 32 bytes become the new
 * key (fast key erasure: an earlier seed cannot be recomputed from a later
 * state) and 32 the seed. A guest that saw all its earlier seeds cannot
 * derive the next one without the key. Whoever holds the system image
 * knows the build-time seeds, so this is no substitute for a hardware
 * entropy source: the counter and RNDR are the only fresh input.
 *
 * Each partition's key is touched only by its own start, which its
 * lifecycle serialises; the boot-time derivation runs before any other CPU.
 */
#include <bulkhead/arch.h>
#include <bulkhead/lib.h>
#include <bulkhead/partition.h>
#include <bulkhead/rng.h>

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static __attribute__((noinline)) void quarter(u32 *s, u32 a, u32 b, u32 c,
					      u32 d)
{
	s[a] += s[b];
	s[d] = ROTL(s[d] ^ s[a], 16);
	s[c] += s[d];
	s[b] = ROTL(s[b] ^ s[c], 12);
	s[a] += s[b];
	s[d] = ROTL(s[d] ^ s[a], 8);
	s[c] += s[d];
	s[b] = ROTL(s[b] ^ s[c], 7);
}

/* One ChaCha20 block (RFC 8439 2.3): @key 8 words, @nonce 4 words
 * (block counter and nonce together), 16 words out. */
static void chacha20(const u32 key[8], const u32 nonce[4], u32 out[16])
{
	/* Column rounds, then diagonal rounds: a, b, c, d of each quarter. */
	static const u8 q[8][4] = {
		{ 0, 4, 8, 12 },  { 1, 5, 9, 13 },  { 2, 6, 10, 14 },
		{ 3, 7, 11, 15 }, { 0, 5, 10, 15 }, { 1, 6, 11, 12 },
		{ 2, 7, 8, 13 },  { 3, 4, 9, 14 },
	};
	u32 s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

	memcpy(&s[4], key, 32);
	memcpy(&s[12], nonce, 16);
	memcpy(out, s, sizeof(s));
	for (u32 i = 0; i < 10 * 8; i++)
		quarter(out, q[i % 8][0], q[i % 8][1], q[i % 8][2],
			q[i % 8][3]);
	for (u32 i = 0; i < 16; i++)
		out[i] += s[i];
}

/* Fold @n bytes at @p into @key: key = ChaCha20(key, 16 bytes of input). */
static void absorb(u32 key[8], const u8 *p, u64 n)
{
	u32 in[4], out[16];

	while (n) {
		u64 k = MIN(n, sizeof(in));

		memset(in, 0, sizeof(in));
		memcpy(in, p, k);
		chacha20(key, in, out);
		memcpy(key, out, 32);
		p += k;
		n -= k;
	}
}

static void absorb_fresh(u32 key[8])
{
	u64 fresh[2] = { arch_counter(), arch_random() };

	absorb(key, (const u8 *)fresh, sizeof(fresh));
}

/* The build-time seed of @p's DTB, in the pristine image the core keeps. */
static const u8 *build_seed(const struct part_config *c)
{
	for (u32 i = 0; c->rng_seed && i < c->nimg; i++)
		if (c->rng_seed - c->img[i].pa < c->img[i].size)
			return c->img[i].src + (c->rng_seed - c->img[i].pa);
	return NULL;
}

void rng_init(void)
{
	u32 key[8] = { 0 };

	for (u32 i = 0; i < nr_partitions; i++) {
		const u8 *seed = build_seed(&part_configs[i]);

		if (seed)
			absorb(key, seed, 32);
	}
	absorb_fresh(key);
	for (u32 i = 0; i < nr_partitions; i++) {
		u32 idx[4] = { i, 0x6b657921, 0, 0 }, out[16];

		chacha20(key, idx, out);
		memcpy(partitions[i].rng_key, out, 32);
	}
}

void rng_seed_partition(struct partition *p, u8 *seed)
{
	u64 now = arch_counter(), rnd = arch_random();
	u32 nonce[4] = { p->boots, (u32)now, (u32)(now >> 32),
			 (u32)rnd ^ (u32)(rnd >> 32) };
	u32 out[16];

	chacha20(p->rng_key, nonce, out);
	memcpy(p->rng_key, out, 32);
	memcpy(seed, &out[8], 32);
	memset(out, 0, sizeof(out));
}
