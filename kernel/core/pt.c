// SPDX-License-Identifier: MIT
/*
 * Generic translation-table builder (see pt.h). A request is checked in a
 * first, read-only walk (alignment, range, overlap) and only then applied,
 * so a refused request leaves the tables exactly as they were. The only
 * failure possible during the second walk is running out of pool pages,
 * which the config tool rules out by sizing the pool with this same code.
 */
#include <bulkhead/lib.h>
#include <bulkhead/pt.h>

static u64 level_size(unsigned level)
{
	return 1UL << PT_LEVEL_SHIFT(level);
}

static u32 level_index(const struct pt *pt, u64 in, unsigned level)
{
	u32 entries = level == 1U ? pt->root_entries : PT_ENTRIES;

	return (u32)((in >> PT_LEVEL_SHIFT(level)) & (entries - 1U));
}

/* A block is usable at level 1 and 2 (4 KiB granule), a page at level 3. */
static bool leaf_fits(unsigned level, u64 in, paddr_t pa, u64 size)
{
	u64 bs = level_size(level);

	return ALIGNED(in, bs) && ALIGNED(pa.pa, bs) && size >= bs;
}

void pt_init(struct pt *pt, const struct pt_format *fmt, struct pt_pool *pool,
	     u64 *root, u32 bits)
{
	pt->fmt = fmt;
	pt->pool = pool;
	pt->root = root;
	pt->bits = bits;
	pt->root_entries = 1U << (bits - 30U);
	(void)memset(root, 0, pt->root_entries * sizeof(u64));
}

/* Is [in, in+size) free of mappings below @table (at @level)? */
static bool range_free(const struct pt *pt, const u64 *table, unsigned level,
		       u64 in, u64 size)
{
	while (size != 0U) {
		u64 bs = level_size(level);
		u64 chunk = MIN(size, bs - (in & (bs - 1U)));
		u64 desc = table[level_index(pt, in, level)];

		if (pt->fmt->valid(desc)) {
			if (level == 3U || !pt->fmt->is_table(desc, level)) {
				return false;
			}
			if (!range_free(pt, pt->fmt->next(desc), level + 1U, in,
					chunk)) {
				return false;
			}
		}
		in += chunk;
		size -= chunk;
	}
	return true;
}

static u64 *table_alloc(struct pt_pool *pool)
{
	u64 *t;

	if (pool->used == pool->total) {
		return NULL;
	}
	t = pool->pages[pool->used++];
	(void)memset(t, 0U, PT_ENTRIES * sizeof(u64));
	return t;
}

static int map_level(struct pt *pt, u64 *table, unsigned level, u64 in,
		     paddr_t pa, u64 size, unsigned attr)
{
	while (size != 0U) {
		u64 bs = level_size(level);
		u64 chunk = MIN(size, bs - (in & (bs - 1U)));
		u64 *slot = &table[level_index(pt, in, level)];
		int err;

		if (!pt->fmt->valid(*slot) && leaf_fits(level, in, pa, size)) {
			*slot = pt->fmt->leaf(pa, level, attr);
		} else {
			if (!pt->fmt->valid(*slot)) {
				u64 *next = table_alloc(pt->pool);

				if (!next) {
					return PT_ENOMEM;
				}
				*slot = pt->fmt->table(next);
			}
			err = map_level(pt, pt->fmt->next(*slot), level + 1U,
					in, pa, chunk, attr);
			if (err != 0) {
				return err;
			}
		}
		in += chunk;
		pa.pa += chunk;
		size -= chunk;
	}
	return PT_OK;
}

int pt_map(struct pt *pt, u64 in, paddr_t pa, u64 size, unsigned attr)
{
	u64 limit = 1UL << pt->bits;

	if (!size || !ALIGNED(in, PAGE_SIZE) || !ALIGNED(pa.pa, PAGE_SIZE) ||
	    !ALIGNED(size, PAGE_SIZE)) {
		return PT_EALIGN;
	}
	if (in >= limit || size > limit - in || pa.pa + size < pa.pa) {
		return PT_ERANGE;
	}
	if (!range_free(pt, pt->root, 1, in, size)) {
		return PT_EOVERLAP;
	}
	return map_level(pt, pt->root, 1, in, pa, size, attr);
}
